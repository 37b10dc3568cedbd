import { joinPath } from "../files/joinPath.ts";
import { linkStatus } from "../files/fileStatus.ts";
import { checkPrivateFolder, type PrivateFolder } from "../files/privateFolder.ts";
import { readFileNoFollow } from "../files/readFileNoFollow.ts";
import { type CacheKeys, deriveCacheKeys } from "./cacheKeys.ts";
import { readMachineSecret } from "./machineSecret.ts";
import { machineIdentity } from "./machineIdentity.ts";
import { openEntry, sealEntry } from "./sealedEntry.ts";

/** An open cache folder: its path and the keys derived from its machine secret. */
export interface CacheStore {
  readonly folder: string;
  readonly keys: CacheKeys;
}

export const MACHINE_SECRET_FILE = "machine-secret";
export const ENTRY_SUFFIX = ".entry";
export const LOCK_SUFFIX = ".lock";
export const FAILURE_SUFFIX = ".failed";

export const CACHE_FOLDER_NAME = "cache folder";

/** The cache folder as the checks and their messages name it. */
export function cacheFolder(path: string): PrivateFolder {
  return { path, name: CACHE_FOLDER_NAME, movedBy: "XDG_CACHE_HOME" };
}

/**
 * Opens an existing cache for reading; undefined when there is nothing to read (no folder or machine secret
 * yet, or a secret others could read, which the next write replaces). Checked on every run, a hit too: a
 * folder or secret that someone else controls is refused (one lstat and one fstat).
 */
export async function openCacheStore(folder: string): Promise<CacheStore | undefined> {
  const status = linkStatus(folder);
  if (status === undefined) return undefined;
  checkPrivateFolder(cacheFolder(folder), status);
  const secret = readMachineSecret(joinPath(folder, MACHINE_SECRET_FILE));
  if (secret.state !== "usable") return undefined;
  return { folder, keys: deriveCacheKeys(secret.bytes, machineIdentity()) };
}

/** Opens the cache for writing: makes the folder (0700) and the machine secret (0600) when missing. */
export async function prepareCacheStore(folder: string, warn: (message: string) => void): Promise<CacheStore> {
  const { ensurePrivateFolder, ensureMachineSecret } = await import("./privateFiles.ts");
  ensurePrivateFolder(cacheFolder(folder));
  const secret = ensureMachineSecret(folder, joinPath(folder, MACHINE_SECRET_FILE), warn);
  return { folder, keys: deriveCacheKeys(secret, machineIdentity()) };
}

/** The decrypted entry for `identity`, or undefined when absent, unreadable, tampered with or foreign. */
export async function readEntry(store: CacheStore, identity: string): Promise<Uint8Array | undefined> {
  return readSealed(store, identity, ENTRY_SUFFIX);
}

export async function writeEntry(store: CacheStore, identity: string, payload: Uint8Array): Promise<void> {
  await writeSealed(store, identity, ENTRY_SUFFIX, payload);
}

export async function removeEntry(store: CacheStore, identity: string): Promise<void> {
  const { unlinkQuietly } = await import("./writeFileAtomically.ts");
  unlinkQuietly(joinPath(store.folder, `${keyedName(store, identity)}${ENTRY_SUFFIX}`));
}

/** One file of the cache folder as a listing sees it: `identity` and `payload` only if it opens here. */
export interface ListedEntry {
  readonly path: string;
  readonly identity?: string;
  readonly payload?: Uint8Array;
}

/** Every entry in the folder, opened where it opens (the identity inside says what it is). */
export async function listEntries(store: CacheStore): Promise<ListedEntry[]> {
  const { readdirSync } = require("node:fs") as typeof import("node:fs");
  const listed: ListedEntry[] = [];
  for (const file of readdirSync(store.folder).sort()) {
    if (!file.endsWith(ENTRY_SUFFIX) || file.startsWith(".")) continue;
    const path = joinPath(store.folder, file);
    const name = file.slice(0, -ENTRY_SUFFIX.length);
    const sealed = readQuietly(path);
    const opened = sealed === undefined ? undefined : await openNamed(store, sealedName(name, ENTRY_SUFFIX), sealed);
    listed.push(opened === undefined ? { path } : { path, ...opened });
  }
  return listed;
}

/**
 * Every file of the cache is sealed (AES-256-GCM) under its own file name, with the identity it was written
 * for inside: a file moved onto another name, or another identity's, fails to open. Entries are sealed under
 * the bare keyed name (the format since VGC2), other kinds under the name with their suffix.
 */
