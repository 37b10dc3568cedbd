import { hkdf, sha256 } from "@noble/hashes/webcrypto.js";

/** Two independent keys: one seals entries (AES-256-GCM), one names their files (HMAC-SHA256). */
export interface CacheKeys {
  readonly sealKey: Uint8Array;
  readonly nameKey: Uint8Array;
}

const SALT = new TextEncoder().encode("vegas-credentials cache key v1");

/**
 * HKDF-SHA256 over the random per-user machine secret, with the machine's and user's identity as context.
 * The WebCrypto flavour of @noble/hashes runs natively: the pure-JS one costs ~9 ms at start-up.
 */
export async function deriveCacheKeys(machineSecret: Uint8Array, identity: string): Promise<CacheKeys> {
  const okm = await hkdf(sha256, machineSecret, SALT, new TextEncoder().encode(identity), 64);
  return { sealKey: okm.slice(0, 32), nameKey: okm.slice(32, 64) };
}
