import type { CHash, Hash } from "@noble/hashes/utils.js";

/**
 * SHA-256 for @noble/hashes' HMAC and HKDF, computed by Bun's native hasher through noble's own hash
 * interface. noble's pure-JS sha2 module costs ~5–9 ms at start-up and its WebCrypto flavour ~4 ms of
 * worker-thread latency per first call; this answers synchronously in microseconds.
 */
class NativeSha256 implements Hash<NativeSha256> {
  readonly blockLen = 64;
  readonly outputLen = 32;
  readonly canXOF = false;
  private hasher: Bun.CryptoHasher;

  constructor(hasher = new Bun.CryptoHasher("sha256")) {
    this.hasher = hasher;
  }

  update(data: Uint8Array): this {
    this.hasher.update(data);
    return this;
  }

  digestInto(out: Uint8Array): void {
    out.set(this.hasher.digest());
  }

  digest(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.hasher.digest());
  }

  destroy(): void {}

  _cloneInto(to?: NativeSha256): NativeSha256 {
    const copy = this.hasher.copy();
    if (to === undefined) return new NativeSha256(copy);
    to.hasher = copy;
    return to;
  }

  clone(): NativeSha256 {
    return this._cloneInto();
  }
}

export const nativeSha256: CHash = Object.assign((message: Uint8Array) => new NativeSha256().update(message).digest(), {
  outputLen: 32,
  blockLen: 64,
  create: () => new NativeSha256(),
}) as unknown as CHash;
