import { openCacheStore } from "../cache/cacheStore.ts";
import { type FileToEdit, readFileToEdit, writeEditedFile } from "../config/editFile.ts";
import { withSetting, withoutSettings } from "../config/iniSections.ts";
import { parseAwsConfig, parseCredentialsFile } from "../config/parseAwsConfig.ts";
import { readConfigFile } from "../config/readConfigFile.ts";
import { credentialsElsewhere, type KeyProfile, resolveKeyProfile } from "../config/resolveRoleProfile.ts";
import { type KeyStoreKind, parseKeyStore } from "../config/settingChecks.ts";
import { mfaCodeAsker } from "../credentials/fetchRoleCredentials.ts";
import type { Env } from "../environment.ts";
import { askPerson } from "../keys/askSecret.ts";
import type { KeyStore } from "../keys/keyStore.ts";
import { openKeyStore, keysFilePath } from "../keys/openKeyStore.ts";
import { OTHER_TOOLS, type OtherToolKeys, openOtherToolKeys } from "../keys/otherToolKeys.ts";
import { accessKeyProblem, keyAgeDays, type KeyListing, maskKeyId, type StoredKey } from "../keys/storedKey.ts";
import type { OutputStyle } from "../output/outputStyle.ts";
import type { Reporter } from "../output/reporter.ts";
import { renderTable } from "../output/table.ts";
import { printableLine } from "../output/printableText.ts";
import { type AccessKeys, awsProblem, callerIdentity, openAccessKeys, refusedByService, shortMfaSession, type Signer, userNameOf } from "../sts/accessKeyCalls.ts";
import type { LongTermKey } from "../sts/stsClient.ts";
import { whileAwsFileLocked } from "./awsFileLock.ts";
import { UserError } from "../userError.ts";

/** What the keys commands work on: the files and folders in use, and how to ask the person. */
export interface KeysPlace {
  readonly env: Env;
  readonly configFile: string;
  /** The AWS credentials file; undefined when none can be named (no home folder). */
  readonly credentialsFile: string | undefined;
  readonly stateFolder: string | undefined;
  readonly cacheFolder: string | undefined;
  readonly gui: boolean;
  readonly reporter: Reporter;
  readonly now: Date;
}

/** How long IAM's new key may take to reach STS (IAM is eventually consistent), and how often it is tried. */
const NEW_KEY_WAIT_MS = 30_000;
const NEW_KEY_RETRY_MS = 2_000;
/** Names this tool writes into a section header (as config add does). */
const PLAIN_NAME = /^[\p{L}\p{N}\p{M}_@.+=,:/-]+$/u;
const KEY_SETTINGS = ["aws_access_key_id", "aws_secret_access_key"] as const;

/** `keys add`: the key typed (or on stdin), checked with STS, stored, and vegas_keys set on the profile. */
export async function addKey(place: KeysPlace, profile: string, options: { stdin: boolean; store: string | undefined }): Promise<string> {
  const { keyProfile, kind } = prepare(place, profile, options.store, "add");
  const held = credentialsFileKey(place, profile);
  if (held !== undefined) throw new UserError(`profile "${profile}" has a key in ${place.credentialsFile} (${maskKeyId(held.accessKeyId)}): move it with vegas-credentials keys import -p ${profile}, so no copy stays there in plaintext`);
  const key = options.stdin ? await keyFromStdin(profile) : await keyFromPerson(place, profile);
  return (await storeCheckedKey(place, keyProfile, kind, key, undefined)).text;
}

/** `keys import`: the key of the credentials file, checked and stored; then the two lines leave that file. */
export async function importKey(place: KeysPlace, profile: string, options: { store: string | undefined }): Promise<string> {
  const { keyProfile, kind } = prepare(place, profile, options.store, "import");
  const held = credentialsFileKey(place, profile);
  if (held === undefined) throw new UserError(`profile "${profile}" has no aws_access_key_id and aws_secret_access_key in ${place.credentialsFile ?? "the AWS credentials file"}: store a key with vegas-credentials keys add -p ${profile}`);
  return (await storeCheckedKey(place, keyProfile, kind, held, place.credentialsFile)).text;
}

