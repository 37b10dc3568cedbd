import { joinPath } from "../files/joinPath.ts";
import type { CacheStore } from "./cacheStore.ts";

export const ENTRY_SUFFIX = ".entry";
export const LOCK_SUFFIX = ".lock";
export const FAILURE_SUFFIX = ".failed";
export const MEMO_SUFFIX = ".memo";

/** The lock file of an MFA device (see cachedProvider): named like entries, so it reveals nothing either. */
export function lockPath(store: CacheStore, lockIdentity: string): string {
  return joinPath(store.folder, `${keyedName(store, `lock\0${lockIdentity}`)}${LOCK_SUFFIX}`);
}

/**
 * File names are keyed hashes (HMAC-SHA256, first 160 bits): they reveal neither the profile nor the role.
 * Bun's native HMAC answers synchronously; WebCrypto's takes two trips to its worker thread (~1.2 ms).
 */
export function keyedName(store: CacheStore, identity: string): string {
  return new Bun.CryptoHasher("sha256", store.keys.nameKey).update(identity).digest("hex").slice(0, 40);
}
