import { hkdf } from "@noble/hashes/hkdf.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/ciphers/utils.js";
import { whileLocked } from "../cache/fileLock.ts";
import { machineIdentity } from "../cache/machineIdentity.ts";
import { openEntry, sealEntry } from "../cache/sealedEntry.ts";
import { writeFileAtomically } from "../cache/writeFileAtomically.ts";
import { readFileNoFollow } from "../files/readFileNoFollow.ts";
import { UserError } from "../userError.ts";
import type { KeyStore } from "./keyStore.ts";
import { decodeStoredKey, encodeStoredKey, type KeyListing, maskKeyId, type StoredKey } from "./storedKey.ts";

/**
 * scrypt's cost: N = 2^17, r = 8, p = 1 (128 MiB and about a second per guess here, as OWASP advises at the
 * least): each guess at the passphrase of a stolen file costs the thief as much.
 */
export const SCRYPT_PARAMETERS = { logN: 17, r: 8, p: 1 } as const;
const FORMAT = "vegas-credentials keys";
const MIN_PASSPHRASE_LENGTH = 8;
const LOCK_TIMEOUT_MS = 30_000;
const CHECK = "vegas-credentials keys file";
/** The most memory scrypt may take: twice what SCRYPT_PARAMETERS need; a file asking for more is damaged. */
const SCRYPT_MAX_MEMORY = 2 ** 28;

/** How the file's passphrase is had: once to open it, twice (typed again to confirm) to make a new file. */
export type AskPassphrase = (purpose: "open" | "new") => Promise<string>;

interface KeysFile {
  readonly format: typeof FORMAT;
  readonly version: 1;
  readonly scrypt: { readonly logN: number; readonly r: number; readonly p: number; readonly salt: string };
  /** A digest of this machine's identity: a file copied elsewhere says so, instead of "wrong passphrase". */
  readonly machine: string;
  /** A known text sealed under the key: a wrong passphrase is told apart from a damaged entry. */
  readonly check: string;
  readonly keys: readonly SealedKey[];
}

/** One key: what `keys list` shows in the clear (and sealed as associated data, so it cannot be changed), and the sealed record. */
interface SealedKey {
  readonly profile: string;
  readonly keyId: string;
  readonly addedAt: string;
  readonly sealed: string;
}

/**
 * The keys in one file of the state folder (0600), for machines without a keystore: each record sealed with
 * AES-256-GCM under a key from the passphrase (scrypt) and this machine's identity (HKDF), so the file alone,
 * or the file and the passphrase on another machine, open nothing. Listing and removing need no passphrase.
 */