/**
 * `keys import --from aws-vault|granted`: each key read from the other tool's store, checked with STS and
 * stored as `keys add` stores it; with `removeSource`, deleted from the other store once ours gives it back.
 * A profile that fails is left as it was in both stores, and the others go on.
 */
export async function importFromOtherTool(place: KeysPlace, from: string, request: { profile: string | undefined; all: boolean; removeSource: boolean; store: string | undefined; home: string | undefined }): Promise<{ text: string; failures: string[] }> {
  const tool = OTHER_TOOLS.find((name) => name === from);
  if (tool === undefined) throw new UserError(`keys import --from ${JSON.stringify(printableLine(from))}: name aws-vault or granted`, 2);
  if ((request.profile === undefined) === !request.all) throw new UserError(`keys import --from ${tool}: name one profile with -p NAME, or give --all`, 2);
  const source = await openOtherToolKeys(tool, { env: place.env, home: request.home, ask: (prompt, cannot) => askPerson(prompt, true, place, cannot) });
  try {
    const held = await source.profiles();
    const names = request.all ? held : [request.profile ?? ""];
    if (names.length === 0) throw new UserError(`${source.name} holds no long-term keys: nothing to import`);
    const lines: string[] = [];
    const failures: string[] = [];
    for (const profile of names) {
      try {
        lines.push(await importOneFrom(place, source, profile, held, request));
      } catch (error) {
        if (!(error instanceof UserError) || !request.all) throw error;
        failures.push(error.message);
      }
    }
    return { text: lines.join("\n"), failures };
  } finally {
    source.close();
  }
}

/**
 * The profile that granted's own line (`granted credential-process --profile X`, as `granted credentials
 * import` writes it) hands a key to; undefined for any other line.
 */
export function grantedProcessFor(line: string): string | undefined {
  const match = /^\s*(?:"[^"]*[/\\]granted(?:\.exe)?"|(?:\S*[/\\])?granted(?:\.exe)?)\s+credential-process\s+--profile(?:=|\s+)(\S+)\s*$/.exec(line);
  return match?.[1];
}

async function importOneFrom(place: KeysPlace, source: OtherToolKeys, profile: string, held: readonly string[], request: { removeSource: boolean; store: string | undefined }): Promise<string> {
  if (!PLAIN_NAME.test(profile)) throw new UserError(`keys import --from ${source.tool}: ${JSON.stringify(printableLine(profile))} is not a profile name this tool writes (letters, digits and @ . + = , : / _ - only): nothing was imported`, 2);
  const reading = await source.read(profile);
  if (reading === undefined) {
    const others = held.length === 0 ? "it holds none" : `it holds keys for ${held.map((name) => JSON.stringify(printableLine(name))).join(", ")}`;
    throw new UserError(`${source.name} holds no key for profile "${printableLine(profile)}" (${others}): nothing was imported`);
  }
  if ("problem" in reading) throw new UserError(`profile "${printableLine(profile)}": its entry in ${source.name} ${reading.problem}; nothing was imported`);
  const settings: Readonly<Record<string, string>> = readConfig(place).profiles.get(profile) ?? {};
  const handedOver = source.tool === "granted" && grantedProcessFor(settings.credential_process ?? "") === profile ? ["credential_process"] : [];
  const { keyProfile, kind } = prepare(place, profile, request.store, "import", handedOver);
  // The same key in plaintext in the credentials file leaves it with the move; another one is a conflict.
  const inFile = credentialsFileKey(place, profile);
  if (inFile !== undefined && inFile.accessKeyId !== reading.key.accessKeyId) {
    throw new UserError(`profile "${profile}" has another key in ${place.credentialsFile} (${maskKeyId(inFile.accessKeyId)}) than in ${source.name} (${maskKeyId(reading.key.accessKeyId)}): keep the one that works (vegas-credentials keys import -p ${profile} moves the file's); nothing was imported`);
  }
  const { text: stored, store } = await storeCheckedKey(place, keyProfile, kind, reading.key, inFile === undefined ? undefined : place.credentialsFile, handedOver);
  const lines = [`From ${source.name}:`, stored];
  const name = source.tool === "aws-vault" ? `aws-vault remove ${profile}` : `granted credentials remove ${profile}`;
  if (!request.removeSource) {
    lines.push(`${source.name} still holds it: run again with --remove-source, or ${name}, once you no longer use ${source.tool} for it.`);
    return lines.join("\n");
  }
  // Removed there only once ours gives back the very key STS took.
  const back = await store.read(profile).catch(() => undefined);
  if (back?.accessKeyId !== reading.key.accessKeyId || back.secretAccessKey !== reading.key.secretAccessKey) {
    lines.push(`${source.name} still holds it: the key could not be read back from where it was stored, so it was not removed there (${name} removes it).`);
    return lines.join("\n");
  }
  try {
    await source.remove(profile);
    lines.push(`Removed it from ${source.name}.`);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    lines.push(`${source.name} still holds it (${error.message}): ${name} removes it.`);
  }
  return lines.join("\n");
}

