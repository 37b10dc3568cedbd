import { describe, expect, test } from "bun:test";
import { accountsOfService } from "../../src/keys/macKeychainStore.ts";
import { accessKeyProblem, decodeStoredKey, encodeStoredKey, keyAgeDays, listingOf, maskKeyId } from "../../src/keys/storedKey.ts";
import { userNameOf } from "../../src/sts/accessKeyCalls.ts";

const KEY = { profile: "default", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", addedAt: new Date("2026-09-01T10:00:00.000Z") };

describe("a stored key", () => {
  test("is shown masked, as the IAM console lists keys", () => {
    expect(maskKeyId(KEY.accessKeyId)).toBe("AKIA…MPLE");
    expect(maskKeyId("short")).toBe("…");
  });

  test("round-trips through its record, which names its profile", () => {
    const record = encodeStoredKey(KEY);
    expect(decodeStoredKey(record, "default")).toEqual(KEY);
    expect(decodeStoredKey(record, "other")).toBeUndefined();
    expect(listingOf(record)).toEqual({ profile: "default", keyId: "AKIA…MPLE", addedAt: KEY.addedAt });
    for (const damaged of ["", "null", "{", JSON.stringify({ ...JSON.parse(record), version: 2 }), JSON.stringify({ ...JSON.parse(record), addedAt: "never" }), JSON.stringify({ ...JSON.parse(record), secretAccessKey: 1 })]) {
      expect(decodeStoredKey(damaged, "default")).toBeUndefined();
      expect(listingOf(damaged)).toBeUndefined();
    }
  });

  test("is checked for its form before anything is called", () => {
    expect(accessKeyProblem(KEY.accessKeyId, KEY.secretAccessKey)).toBeUndefined();
    expect(accessKeyProblem("ASIAIOSFODNN7EXAMPLE", KEY.secretAccessKey)).toContain("temporary key");
    expect(accessKeyProblem("akiaiosfodnn7example", KEY.secretAccessKey)).toContain("not an IAM user's key ID");
    expect(accessKeyProblem("AKIA", KEY.secretAccessKey)).toContain("not an IAM user's key ID");
    expect(accessKeyProblem(KEY.accessKeyId, "has spaces in it, not a secret")).toContain("the secret access key is not one");
    expect(accessKeyProblem(KEY.accessKeyId, "")).toContain("the secret access key is not one");
  });

  test("has an age in whole days, never negative", () => {
    expect(keyAgeDays(KEY.addedAt, new Date("2026-09-01T23:59:00Z"))).toBe(0);
    expect(keyAgeDays(KEY.addedAt, new Date("2026-12-01T10:00:00Z"))).toBe(91);
    expect(keyAgeDays(KEY.addedAt, new Date("2020-01-01T00:00:00Z"))).toBe(0);
  });
});

test("the user name of an IAM user's ARN, paths and partitions included; anything else has none", () => {
  expect(userNameOf("arn:aws:iam::111111111111:user/FrankSinatra")).toBe("FrankSinatra");
  expect(userNameOf("arn:aws-cn:iam::111111111111:user/team/ops/frank@example.com")).toBe("frank@example.com");
  expect(userNameOf("arn:aws:sts::111111111111:assumed-role/Role/session")).toBeUndefined();
  expect(userNameOf("arn:aws:iam::111111111111:root")).toBeUndefined();
});

test("security dump-keychain: the accounts of our service only", () => {
  const dump = [
    'keychain: "/Users/frank/Library/Keychains/login.keychain-db"\nclass: "genp"\nattributes:\n    "acct"<blob>="default"\n    "svce"<blob>="vegas-credentials"\n',
    'keychain: "/Users/frank/Library/Keychains/login.keychain-db"\nclass: "genp"\nattributes:\n    "acct"<blob>="frank"\n    "svce"<blob>="aws-vault"\n',
    'keychain: "/Users/frank/Library/Keychains/login.keychain-db"\nclass: "genp"\nattributes:\n    "acct"<blob>="work"\n    "svce"<blob>="vegas-credentials"\n',
  ].join("");
  expect(accountsOfService(dump)).toEqual(["default", "work"]);
  // Another tool's service (aws-vault's keys, for keys import --from aws-vault).
  expect(accountsOfService(dump, "aws-vault")).toEqual(["frank"]);
});
