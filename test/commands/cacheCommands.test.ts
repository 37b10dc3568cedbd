import { describe, expect, test } from "bun:test";
import { entriesToClean } from "../../src/commands/cacheClean.ts";
import { describePayload, type InventoryItem } from "../../src/commands/cacheInventory.ts";
import { inventoryJson, inventoryTable, timeLeft } from "../../src/commands/cacheList.ts";
import { parseProfiles } from "../../src/config/readConfigFile.ts";

const NOW = new Date("2026-11-24T10:00:00Z");
const config = {
  path: "/home/frank/.aws/config",
  profiles: parseProfiles("[default]\nmfa_serial = arn:aws:iam::111111111111:mfa/Frank\n[profile frank@concerts]\nvegas_source_profile = default\n[profile hobby]\nmfa_serial = GAHT12345678\n"),
};

const item = (overrides: Partial<InventoryItem>): InventoryItem => ({ file: "/c/x.entry", kind: "role-credentials", state: "fresh", staleConfig: false, ...overrides });
const ITEMS = [
  item({ file: "/c/1.entry", profile: "frank@concerts", sourceProfile: "default" }),
  item({ file: "/c/2.entry", profile: "other", sourceProfile: "hobby", state: "expired" }),
  item({ file: "/c/3.entry", kind: "mfa-session", profile: "default", sourceProfile: "default" }),
  item({ file: "/c/4.entry", kind: "mfa-session", profile: "hobby", sourceProfile: "hobby" }),
  item({ file: "/c/5.entry", kind: "yubikey-password", yubikeySerial: "12345678" }),
  item({ file: "/c/6.entry", kind: "unknown", state: "unreadable" }),
];
const choice = { credential: false, session: false, password: false, profile: undefined, expired: false };
const files = (items: InventoryItem[]) => items.map((entry) => entry.file.slice(3, 4)).join("");

describe("cache clean picks", () => {
  test.each([
    [{}, "123456"],
    [{ credential: true }, "12"],
    [{ session: true }, "34"],
    [{ password: true }, "5"],
    [{ credential: true, session: true }, "1234"],
    [{ expired: true }, "26"],
    [{ profile: "frank@concerts" }, "13"],
    [{ profile: "frank@concerts", credential: true }, "1"],
    [{ profile: "hobby" }, "4"],
    [{ profile: "nobody" }, ""],
    [{ credential: true, expired: true }, "2"],
  ])("%j → entries %s", (overrides, expected) => {
    expect(files(entriesToClean(ITEMS, { ...choice, ...overrides }, config))).toBe(expected);
  });
});

describe("what an entry says of itself", () => {
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  test("role credentials: names and expiry, nothing secret", () => {
    const described = describePayload(
      encode({ kind: "role-credentials", profile: "p", roleArn: "arn:r", sourceProfile: "s", mfaSerial: "m", fetchedAt: "x", credentials: { AccessKeyId: "AK", SecretAccessKey: "SECRET", SessionToken: "TOKEN", Expiration: "2026-11-24T11:00:00.000Z" } }),
    );
    expect(described).toEqual({ kind: "role-credentials", profile: "p", roleArn: "arn:r", sourceProfile: "s", mfaSerial: "m", expiresAt: new Date("2026-11-24T11:00:00Z") });
  });
  test("an MFA session is listed under its source profile", () => {
    expect(describePayload(encode({ kind: "mfa-session", sourceProfile: "s", mfaSerial: "m", credentials: { Expiration: "2026-11-24T22:00:00Z" } }))).toMatchObject({ kind: "mfa-session", profile: "s" });
  });
  test("anything else is unknown", () => {
    expect(describePayload(new TextEncoder().encode("not json")).kind).toBe("unknown");
    expect(describePayload(encode({ kind: "future-kind" })).kind).toBe("unknown");
  });
});

describe("cache listing", () => {
  test.each([
    [47 * 60, "47m"],
    [3 * 3600 + 5 * 60, "3h05m"],
    [50 * 3600, "2d2h"],
    [42, "42s"],
    [-12 * 60, "12m ago"],
  ])("%p s left reads %s", (seconds, expected) => {
    expect(timeLeft(new Date(NOW.getTime() + seconds * 1000), NOW)).toBe(expected);
  });

  test("the table has a row per entry, the JSON the same entries; no secret fields in either", () => {
    const items = [item({ profile: "frank@concerts", roleArn: "arn:aws:iam::222222222222:role/SingerRole", sourceProfile: "default", expiresAt: new Date(NOW.getTime() + 47 * 60_000), staleConfig: true })];
    const table = inventoryTable(items, "/c", NOW, { color: false, emoji: false });
    expect(table.split("\n")[1]).toMatch(/^frank@concerts\s+role credentials\s+arn:aws:iam::222222222222:role\/SingerRole\s+default\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+47m\s+fresh, stale config$/);
    const json = JSON.parse(inventoryJson(items, NOW));
    expect(json).toEqual([expect.objectContaining({ profile: "frank@concerts", expiresAt: "2026-11-24T10:47:00.000Z", expiresInSeconds: 2820, state: "fresh", staleConfig: true })]);
    expect(Object.keys(json[0])).not.toContain("credentials");
  });

  test("an empty cache says so", () => {
    expect(inventoryTable([], "/c", NOW, { color: false, emoji: false })).toBe("The cache is empty (/c).");
  });
});
