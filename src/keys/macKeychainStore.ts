import { runProgram } from "../mfa/runProgram.ts";
import { printableLine } from "../output/printableText.ts";
import { UserError } from "../userError.ts";
import { KEY_SERVICE, type KeyStore } from "./keyStore.ts";
import { decodeStoredKey, encodeStoredKey, type KeyListing, listingOf, type StoredKey } from "./storedKey.ts";

const NAME = "the macOS login Keychain";
const SECURITY = "/usr/bin/security";
/** Keychain Access may ask the person to allow the access: time to answer, not forever. */
const DEADLINE_MS = 60_000;
/** security(1) exits so when no item matches. */
const ITEM_NOT_FOUND = 44;

/**
 * The login Keychain through /usr/bin/security: one generic password per profile (service vegas-credentials,
 * account the profile name), its data the key record. The record goes in through `security -i` on stdin
 * (hex-encoded, so nothing in it is parsed), never in argv where `ps` shows it.
 */
export function macKeychainStore(): KeyStore {
  const run = securityRunner(NAME);
  const readRecord = async (profile: string): Promise<string | undefined> => {
    const result = await run(["find-generic-password", "-s", KEY_SERVICE, "-a", account(profile), "-w"]);
    if (result.exitCode === ITEM_NOT_FOUND) return undefined;
    if (result.exitCode !== 0) throw failure(result.stderr, "read the key");
    return passwordText(result.stdout);
  };
  return {
    name: NAME,
    async read(profile) {
      const record = await readRecord(profile);
      return record === undefined ? undefined : decodeStoredKey(record, profile);
    },
    async write(key: StoredKey) {
      const hex = Buffer.from(encodeStoredKey(key), "utf8").toString("hex");
      const command = `add-generic-password -U -s ${KEY_SERVICE} -a "${account(key.profile)}" -l "vegas-credentials: AWS access key of ${account(key.profile)}" -X ${hex}\n`;
      const result = await run(["-i"], command);
      if (result.exitCode !== 0 || /error|fail/i.test(result.stderr)) throw failure(result.stderr, "store the key");
    },
    async remove(profile) {
      const result = await run(["delete-generic-password", "-s", KEY_SERVICE, "-a", account(profile)]);
      if (result.exitCode === ITEM_NOT_FOUND) return false;
      if (result.exitCode !== 0) throw failure(result.stderr, "remove the key");
      return true;
    },
    async list(): Promise<KeyListing[]> {
      const dump = await run(["dump-keychain"]);
      if (dump.exitCode !== 0) throw failure(dump.stderr, "list the keys");
      const listings: KeyListing[] = [];
      for (const profile of accountsOfService(dump.stdout)) {
        const record = await readRecord(profile);
        const listing = record === undefined ? undefined : listingOf(record);
        if (listing !== undefined) listings.push(listing);
      }
      return listings;
    },
  };
}

function securityRunner(name: string) {
  return async (args: string[], stdin?: string) => {
    const signal = AbortSignal.timeout(DEADLINE_MS);
    const result = await runProgram({ argv: [SECURITY, ...args], stdin, signal });
    if (result.exitCode === undefined && signal.aborted) throw new UserError(`${name} did not answer within ${DEADLINE_MS / 1000} s (a dialog asking to allow access left open?): answer it, then run again`);
    if (result.exitCode === undefined) throw new UserError(`${name} cannot be used: ${SECURITY} did not run (${printableLine(result.stderr.trim())})`);
    return result;
  };
}

/** What `find-generic-password -w` prints: the data as text, or as hex when it is not plain text. */
function passwordText(stdout: string): string {
  const text = stdout.replace(/\n$/, "");
  return /^[0-9a-f]+$/i.test(text) && text.length % 2 === 0 ? Buffer.from(text, "hex").toString("utf8") : text;
}

/**
 * Another program's generic passwords of `service` in `keychain` (aws-vault's aws-vault.keychain, granted's
 * login.keychain, as the keyring library keeps them: account the key, data the credentials JSON).
 */
export function keychainGenericPasswords(service: string, keychain: string): { accounts(): Promise<string[]>; read(account: string): Promise<Uint8Array | undefined>; remove(account: string): Promise<void> } {
  const name = `the macOS Keychain ${keychain}`;
  const run = securityRunner(name);
  return {
    async accounts() {
      const dump = await run(["dump-keychain", keychain]);
      if (dump.exitCode !== 0) throw failure(dump.stderr, "list its items", name);
      return accountsOfService(dump.stdout, service);
    },
    async read(account) {
      const result = await run(["find-generic-password", "-s", service, "-a", account, "-w", keychain]);
      if (result.exitCode === ITEM_NOT_FOUND) return undefined;
      if (result.exitCode !== 0) throw failure(result.stderr, "read the key", name);
      return new TextEncoder().encode(passwordText(result.stdout));
    },
    async remove(account) {
      const result = await run(["delete-generic-password", "-s", service, "-a", account, keychain]);
      if (result.exitCode !== 0 && result.exitCode !== ITEM_NOT_FOUND) throw failure(result.stderr, "remove the key", name);
    },
  };
}

/**
 * A profile name as an account, checked: security -i reads its command line with quotes of its own, and
 * dump-keychain shows names beyond printable ASCII only in hex (they could not be listed).
 */
function account(profile: string): string {
  if (!/^[\x20-\x7e]+$/.test(profile) || /["\\]/.test(profile) || profile.length > 256) {
    throw new UserError(`profile "${printableLine(profile)}": ${NAME} keeps keys only for names of printable ASCII without quotes or backslashes, up to 256 characters: rename the profile, or use vegas_keys = file`);
  }
  return profile;
}

/** The accounts of our service in `security dump-keychain`'s listing (attributes only; no secret is printed). */
export function accountsOfService(dump: string, wanted: string = KEY_SERVICE): string[] {
  const accounts: string[] = [];
  for (const item of dump.split(/^keychain: /m)) {
    const service = /"svce"<blob>="([^"]*)"/.exec(item)?.[1];
    const name = /"acct"<blob>="([^"]*)"/.exec(item)?.[1];
    if (service === wanted && name !== undefined) accounts.push(name);
  }
  return accounts;
}

function failure(stderr: string, what: string, name = NAME): UserError {
  const said = stderr.trim();
  if (/interaction is not allowed|locked/i.test(said)) return new UserError(`${name} is locked and cannot ask to be unlocked here (an SSH session?): unlock it with security unlock-keychain, then run again`);
  if (/denied|canceled|cancelled/i.test(said)) return new UserError(`${name}: access was refused (the dialog was denied or cancelled): allow vegas-credentials when it asks`);
  return new UserError(`${name}: security could not ${what}: ${printableLine(said.split("\n")[0] ?? "") || "it failed without saying why"}`);
}
