import { describe, expect, test } from "bun:test";
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { nativeSha256 } from "../../src/cache/nativeSha256.ts";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));

describe("nativeSha256 inside @noble/hashes", () => {
  test("HKDF-SHA256 gives RFC 5869's test case 1", () => {
    const okm = hkdf(nativeSha256, hex("0b".repeat(22)), hex("000102030405060708090a0b0c"), hex("f0f1f2f3f4f5f6f7f8f9"), 42);
    expect(Buffer.from(okm).toString("hex")).toBe("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  });

  test("HKDF-SHA256 gives RFC 5869's test case 3 (empty salt and info)", () => {
    const okm = hkdf(nativeSha256, hex("0b".repeat(22)), new Uint8Array(0), new Uint8Array(0), 42);
    expect(Buffer.from(okm).toString("hex")).toBe("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  });

  test("agrees with noble's pure-JS SHA-256 for hashes, HMACs (short and long keys) and every HKDF length", () => {
    for (const size of [0, 1, 55, 56, 63, 64, 65, 1000]) {
      const message = randomBytes(size);
      expect(nativeSha256(message)).toEqual(sha256(message));
      for (const keySize of [1, 32, 64, 65, 200]) {
        const key = randomBytes(keySize);
        expect(hmac(nativeSha256, key, message)).toEqual(hmac(sha256, key, message));
      }
    }
    const ikm = randomBytes(32);
    const salt = randomBytes(16);
    const info = new TextEncoder().encode("machine=a;user=1");
    for (const length of [1, 32, 33, 64, 100, 255 * 32]) {
      expect(hkdf(nativeSha256, ikm, salt, info, length)).toEqual(hkdf(sha256, ikm, salt, info, length));
    }
  });

  test("incremental updates and clones give the same digest as one update", () => {
    const hash = nativeSha256.create();
    hash.update(new TextEncoder().encode("vegas-"));
    const clone = hash.clone();
    hash.update(new TextEncoder().encode("credentials"));
    clone.update(new TextEncoder().encode("credentials"));
    const whole = sha256(new TextEncoder().encode("vegas-credentials"));
    expect(hash.digest()).toEqual(whole);
    expect(clone.digest()).toEqual(whole);
  });
});
