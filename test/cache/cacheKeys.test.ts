import { describe, expect, test } from "bun:test";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { deriveCacheKeys, hkdfSha256 } from "../../src/cache/cacheKeys.ts";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("hkdfSha256 (Bun's native HMAC)", () => {
  test("RFC 5869 test case 1", () => {
    expect(toHex(hkdfSha256(hex("0b".repeat(22)), hex("000102030405060708090a0b0c"), hex("f0f1f2f3f4f5f6f7f8f9"), 42))).toBe(
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
  });

  test("RFC 5869 test case 2 (long inputs, 82 bytes out)", () => {
    const range = (from: number) => Uint8Array.from({ length: 80 }, (_, index) => from + index);
    expect(toHex(hkdfSha256(range(0x00), range(0x60), range(0xb0), 82))).toBe(
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
    );
  });

  test("RFC 5869 test case 3 (empty salt and info)", () => {
    expect(toHex(hkdfSha256(hex("0b".repeat(22)), new Uint8Array(0), new Uint8Array(0), 42))).toBe("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  });

  test("the same bytes as @noble/hashes' HKDF for every length (the keys of caches written before stay the same)", () => {
    for (let round = 0; round < 20; round++) {
      const ikm = randomBytes(32);
      const salt = randomBytes(round % 3 === 0 ? 0 : 16 + round);
      const info = new TextEncoder().encode(`machine=${round};user=1`);
      for (const length of [1, 31, 32, 33, 64, 100, 255 * 32]) expect(hkdfSha256(ikm, salt, info, length)).toEqual(hkdf(sha256, ikm, salt, info, length));
    }
  });

  test("deriveCacheKeys: two different 32-byte keys, as noble derived them", () => {
    const secret = randomBytes(32);
    const keys = deriveCacheKeys(secret, "machine=abc;user=1000");
    const noble = hkdf(sha256, secret, new TextEncoder().encode("vegas-credentials cache key v1"), new TextEncoder().encode("machine=abc;user=1000"), 64);
    expect(keys.sealKey).toEqual(noble.slice(0, 32));
    expect(keys.nameKey).toEqual(noble.slice(32));
  });
});
