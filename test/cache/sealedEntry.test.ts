import { describe, expect, test } from "bun:test";
import { randomBytes } from "@noble/ciphers/utils.js";
import { deriveCacheKeys } from "../../src/cache/cacheKeys.ts";
import { openEntry, sealEntry } from "../../src/cache/sealedEntry.ts";

const plaintext = new TextEncoder().encode('{"secret":"wJalrXUtnFEMI/K7MDENG"}');
const identity = '["role-credentials","frank@concerts"]';

describe("sealEntry / openEntry", () => {
  test("round-trips, with a fresh nonce each time and no plaintext in the sealed bytes", async () => {
    const key = randomBytes(32);
    const first = await sealEntry(key, identity, plaintext);
    const second = await sealEntry(key, identity, plaintext);
    expect(first).not.toEqual(second);
    expect(Buffer.from(first).includes(Buffer.from("wJalrXUtnFEMI"))).toBe(false);
    expect(await openEntry(key, identity, first)).toEqual(plaintext);
    expect(await openEntry(key, identity, second)).toEqual(plaintext);
  });

  test("a flipped byte anywhere (magic, nonce, ciphertext, tag) fails to open", async () => {
    const key = randomBytes(32);
    const sealed = await sealEntry(key, identity, plaintext);
    for (let index = 0; index < sealed.length; index++) {
      const tampered = sealed.slice();
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(await openEntry(key, identity, tampered)).toBeUndefined();
    }
  });

  test("truncated or empty bytes fail to open", async () => {
    const key = randomBytes(32);
    const sealed = await sealEntry(key, identity, plaintext);
    for (const length of [0, 3, 16, 31, sealed.length - 1]) expect(await openEntry(key, identity, sealed.slice(0, length))).toBeUndefined();
  });

  test("the wrong key fails to open", async () => {
    const sealed = await sealEntry(randomBytes(32), identity, plaintext);
    expect(await openEntry(randomBytes(32), identity, sealed)).toBeUndefined();
  });

  test("another entry's identity (associated data) fails to open", async () => {
    const key = randomBytes(32);
    const sealed = await sealEntry(key, identity, plaintext);
    expect(await openEntry(key, '["role-credentials","dean@concerts"]', sealed)).toBeUndefined();
  });
});

describe("deriveCacheKeys", () => {
  test("is deterministic for one secret and identity, and independent for seal and name", async () => {
    const secret = randomBytes(32);
    const keys = await deriveCacheKeys(secret, "machine=a;user=1");
    expect(await deriveCacheKeys(secret, "machine=a;user=1")).toEqual(keys);
    expect(keys.sealKey).not.toEqual(keys.nameKey);
    expect(keys.sealKey.length).toBe(32);
  });

  test("another machine, another user or another secret gives other keys", async () => {
    const secret = randomBytes(32);
    const keys = await deriveCacheKeys(secret, "machine=a;user=1");
    expect((await deriveCacheKeys(secret, "machine=b;user=1")).sealKey).not.toEqual(keys.sealKey);
    expect((await deriveCacheKeys(secret, "machine=a;user=2")).sealKey).not.toEqual(keys.sealKey);
    expect((await deriveCacheKeys(randomBytes(32), "machine=a;user=1")).sealKey).not.toEqual(keys.sealKey);
  });
});