/** `keys list`: the keys of both stores, without secrets; a store that cannot be read is named under the table. */
export async function listKeys(place: KeysPlace): Promise<{ rows: KeyRow[]; problems: string[] }> {
  const rows: KeyRow[] = [];
  const problems: string[] = [];
  const kinds: KeyStoreKind[] = ["os"];
  const fs = require("node:fs") as typeof import("node:fs");
  if (place.stateFolder !== undefined && fs.existsSync(keysFilePath(place.stateFolder))) kinds.push("file");
  for (const kind of kinds) {
    try {
      const store = await openStore(place, kind);
      for (const listing of await store.list()) rows.push(keyRow(listing, kind, store.name, place.now));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(error.message);
    }
  }
  rows.sort((a, b) => a.profile.localeCompare(b.profile) || a.store.localeCompare(b.store));
  return { rows, problems };
}

export interface KeyRow {
  readonly profile: string;
  readonly store: KeyStoreKind;
  readonly storeName: string;
  readonly keyId: string;
  readonly addedAt: Date | undefined;
  readonly ageDays: number | undefined;
}

/** The table of `keys list`; stores that could not be read are named below it. */
export function keysTable(rows: readonly KeyRow[], problems: readonly string[], style: OutputStyle): string {
  const lines = rows.length === 0 ? ["No keys are stored (vegas-credentials keys import -p PROFILE moves one out of ~/.aws/credentials)."] : [
    renderTable(
      ["PROFILE", "STORE", "KEY ID", "ADDED", "AGE"],
      rows.map((row) => [printableLine(row.profile), `${row.store} (${row.storeName.replace(/^the /, "")})`, row.keyId, row.addedAt?.toISOString().slice(0, 10) ?? "-", row.ageDays === undefined ? "-" : `${row.ageDays} ${row.ageDays === 1 ? "day" : "days"}`]),
      style,
    ),
  ];
  for (const problem of problems) lines.push(`(not listed: ${printableLine(problem)})`);
  return lines.join("\n");
}

export function keysJson(rows: readonly KeyRow[]): object[] {
  return rows.map((row) => ({ profile: row.profile, store: row.store, keyId: row.keyId, addedAt: row.addedAt?.toISOString() ?? null, ageDays: row.ageDays ?? null }));
}

/** The row `config show-profile` adds for a source whose key is in a store: which key it holds, or why none. */
export async function storedKeyRow(keys: { source: string; store: KeyStoreKind }, place: { env: Env; gui: boolean; stateFolder: string | undefined }, now: Date): Promise<{ key: string; value: string; from: string }> {
  const key = "  key";
  try {
    const store = await openKeyStore(keys.store, place);
    const listed = (await store.list()).find((listing) => listing.profile === keys.source);
    if (listed === undefined) return { key, value: "none", from: `${store.name} holds no key for "${keys.source}": vegas-credentials keys add -p ${keys.source}` };
    const age = listed.addedAt === undefined ? "" : `, added ${listed.addedAt.toISOString().slice(0, 10)} (${keyAgeDays(listed.addedAt, now)} days ago)`;
    return { key, value: listed.keyId, from: `in ${store.name}${age}` };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { key, value: "unknown", from: error.message };
  }
}