export function sealedKeyFile(path: string, askPassphrase: AskPassphrase, machine: () => string = machineIdentity): KeyStore {
  const name = `the keys file ${path}`;
  const damaged = (why: string) => new UserError(`${name} is damaged (${why}): restore it from a backup, or remove it and run vegas-credentials keys add again`);

  const load = (): KeysFile | undefined => {
    let content: ReturnType<typeof readFileNoFollow>;
    try {
      content = readFileNoFollow(path);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "error";
      if (code === "ELOOP") throw new UserError(`${name} is a symbolic link: remove it (someone else may control what it points at)`);
      throw new UserError(`cannot read ${name} (${code}): fix its permissions (chmod 600)`);
    }
    if (content === undefined) return undefined;
    if (content.bytes === undefined) throw new UserError(`${name} is not a regular file: remove it`);
    const uid = process.getuid?.();
    if (process.platform !== "win32" && uid !== undefined && content.status.uid !== uid) throw new UserError(`${name} belongs to another user (uid ${content.status.uid}): remove it`);
    return parse(content.bytes, damaged);
  };

  /** The key of the file last unlocked (by its salt): one run asks for the passphrase once. */
  let unlocked: { salt: string; key: Uint8Array } | undefined;
  /** The key that opens (and seals) `file`'s entries, from the passphrase asked for; checked. */
  const unlock = async (file: KeysFile): Promise<Uint8Array> => {
    if (file.machine !== machineDigest(machine())) {
      throw new UserError(`${name} was sealed on another machine (or this machine's id changed since): its keys open only where they were added; move it aside, then store the keys again with vegas-credentials keys add`);
    }
    if (unlocked?.salt === file.scrypt.salt && (await openEntry(unlocked.key, "check", fromBase64(file.check))) !== undefined) return unlocked.key;
    const key = await deriveKey(await askPassphrase("open"), file.scrypt, machine());
    if ((await openEntry(key, "check", fromBase64(file.check))) === undefined) throw new UserError(`the passphrase does not open ${name}: try again (nothing was changed)`);
    unlocked = { salt: file.scrypt.salt, key };
    return key;
  };

  const save = (file: KeysFile) => writeFileAtomically(path, new TextEncoder().encode(`${JSON.stringify(file, null, 1)}\n`));

  const locked = <T>(change: () => Promise<T>): Promise<T> => whileLocked(`${path}.lock`, { what: name, timeoutMs: LOCK_TIMEOUT_MS, retry: "run again" }, change);

  return {
    name,
    async read(profile) {
      const file = load();
      const entry = file?.keys.find((candidate) => candidate.profile === profile);
      if (file === undefined || entry === undefined) return undefined;
      const opened = await openEntry(await unlock(file), associatedData(entry), fromBase64(entry.sealed));
      const key = opened === undefined ? undefined : decodeStoredKey(new TextDecoder().decode(opened), profile);
      if (key === undefined) throw damaged(`the entry of profile "${profile}" does not open`);
      return key;
    },
    write: (stored: StoredKey) =>
      locked(async () => {
        const existing = load();
        let file: KeysFile;
        let key: Uint8Array;
        if (existing === undefined) {
          const passphrase = await askPassphrase("new");
          if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new UserError(`the passphrase for ${name} is shorter than ${MIN_PASSPHRASE_LENGTH} characters: choose a longer one`);
          const scrypt = { ...SCRYPT_PARAMETERS, salt: toBase64(randomBytes(16)) };
          key = await deriveKey(passphrase, scrypt, machine());
          unlocked = { salt: scrypt.salt, key };
          file = { format: FORMAT, version: 1, scrypt, machine: machineDigest(machine()), check: toBase64(await sealEntry(key, "check", new TextEncoder().encode(CHECK))), keys: [] };
        } else {
          file = existing;
          key = await unlock(existing);
        }
        const entry = { profile: stored.profile, keyId: maskKeyId(stored.accessKeyId), addedAt: stored.addedAt.toISOString() };
        const sealed = toBase64(await sealEntry(key, associatedData(entry), new TextEncoder().encode(encodeStoredKey(stored))));
        save({ ...file, keys: [...file.keys.filter((other) => other.profile !== stored.profile), { ...entry, sealed }] });
      }),
    remove: (profile) =>
      locked(async () => {
        const file = load();
        if (file === undefined || !file.keys.some((entry) => entry.profile === profile)) return false;
        save({ ...file, keys: file.keys.filter((entry) => entry.profile !== profile) });
        return true;
      }),
    async list(): Promise<KeyListing[]> {
      return (load()?.keys ?? []).map((entry) => ({ profile: entry.profile, keyId: entry.keyId, addedAt: dateOrUndefined(entry.addedAt) }));
    },
  };
}

function associatedData(entry: { profile: string; keyId: string; addedAt: string }): string {
  return JSON.stringify(["key", entry.profile, entry.keyId, entry.addedAt]);
}

async function deriveKey(passphrase: string, parameters: KeysFile["scrypt"], machine: string): Promise<Uint8Array> {
  const stretched = await scryptAsync(passphrase.normalize("NFC"), fromBase64(parameters.salt), { N: 2 ** parameters.logN, r: parameters.r, p: parameters.p, dkLen: 32, maxmem: SCRYPT_MAX_MEMORY + 2 ** 20 });
  return hkdf(sha256, stretched, new TextEncoder().encode(machine), new TextEncoder().encode("vegas-credentials keys file: AES-256-GCM"), 32);
}

function machineDigest(machine: string): string {
  return Buffer.from(sha256(new TextEncoder().encode(`vegas-credentials keys file machine\n${machine}`))).toString("hex").slice(0, 16);
}

/** The file as written by this version, every field checked; anything else is damaged. */
function parse(bytes: Uint8Array, damaged: (why: string) => UserError): KeysFile {
  let file: KeysFile;
  try {
    file = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw damaged("not JSON");
  }
  if (typeof file !== "object" || file === null || file.format !== FORMAT) throw damaged("not a keys file");
  if (file.version !== 1) throw damaged(`version ${String(file.version)}, which this build does not read: update vegas-credentials`);
  const { scrypt } = file;
  const sane = typeof scrypt === "object" && scrypt !== null && [scrypt.logN, scrypt.r, scrypt.p].every(Number.isInteger) && scrypt.logN >= 14 && scrypt.logN <= 20 && scrypt.r >= 1 && scrypt.r <= 32 && scrypt.p >= 1 && scrypt.p <= 4 && 128 * scrypt.r * (2 ** scrypt.logN + scrypt.p + 2) <= SCRYPT_MAX_MEMORY;
  if (!sane || typeof scrypt.salt !== "string" || typeof file.machine !== "string" || typeof file.check !== "string" || !Array.isArray(file.keys)) throw damaged("a field is missing or out of range");
  for (const entry of file.keys) {
    if (typeof entry !== "object" || entry === null || typeof entry.profile !== "string" || typeof entry.keyId !== "string" || typeof entry.addedAt !== "string" || typeof entry.sealed !== "string") throw damaged("an entry is incomplete");
  }
  return file;
}

function dateOrUndefined(text: string): Date | undefined {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}
