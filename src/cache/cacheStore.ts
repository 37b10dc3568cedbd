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
  const sealed = readFileBytes(entryPath(store, identity));
  if (sealed === undefined) return undefined;
  return openEntry(store.keys.sealKey, identity, sealed);
}

export async function writeEntry(store: CacheStore, identity: string, plaintext: Uint8Array): Promise<void> {
  const sealed = await sealEntry(store.keys.sealKey, identity, plaintext);
  const { writeFileAtomically } = await import("./writeFileAtomically.ts");
  writeFileAtomically(entryPath(store, identity), sealed);
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
function entryPath(store: CacheStore, identity: string): string {
  return joinPath(store.folder, `${keyedName(store, identity)}${ENTRY_SUFFIX}`);
}

function keyedName(store: CacheStore, identity: string): string {
  return new Bun.CryptoHasher("sha256", store.keys.nameKey).update(identity).digest("hex").slice(0, 40);
}