function keyRow(listing: KeyListing, store: KeyStoreKind, storeName: string, now: Date): KeyRow {
  return { ...listing, store, storeName, ageDays: listing.addedAt === undefined ? undefined : keyAgeDays(listing.addedAt, now) };
}

/** `keys remove`: the profile's key out of its store, after the person says yes (or --yes). */
export async function removeKey(place: KeysPlace, profile: string, options: { yes: boolean; store: string | undefined }): Promise<string> {
  const keyProfile = resolveKeyProfile(readConfig(place), profile, place.env);
  const kind = storeOption(options.store) ?? keyProfile.keys?.store;
  if (kind === undefined) throw new UserError(`profile "${profile}" has no vegas_keys: name the store to remove its key from with --store os or --store file`);
  const store = await openStore(place, kind);
  const listed = (await store.list()).find((listing) => listing.profile === profile);
  if (listed === undefined) throw new UserError(`${store.name} holds no key for profile "${profile}": nothing to remove (vegas-credentials keys lists what is stored)`);
  if (!options.yes) {
    const answer = await askPerson(`Remove the key ${listed.keyId} of profile "${profile}" from ${store.name}? [y/N] `, false, place, "keys remove asks before it removes a key, and nothing can ask here: run it with --yes");
    if (!/^y(es)?$/i.test(answer.trim())) return "Nothing was removed.";
  }
  if (!(await store.remove(profile))) return `${store.name} held no key for profile "${profile}" any more: nothing was removed.`;
  const still = keyProfile.keys === undefined ? "" : `\n[${profile === "default" ? "default" : `profile ${profile}`}] still has vegas_keys = ${keyProfile.keys.store}: store a new key with vegas-credentials keys add -p ${profile}, or remove that line`;
  return `Removed the key ${listed.keyId} of profile "${profile}" from ${store.name} (IAM still has it: delete it there if nothing else uses it).${still}`;
}

/**
 * `keys rotate`: IAM makes a new key (signed through a 15-minute MFA session when the profile has mfa_serial),
 * STS must take it (retried up to 30 s), it replaces the old one where that was kept, and only then is the old
 * one deleted. On any failure the old key stays stored and working, and a new key that was made is deleted.
 */
export async function rotateKey(place: KeysPlace, profile: string): Promise<string> {
  const keyProfile = resolveKeyProfile(readConfig(place), profile, place.env);
  const where = keyProfile.keys === undefined ? undefined : await openStore(place, keyProfile.keys.store);
  const old: StoredKey | undefined = where === undefined ? fileKeyAsStored(place, profile) : await where.read(profile);
  if (old === undefined) {
    throw new UserError(`profile "${profile}" has no key to rotate ${where === undefined ? `in ${place.credentialsFile ?? "the AWS credentials file"}` : `in ${where.name}`}: store one with vegas-credentials keys add -p ${profile}`);
  }
  const identity = await callerIdentity(old, keyProfile.sts, place.reporter).catch((error: unknown) => {
    throw new UserError(`profile "${profile}": STS does not take its current key ${maskKeyId(old.accessKeyId)} (${awsProblem(error, "STS", keyProfile.sts.endpointUrl)}): nothing was changed`);
  });
  const userName = userNameOf(identity.arn);
  if (userName === undefined) throw new UserError(`profile "${profile}": its key belongs to ${identity.arn}, not an IAM user: only an IAM user's access keys can be rotated`);
  const signer = await iamSigner(place, keyProfile, old);
  const iam = await openAccessKeys(signer, keyProfile.iam, place.reporter);
  try {
    const made = await iam.create(userName).catch((error: unknown) => {
      throw createRefused(error, profile, userName, keyProfile);
    });
    const fresh: StoredKey = { profile, ...made, addedAt: place.now };
    const rotation: Rotation = { place, where, old, fresh, iam, userName, iamUrl: keyProfile.iam.endpointUrl };
    if (!(await acceptedInTime(made, keyProfile, place.reporter))) await abandonNewKey(rotation, `STS did not take the new key within ${NEW_KEY_WAIT_MS / 1000} s`);
    try {
      await replaceKey(place, where, old, fresh);
    } catch (error) {
      await abandonNewKey(rotation, `the new key could not be stored (${error instanceof Error ? error.message : String(error)})`);
    }
    await deleteOldKey(rotation);
    return `Rotated the access key of profile "${profile}" (IAM user ${userName}): ${maskKeyId(old.accessKeyId)} deleted, ${maskKeyId(made.accessKeyId)} stored in ${where?.name ?? place.credentialsFile} and working.`;
  } finally {
    iam.close();
  }
}

