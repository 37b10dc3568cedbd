import { hkdf } from "@noble/hashes/hkdf.js";
import { nativeSha256 } from "./nativeSha256.ts";

/** Two independent keys: one seals entries (AES-256-GCM), one names their files (HMAC-SHA256). */
export interface CacheKeys {
  readonly sealKey: Uint8Array;
  readonly nameKey: Uint8Array;
}

const SALT = new TextEncoder().encode("vegas-credentials cache key v1");

/** HKDF-SHA256 (@noble/hashes) over the random per-user machine secret, with the machine's and user's identity as context. */
export function deriveCacheKeys(machineSecret: Uint8Array, identity: string): CacheKeys {
  const okm = hkdf(nativeSha256, machineSecret, SALT, new TextEncoder().encode(identity), 64);
  return { sealKey: okm.slice(0, 32), nameKey: okm.slice(32, 64) };
}