function sealedName(name: string, suffix: string): string {
  return suffix === ENTRY_SUFFIX ? name : `${name}${suffix}`;
}

async function readSealed(store: CacheStore, identity: string, suffix: string): Promise<Uint8Array | undefined> {
  const name = keyedName(store, identity);
  const sealed = readQuietly(joinPath(store.folder, `${name}${suffix}`));
  if (sealed === undefined) return undefined;
  const opened = await openNamed(store, sealedName(name, suffix), sealed);
  return opened?.identity === identity ? opened.payload : undefined;
}

async function writeSealed(store: CacheStore, identity: string, suffix: string, payload: Uint8Array): Promise<void> {
  const name = keyedName(store, identity);
  const sealed = await sealEntry(store.keys.sealKey, sealedName(name, suffix), framed(identity, payload));
  const { writeFileAtomically } = await import("./writeFileAtomically.ts");
  writeFileAtomically(joinPath(store.folder, `${name}${suffix}`), sealed);
}

/** A cache file's bytes, or undefined when it is missing or cannot be read as one (a link, a folder, EACCES): a miss. */
function readQuietly(path: string): Uint8Array | undefined {
  try {
    return readFileNoFollow(path)?.bytes;
  } catch {
    return undefined;
  }
}

async function openNamed(store: CacheStore, name: string, sealed: Uint8Array): Promise<{ identity: string; payload: Uint8Array } | undefined> {
  const plaintext = await openEntry(store.keys.sealKey, name, sealed);
  if (plaintext === undefined || plaintext.length < 4) return undefined;
  const length = new DataView(plaintext.buffer, plaintext.byteOffset, 4).getUint32(0);
  if (4 + length > plaintext.length) return undefined;
  return { identity: new TextDecoder().decode(plaintext.subarray(4, 4 + length)), payload: plaintext.slice(4 + length) };
}

function framed(identity: string, payload: Uint8Array): Uint8Array {
  const identityBytes = new TextEncoder().encode(identity);
  const plaintext = new Uint8Array(4 + identityBytes.length + payload.length);
  new DataView(plaintext.buffer).setUint32(0, identityBytes.length);
  plaintext.set(identityBytes, 4);
  plaintext.set(payload, 4 + identityBytes.length);
  return plaintext;
}

/** What the last failed fetch of an entry said (a UserError's line, which names profile, role and device), and when. */
export interface FailureNote {
  readonly at: number;
  readonly message: string;
}

/** Sealed like an entry: the line names the profile, the role and the device, which entries keep sealed too. */
export async function readFailureNote(store: CacheStore, identity: string): Promise<FailureNote | undefined> {
  const bytes = await readSealed(store, identity, FAILURE_SUFFIX);
  if (bytes === undefined) return undefined;
  try {
    const note = JSON.parse(new TextDecoder().decode(bytes)) as Partial<FailureNote>;
    return typeof note.at === "number" && typeof note.message === "string" ? { at: note.at, message: note.message } : undefined;
  } catch {
    return undefined;
  }
}

export async function writeFailureNote(store: CacheStore, identity: string, message: string): Promise<void> {
  await writeSealed(store, identity, FAILURE_SUFFIX, new TextEncoder().encode(JSON.stringify({ at: Date.now(), message } satisfies FailureNote)));
}

export async function clearFailureNote(store: CacheStore, identity: string): Promise<void> {
  const { unlinkQuietly } = await import("./writeFileAtomically.ts");
  unlinkQuietly(joinPath(store.folder, `${keyedName(store, identity)}${FAILURE_SUFFIX}`));
}

/** The lock file of an MFA device (see cachedProvider): named like entries, so it reveals nothing either. */
export function lockPath(store: CacheStore, lockIdentity: string): string {
  return joinPath(store.folder, `${keyedName(store, `lock\0${lockIdentity}`)}${LOCK_SUFFIX}`);
}

/**
 * File names are keyed hashes (HMAC-SHA256, first 160 bits): they reveal neither the profile nor the role.
 * Bun's native HMAC answers synchronously; WebCrypto's takes two trips to its worker thread (~1.2 ms).
 */
function keyedName(store: CacheStore, identity: string): string {
  return new Bun.CryptoHasher("sha256", store.keys.nameKey).update(identity).digest("hex").slice(0, 40);
}