/** A rotation under way: the new key made, the old one still in IAM. */
interface Rotation {
  readonly place: KeysPlace;
  readonly where: KeyStore | undefined;
  readonly old: StoredKey;
  readonly fresh: StoredKey;
  readonly iam: AccessKeys;
  readonly userName: string;
  readonly iamUrl: string;
}

/**
 * Back to where the rotation began: the old key where it was kept (a write reported failed may have landed),
 * then the new key deleted from IAM. Throws the line that says what happened.
 */
async function abandonNewKey(rotation: Rotation, why: string): Promise<never> {
  const { place, where, old, fresh, iam, userName, iamUrl } = rotation;
  try {
    await replaceKey(place, where, fresh, old);
  } catch {
    // The new key was never stored: the old one is still there.
  }
  const deleted = await iam.remove(userName, fresh.accessKeyId).then(
    () => `the new key ${maskKeyId(fresh.accessKeyId)} was deleted again`,
    (error: unknown) => `the new key ${maskKeyId(fresh.accessKeyId)} could not be deleted (${awsProblem(error, "IAM", iamUrl)}): delete it with aws iam delete-access-key --user-name ${userName} --access-key-id ${fresh.accessKeyId}`,
  );
  throw new UserError(`profile "${old.profile}": ${why}; the old key ${maskKeyId(old.accessKeyId)} stays stored and working, and ${deleted}`);
}

/**
 * The old key deleted, the new one stored and working. IAM saying no (a 4xx) puts the old key back; an answer
 * that never came (a 5xx, a timeout) may hide a delete that was done: IAM's list of keys says which.
 */
async function deleteOldKey(rotation: Rotation): Promise<void> {
  const { place, where, old, fresh, iam, userName, iamUrl } = rotation;
  const profile = old.profile;
  let failure: unknown;
  try {
    await iam.remove(userName, old.accessKeyId);
    return;
  } catch (error) {
    failure = error;
  }
  const gone = refusedByService(failure) && (failure as { name?: string }).name !== "NoSuchEntityException" && (failure as { name?: string }).name !== "NoSuchEntity" ? false : await iam.list(userName).then(
    (ids) => !ids.includes(old.accessKeyId),
    () => undefined,
  );
  if (gone === true) return;
  const problem = awsProblem(failure, "IAM", iamUrl);
  if (gone === undefined) {
    throw new UserError(`profile "${profile}": IAM's answer to deleting the old key ${maskKeyId(old.accessKeyId)} was lost (${problem}); the new key ${maskKeyId(fresh.accessKeyId)} is stored and working: check with aws iam list-access-keys --user-name ${userName}, and delete the old key if it is still there`);
  }
  try {
    await replaceKey(place, where, fresh, old);
  } catch (error) {
    throw new UserError(`profile "${profile}": IAM would not delete the old key ${maskKeyId(old.accessKeyId)} (${problem}), and it could not be stored again (${error instanceof Error ? error.message : String(error)}): the new key ${maskKeyId(fresh.accessKeyId)} stays stored and working; delete the old one with aws iam delete-access-key --user-name ${userName} --access-key-id ${old.accessKeyId}`);
  }
  await abandonNewKey(rotation, `IAM would not delete the old key (${problem})`);
}

