import { joinPath } from "../config/configFilePath.ts";
import { readFileBytes } from "../files/readFileBytes.ts";
import { type CacheKeys, deriveCacheKeys } from "./cacheKeys.ts";
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

/** Opens an existing cache for reading; undefined when there is no machine secret yet (so nothing to read). */
export async function openCacheStore(folder: string): Promise<CacheStore | undefined> {
  const secret = readFileBytes(joinPath(folder, MACHINE_SECRET_FILE));
  if (secret === undefined || secret.length !== 32) return undefined;
  return { folder, keys: deriveCacheKeys(secret, machineIdentity()) };
}

/** Opens the cache for writing: makes the folder (0700) and the machine secret (0600) when missing. */
export async function prepareCacheStore(folder: string): Promise<CacheStore> {
  const { ensurePrivateFolder, ensureMachineSecret } = await import("./privateFiles.ts");
  ensurePrivateFolder(folder);
  const secret = ensureMachineSecret(joinPath(folder, MACHINE_SECRET_FILE));
  return { folder, keys: deriveCacheKeys(secret, machineIdentity()) };
}

/** The decrypted entry for `identity`, or undefined when absent, unreadable, tampered with or foreign. */
export async function readEntry(store: CacheStore, identity: string): Promise<Uint8Array | undefined> {
  const name = keyedName(store, identity);
  const sealed = readFileBytes(joinPath(store.folder, `${name}${ENTRY_SUFFIX}`));
  if (sealed === undefined) return undefined;
  const opened = await openNamedEntry(store, name, sealed);
  return opened?.identity === identity ? opened.payload : undefined;
}

export async function writeEntry(store: CacheStore, identity: string, payload: Uint8Array): Promise<void> {
  const name = keyedName(store, identity);
  const sealed = await sealEntry(store.keys.sealKey, name, framed(identity, payload));
  const { writeFileAtomically } = await import("./writeFileAtomically.ts");
  writeFileAtomically(joinPath(store.folder, `${name}${ENTRY_SUFFIX}`), sealed);
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
    const sealed = readFileBytes(path);
    const opened = sealed === undefined ? undefined : await openNamedEntry(store, file.slice(0, -ENTRY_SUFFIX.length), sealed);
    listed.push(opened === undefined ? { path } : { path, ...opened });
  }
  return listed;
}

/** Sealed under its own file name; inside, the identity it was written for, then the payload. */
async function openNamedEntry(store: CacheStore, name: string, sealed: Uint8Array): Promise<{ identity: string; payload: Uint8Array } | undefined> {
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

/** What the last failed fetch of an entry said (never a secret: a UserError's line), and when. */
export interface FailureNote {
  readonly at: number;
  readonly message: string;
}

export function readFailureNote(store: CacheStore, identity: string): FailureNote | undefined {
  const bytes = readFileBytes(failurePath(store, identity));
  if (bytes === undefined) return undefined;
  try {
    const note = JSON.parse(new TextDecoder().decode(bytes)) as Partial<FailureNote>;
    return typeof note.at === "number" && typeof note.message === "string" ? { at: note.at, message: note.message } : undefined;
  } catch {
    return undefined;
  }
}

export async function writeFailureNote(store: CacheStore, identity: string, message: string): Promise<void> {
  const { writeFileAtomically } = await import("./writeFileAtomically.ts");
  writeFileAtomically(failurePath(store, identity), new TextEncoder().encode(JSON.stringify({ at: Date.now(), message } satisfies FailureNote)));
}

export async function clearFailureNote(store: CacheStore, identity: string): Promise<void> {
  const { unlinkQuietly } = await import("./writeFileAtomically.ts");
  unlinkQuietly(failurePath(store, identity));
}

function failurePath(store: CacheStore, identity: string): string {
  return joinPath(store.folder, `${keyedName(store, identity)}${FAILURE_SUFFIX}`);
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
