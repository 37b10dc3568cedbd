/** Two independent keys: one seals entries (AES-256-GCM), one names their files (HMAC-SHA256). */
export interface CacheKeys {
  readonly sealKey: Uint8Array;
  readonly nameKey: Uint8Array;
}

const SALT = new TextEncoder().encode("vegas-credentials cache key v1");

/**
 * HKDF-SHA256 (RFC 5869) over the random per-user machine secret, with the machine's and user's identity as
 * context: 64 bytes, the first 32 to seal, the rest to name. Bun's native HMAC, not @noble/hashes' (a cache
 * hit derives the keys, and the JS one costs ~1 ms more at start-up); test/cache/cacheKeys.test.ts holds the
 * two to the same bytes and to RFC 5869's own vectors.
 */
export function deriveCacheKeys(machineSecret: Uint8Array, identity: string): CacheKeys {
  const okm = hkdfSha256(machineSecret, SALT, new TextEncoder().encode(identity), 64);
  return { sealKey: okm.slice(0, 32), nameKey: okm.slice(32, 64) };
}

export function hkdfSha256(inputKey: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hmac = (key: Uint8Array, ...parts: Uint8Array[]) => {
    const hasher = new Bun.CryptoHasher("sha256", key);
    for (const part of parts) hasher.update(part);
    return new Uint8Array(hasher.digest());
  };
  // Extract, then expand: T(i) = HMAC(PRK, T(i-1) | info | i).
  const pseudoRandomKey = hmac(salt.length > 0 ? salt : new Uint8Array(32), inputKey);
  const output = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let block = 1, filled = 0; filled < length; block++) {
    previous = hmac(pseudoRandomKey, previous, info, Uint8Array.of(block));
    output.set(previous.subarray(0, length - filled), filled);
    filled += previous.length;
  }
  return output;
}