/** `handedOver`: settings the key replaces (granted's credential_process), removed when it is stored. */
function prepare(place: KeysPlace, profile: string, storeText: string | undefined, verb: string, handedOver: readonly string[] = []): { keyProfile: KeyProfile; kind: KeyStoreKind } {
  if (!PLAIN_NAME.test(profile)) throw new UserError(`keys ${verb} --profile ${JSON.stringify(printableLine(profile))}: use a profile name of letters, digits and @ . + = , : / _ - (no spaces, quotes or control characters)`, 2);
  const config = readConfig(place);
  const keyProfile = resolveKeyProfile(config, profile, place.env);
  const written: Readonly<Record<string, string>> = config.profiles.get(profile) ?? {};
  const settings = Object.fromEntries(Object.entries(written).filter(([key]) => !handedOver.includes(key)));
  const elsewhere = credentialsElsewhere(settings);
  if (elsewhere !== undefined) throw new UserError(`profile "${profile}" in ${place.configFile} gets its credentials from ${elsewhere}, not from an access key: there is no key to keep`);
  return { keyProfile, kind: storeOption(storeText) ?? keyProfile.keys?.store ?? "os" };
}

function storeOption(value: string | undefined): KeyStoreKind | undefined {
  if (value === undefined) return undefined;
  const kind = parseKeyStore(value);
  if (kind !== "os" && kind !== "file") throw new UserError(`--store ${kind}`, 2);
  return kind;
}

/** The config as assume reads it (a missing file is an empty one: a source profile may live only in the credentials file). */
function readConfig(place: KeysPlace) {
  const fs = require("node:fs") as typeof import("node:fs");
  return fs.existsSync(place.configFile) ? readConfigFile(place.configFile) : { path: place.configFile, profiles: new Map() };
}

function openStore(place: KeysPlace, kind: KeyStoreKind): Promise<KeyStore> {
  return openKeyStore(kind, { env: place.env, gui: place.gui, stateFolder: place.stateFolder });
}

/** The profile's key in the credentials file, as written there; undefined when the section has none. */
function credentialsFileKey(place: KeysPlace, profile: string): LongTermKey | undefined {
  if (place.credentialsFile === undefined) return undefined;
  const fs = require("node:fs") as typeof import("node:fs");
  if (!fs.existsSync(place.credentialsFile)) return undefined;
  const section = parseCredentialsFile(readFileToEdit(place.credentialsFile, "the AWS credentials file").text, place.credentialsFile).get(profile);
  const accessKeyId = section?.aws_access_key_id;
  const secretAccessKey = section?.aws_secret_access_key;
  if (!accessKeyId || !secretAccessKey) return undefined;
  if (section?.aws_session_token) throw new UserError(`profile "${profile}" in ${place.credentialsFile} has aws_session_token: those are temporary credentials, not a key to keep`);
  return { accessKeyId, secretAccessKey };
}

function fileKeyAsStored(place: KeysPlace, profile: string): StoredKey | undefined {
  const key = credentialsFileKey(place, profile);
  return key === undefined ? undefined : { profile, ...key, addedAt: place.now };
}

async function keyFromStdin(profile: string): Promise<LongTermKey> {
  const lines = readStdin().split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  if (lines.length !== 2) throw new UserError(`keys add -p ${profile} --stdin: give the access key ID and the secret access key on stdin, one per line (got ${lines.length} lines)`);
  return { accessKeyId: lines[0] ?? "", secretAccessKey: lines[1] ?? "" };
}

/**
 * All of stdin. Read synchronously: the Windows build's Bun.stdin.text() let the process end (exit 0, nothing
 * printed) while a pipe was still being read.
 */
function readStdin(): string {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    return fs.readFileSync(0, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EIO";
    // A closed or absent stdin is an empty one.
    if (code === "EOF" || code === "EBADF" || code === "ENXIO") return "";
    throw error;
  }
}

async function keyFromPerson(place: KeysPlace, profile: string): Promise<LongTermKey> {
  const cannot = `keys add -p ${profile} asks for the key at a terminal, and there is none here: pipe it in with --stdin`;
  const accessKeyId = (await askPerson(`AWS access key ID for profile "${profile}": `, false, place, cannot)).trim();
  const secretAccessKey = (await askPerson("Secret access key (not shown): ", true, place, cannot)).trim();
  return { accessKeyId, secretAccessKey };
}

/**
 * The shared part of add and import: the key checked (its form, then STS), stored, vegas_keys set in the config
 * file, and (import) its two lines removed from the credentials file. A failure at any step undoes the steps
 * before it: the store, the config file and the credentials file end as they were.
 */
