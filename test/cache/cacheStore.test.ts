import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listEntries, MACHINE_SECRET_FILE, openCacheStore, prepareCacheStore, readEntry, writeEntry } from "../../src/cache/cacheStore.ts";
import { UserError } from "../../src/userError.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

function freshFolder(): string {
  return join(mkdtempSync(join(tmpdir(), "vegas-cache-")), "vegas-credentials");
}

describe("the cache folder", () => {
  test("nothing to read before the first write", async () => {
    expect(await openCacheStore(freshFolder())).toBeUndefined();
  });

  test("is made 0700 with a 0600 machine secret and 0600 entries, even under umask 000", async () => {
    const folder = freshFolder();
    const previous = process.umask(0);
    try {
      const store = await prepareCacheStore(folder);
      await writeEntry(store, "frank@concerts", encode("credentials"));
    } finally {
      process.umask(previous);
    }
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(folder)) expect(statSync(join(folder, name)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(folder, MACHINE_SECRET_FILE)).length).toBe(32);
  });

  test("keeps the machine secret once made", async () => {
    const folder = freshFolder();
    await prepareCacheStore(folder);
    const secret = readFileSync(join(folder, MACHINE_SECRET_FILE));
    await prepareCacheStore(folder);
    expect(readFileSync(join(folder, MACHINE_SECRET_FILE))).toEqual(secret);
  });

  test("tightens a group-readable folder and refuses one others can write to", async () => {
    const folder = freshFolder();
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o750);
    await prepareCacheStore(folder);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    chmodSync(folder, 0o777);
    expect(prepareCacheStore(folder)).rejects.toThrow(new UserError(`cache folder ${folder} can be written by other users: run chmod 700 ${folder}`));
  });

  test("refuses a file where the folder should be", async () => {
    const parent = mkdtempSync(join(tmpdir(), "vegas-cache-"));
    writeFileSync(join(parent, "vegas-credentials"), "");
    expect(prepareCacheStore(join(parent, "vegas-credentials"))).rejects.toThrow(UserError);
  });
});

describe("entries", () => {
  test("round-trip, with file names that reveal neither profile nor role", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder);
    await writeEntry(store, '["role-credentials","frank@concerts","arn:aws:iam::222222222222:role/SingerRole"]', encode("one"));
    const reopened = await openCacheStore(folder);
    if (reopened === undefined) throw new Error("cache did not reopen");
    expect(decode(await readEntry(reopened, '["role-credentials","frank@concerts","arn:aws:iam::222222222222:role/SingerRole"]'))).toBe("one");
    const names = readdirSync(folder).join(" ");
    expect(names).not.toMatch(/frank|Singer|concerts|222222222222/);
    expect(names).toMatch(/^[0-9a-f]{40}\.entry machine-secret$|^machine-secret [0-9a-f]{40}\.entry$/);
  });

  test("overwriting one entry leaves the others alone and leaves no temp files", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder);
    await writeEntry(store, "a", encode("a1"));
    await writeEntry(store, "b", encode("b1"));
    await writeEntry(store, "a", encode("a2"));
    expect(decode(await readEntry(store, "a"))).toBe("a2");
    expect(decode(await readEntry(store, "b"))).toBe("b1");
    expect(readdirSync(folder).filter((name) => name.startsWith("."))).toEqual([]);
  });

  test("two entries' files swapped: both are misses", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder);
    await writeEntry(store, "a", encode("a"));
    const [first] = readdirSync(folder).filter((name) => name.endsWith(".entry"));
    await writeEntry(store, "b", encode("b"));
    const second = readdirSync(folder).find((name) => name.endsWith(".entry") && name !== first);
    if (first === undefined || second === undefined) throw new Error("expected two entries");
    renameSync(join(folder, first), join(folder, "swap"));
    renameSync(join(folder, second), join(folder, first));
    renameSync(join(folder, "swap"), join(folder, second));
    expect(await readEntry(store, "a")).toBeUndefined();
    expect(await readEntry(store, "b")).toBeUndefined();
  });

  test("a replaced machine secret makes every entry a miss", async () => {
    const folder = freshFolder();
    await writeEntry(await prepareCacheStore(folder), "a", encode("a"));
    writeFileSync(join(folder, MACHINE_SECRET_FILE), new Uint8Array(32).fill(7));
    const reopened = await openCacheStore(folder);
    if (reopened === undefined) throw new Error("cache did not reopen");
    expect(await readEntry(reopened, "a")).toBeUndefined();
  });

  test("a truncated machine secret means nothing can be read, and the next write replaces it", async () => {
    const folder = freshFolder();
    await writeEntry(await prepareCacheStore(folder), "a", encode("a"));
    writeFileSync(join(folder, MACHINE_SECRET_FILE), "short");
    expect(await openCacheStore(folder)).toBeUndefined();
    const store = await prepareCacheStore(folder);
    expect(readFileSync(join(folder, MACHINE_SECRET_FILE)).length).toBe(32);
    expect(await readEntry(store, "a")).toBeUndefined();
  });

  test("a truncated or empty entry file is a miss", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder);
    await writeEntry(store, "a", encode("a"));
    const entry = readdirSync(folder).find((name) => name.endsWith(".entry")) ?? "";
    writeFileSync(join(folder, entry), readFileSync(join(folder, entry)).subarray(0, 20));
    expect(await readEntry(store, "a")).toBeUndefined();
    writeFileSync(join(folder, entry), "");
    expect(await readEntry(store, "a")).toBeUndefined();
  });
});

describe("listEntries", () => {
  test("opens every entry with the identity it was written for, and lists what does not open", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder);
    await writeEntry(store, '["role-credentials","frank@concerts"]', encode("one"));
    await writeEntry(store, '["role-credentials","dean@concerts"]', encode("two"));
    await writeEntry(store, "yubikey-password\u0000123456", encode("three"));
    writeFileSync(join(folder, `${"0".repeat(40)}.entry`), "not sealed");
    const listed = await listEntries(store);
    expect(listed.map((entry) => [entry.identity, decode(entry.payload)]).sort()).toEqual(
      [
        ['["role-credentials","dean@concerts"]', "two"],
        ['["role-credentials","frank@concerts"]', "one"],
        ["yubikey-password\u0000123456", "three"],
        [undefined, undefined],
      ].sort(),
    );
    expect(listed.find((entry) => entry.identity === undefined)?.path).toBe(join(folder, `${"0".repeat(40)}.entry`));
  });

  test("an entry renamed onto another identity's file name does not open under either", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder);
    await writeEntry(store, "a", encode("a1"));
    await writeEntry(store, "b", encode("b1"));
    const [fileA, fileB] = readdirSync(folder).filter((name) => name.endsWith(".entry"));
    renameSync(join(folder, fileA ?? ""), join(folder, fileB ?? ""));
    expect(await readEntry(store, "a")).toBeUndefined();
    expect(await readEntry(store, "b")).toBeUndefined();
  });
});