async function storeCheckedKey(place: KeysPlace, keyProfile: KeyProfile, kind: KeyStoreKind, key: LongTermKey, removeFrom: string | undefined, handedOver: readonly string[] = []): Promise<{ text: string; store: KeyStore }> {
  const profile = keyProfile.name;
  const problem = accessKeyProblem(key.accessKeyId, key.secretAccessKey);
  if (problem !== undefined) throw new UserError(`profile "${profile}": ${problem}; nothing was stored`);
  const identity = await callerIdentity(key, keyProfile.sts, place.reporter).catch((error: unknown) => {
    throw new UserError(`profile "${profile}": STS does not take the key ${maskKeyId(key.accessKeyId)} (${awsProblem(error, "STS", keyProfile.sts.endpointUrl)}): check the key ID and the secret; nothing was stored`);
  });
  const store = await openStore(place, kind);
  // What the store held for the profile before: a failure below puts it back (the keys file asks once).
  const previous = await store.read(profile).catch(() => undefined);
  await store.write({ profile, ...key, addedAt: place.now });
  const lines = [`Stored the access key ${maskKeyId(key.accessKeyId)} of ${identity.arn} for profile "${profile}" in ${store.name}.`];
  let configEdit: Edit | undefined;
  try {
    configEdit = await editFile(place.configFile, "the AWS config file", (text) => {
      const after = withoutSettings(withSetting(text, profile, "config", "vegas_keys", kind), profile, "config", handedOver);
      // Read back as assume will read it: the setting must be in force, in the section that counts.
      const written = parseAwsConfig(after, place.configFile).get(profile);
      if (handedOver.some((key) => written?.[key])) throw new UserError(`cannot remove ${handedOver.join(", ")} of profile "${profile}" from ${place.configFile} (its sections are laid out in a way this tool does not edit): remove it by hand, then run again; nothing was changed`);
      if (written?.vegas_keys !== kind) throw new UserError(`cannot set vegas_keys in ${place.configFile} for profile "${profile}" (its sections are laid out in a way this tool does not edit): add vegas_keys = ${kind} to it by hand; nothing was changed`);
      return after;
    });
    if (configEdit !== undefined) lines.push(`${place.configFile}: vegas_keys = ${kind} set on profile "${profile}"${handedOver.length > 0 ? `, ${handedOver.join(", ")} removed` : ""}.`);
    if (removeFrom !== undefined) {
      await editFile(removeFrom, "the AWS credentials file", (text) => {
        const after = withoutSettings(text, profile, "credentials", KEY_SETTINGS);
        const left = parseCredentialsFile(after, removeFrom).get(profile);
        if (left?.aws_access_key_id || left?.aws_secret_access_key) throw new UserError(`cannot remove the key of [${profile}] from ${removeFrom} (it is laid out in a way this tool does not edit): remove aws_access_key_id and aws_secret_access_key there by hand; nothing was changed`);
        return after;
      });
      lines.push(`${removeFrom}: aws_access_key_id and aws_secret_access_key of [${profile}] removed.`);
    }
  } catch (error) {
    if (configEdit !== undefined) await undoEdit(configEdit).catch(() => {});
    await (previous === undefined ? store.remove(profile) : store.write(previous)).catch(() => {});
    throw error;
  }
  return { text: lines.join("\n"), store };
}

interface Edit {
  readonly before: FileToEdit;
  readonly after: string;
}

/** A change to an AWS file, under the lock `config add` takes; undefined when it changes nothing. */
function editFile(path: string, what: string, change: (text: string) => string): Promise<Edit | undefined> {
  return whileAwsFileLocked(path, { retry: "run again", makeFolder: true }, () => {
    const before = readFileToEdit(path, what);
    const after = change(before.text);
    if (after === before.text) return undefined;
    writeEditedFile(before, after);
    return { before, after };
  });
}

/** Puts back what `edit` changed, if nothing else has changed the file since. */
async function undoEdit(edit: Edit): Promise<void> {
  await editFile(edit.before.path, edit.before.what, (text) => (text === edit.after ? edit.before.text : text));
}

async function replaceKey(place: KeysPlace, store: KeyStore | undefined, from: StoredKey, to: StoredKey): Promise<void> {
  if (store !== undefined) return store.write(to);
  const path = place.credentialsFile;
  if (path === undefined) throw new UserError("there is no AWS credentials file to write the new key to");
  const edit = await editFile(path, "the AWS credentials file", (text) => {
    const section = parseCredentialsFile(text, path).get(from.profile);
    if (section?.aws_access_key_id !== from.accessKeyId) throw new UserError(`${path} changed meanwhile (the key of [${from.profile}] is no longer ${maskKeyId(from.accessKeyId)})`);
    const after = withSetting(withSetting(text, from.profile, "credentials", "aws_access_key_id", to.accessKeyId), from.profile, "credentials", "aws_secret_access_key", to.secretAccessKey);
    const written = parseCredentialsFile(after, path).get(from.profile);
    if (written?.aws_access_key_id !== to.accessKeyId || written.aws_secret_access_key !== to.secretAccessKey) throw new UserError(`[${from.profile}] in ${path} is laid out in a way this tool does not edit`);
    return after;
  });
  if (edit === undefined) throw new UserError(`${path} could not be changed`);
}

/** What signs the IAM calls: a 15-minute MFA session when the profile has an MFA device, else the key itself. */
async function iamSigner(place: KeysPlace, keyProfile: KeyProfile, key: LongTermKey): Promise<Signer> {
  const source = keyProfile.source;
  if (source === undefined) return key;
  const cache = place.cacheFolder === undefined ? undefined : await openCacheStore(place.cacheFolder).catch(() => undefined);
  const code = await mfaCodeAsker(source, keyProfile.name, { env: place.env, gui: place.gui }, place.reporter, cache)();
  return shortMfaSession(key, keyProfile.sts, source.mfaSerial, code, place.reporter).catch((error: unknown) => {
    const rejected = /MultiFactorAuthentication failed/i.test(String((error as Error).message)) ? "STS rejected the MFA code (wrong, expired or already used): wait for the next code and run again" : awsProblem(error, "STS", keyProfile.sts.endpointUrl);
    throw new UserError(`profile "${keyProfile.name}": no MFA session for IAM (${rejected}): nothing was changed`);
  });
}

function createRefused(error: unknown, profile: string, userName: string, keyProfile: KeyProfile): UserError {
  const name = (error as { name?: string }).name;
  if (name === "LimitExceededException" || name === "LimitExceeded") {
    return new UserError(`profile "${profile}": IAM user ${userName} already has two access keys, IAM's limit: delete the one not in use (aws iam list-access-keys --user-name ${userName}), then rotate again; nothing was changed`);
  }
  if (name === "AccessDenied" || name === "AccessDeniedException") {
    return new UserError(`profile "${profile}": IAM refused to make a new key (${awsProblem(error, "IAM", keyProfile.iam.endpointUrl)}): your policy must allow iam:CreateAccessKey and iam:DeleteAccessKey on your own user; nothing was changed`);
  }
  return new UserError(`profile "${profile}": IAM CreateAccessKey failed (${awsProblem(error, "IAM", keyProfile.iam.endpointUrl)}): nothing was changed`);
}

/** Whether STS takes the new key within NEW_KEY_WAIT_MS (a new IAM key takes a few seconds to reach it). */
async function acceptedInTime(key: LongTermKey, keyProfile: KeyProfile, reporter: Reporter): Promise<boolean> {
  const deadline = Date.now() + NEW_KEY_WAIT_MS;
  for (let attempt = 1; attempt <= NEW_KEY_WAIT_MS / NEW_KEY_RETRY_MS; attempt++) {
    try {
      await callerIdentity(key, keyProfile.sts, reporter);
      return true;
    } catch (error) {
      reporter.verbose(`the new key is not taken yet (attempt ${attempt}: ${awsProblem(error, "STS", keyProfile.sts.endpointUrl)})`);
    }
    if (Date.now() + NEW_KEY_RETRY_MS > deadline) return false;
    await Bun.sleep(NEW_KEY_RETRY_MS);
  }
  return false;
}
