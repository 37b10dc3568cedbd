import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAILURE_SUFFIX } from "../../src/cache/cacheFileNames.ts";
import { listEntries } from "../../src/cache/listEntries.ts";
import { MACHINE_SECRET_FILE, openCacheStore, prepareCacheStore } from "../../src/cache/cacheStore.ts";
import { readEntry, writeEntry } from "../../src/cache/cacheEntries.ts";
import { readFailureNote, writeFailureNote } from "../../src/cache/failureNotes.ts";
import { replaceMachineSecret } from "../../src/cache/ensureMachineSecret.ts";
import { UserError } from "../../src/userError.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

const noWarnings = (message: string) => {
  throw new Error(`unexpected warning: ${message}`);
};

function freshFolder(): string {
  return join(temporaryFolder("vegas-cache-"), "vegas-credentials");
}

describe("the cache folder", () => {
  test("nothing to read before the first write", async () => {
    expect(await openCacheStore(freshFolder())).toBeUndefined();
  });

  test("is made 0700 with a 0600 machine secret and 0600 entries, even under umask 000", async () => {
    const folder = freshFolder();
    const previous = process.umask(0);
    try {
      const store = await prepareCacheStore(folder, noWarnings);
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
    await prepareCacheStore(folder, noWarnings);
    const secret = readFileSync(join(folder, MACHINE_SECRET_FILE));
    await prepareCacheStore(folder, noWarnings);
    expect(readFileSync(join(folder, MACHINE_SECRET_FILE))).toEqual(secret);
  });

  test("tightens a group-readable folder and refuses one others can write to", async () => {
    const folder = freshFolder();
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o750);
    await prepareCacheStore(folder, noWarnings);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    chmodSync(folder, 0o777);
    expect(prepareCacheStore(folder, noWarnings)).rejects.toThrow(new UserError(`cache folder ${folder} can be written by other users: run chmod 700 ${folder}`));
  });

  test("refuses a file where the folder should be", async () => {
    const parent = temporaryFolder("vegas-cache-");
    writeFileSync(join(parent, "vegas-credentials"), "");
    expect(prepareCacheStore(join(parent, "vegas-credentials"), noWarnings)).rejects.toThrow(UserError);
  });
});

describe("the cache folder is checked on every read, a hit too", () => {
  test("a symbolic link to a folder is refused, even one of this user's that holds a good cache", async () => {
    const real = freshFolder();
    await writeEntry(await prepareCacheStore(real, noWarnings), "a", encode("a"));
    const link = join(temporaryFolder("vegas-cache-"), "vegas-credentials");
    symlinkSync(real, link);
    expect(openCacheStore(link)).rejects.toThrow(new UserError(`cache folder ${link} is a symbolic link: replace it with a folder of your own (mkdir -m 700) or set XDG_CACHE_HOME elsewhere`));
    expect(prepareCacheStore(link, noWarnings)).rejects.toThrow(UserError);
  });

  test("a folder others can write to is refused before anything in it is read", async () => {
    const folder = freshFolder();
    await writeEntry(await prepareCacheStore(folder, noWarnings), "a", encode("a"));
    chmodSync(folder, 0o757);
    expect(openCacheStore(folder)).rejects.toThrow(new UserError(`cache folder ${folder} can be written by other users: run chmod 700 ${folder}`));
  });

  test("a machine secret that is a symbolic link is refused", async () => {
    const folder = freshFolder();
    await prepareCacheStore(folder, noWarnings);
    const elsewhere = join(folder, "..", "secret-elsewhere");
    renameSync(join(folder, MACHINE_SECRET_FILE), elsewhere);
    symlinkSync(elsewhere, join(folder, MACHINE_SECRET_FILE));
    expect(openCacheStore(folder)).rejects.toThrow(new UserError(`machine secret ${join(folder, MACHINE_SECRET_FILE)} is a symbolic link: remove it (a new cache starts)`));
  });

  test("a machine secret others could read is never used: the run says so and starts a new cache", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder, noWarnings);
    await writeEntry(store, "a", encode("a"));
    await writeFailureNote(store, "b", { at: Date.now(), message: "profile b failed" });
    const secretPath = join(folder, MACHINE_SECRET_FILE);
    const old = readFileSync(secretPath);
    chmodSync(secretPath, 0o644);
    expect(await openCacheStore(folder)).toBeUndefined();
    const warnings: string[] = [];
    const renewed = await prepareCacheStore(folder, (message) => warnings.push(message));
    expect(warnings).toEqual([`the machine secret ${secretPath} could be read by other users: not using it; starting a new cache (the next runs ask for MFA codes again)`]);
    expect(readFileSync(secretPath)).not.toEqual(old);
    expect(statSync(secretPath).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder).filter((name) => name.endsWith(".entry") || name.endsWith(FAILURE_SUFFIX))).toEqual([]);
    expect(await readEntry(renewed, "a")).toBeUndefined();
  });
});

describe("failure notes", () => {
  test("are sealed: nothing of the line is in the file, and they open only for their identity", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder, noWarnings);
    const line = 'profile "frank@concerts": source profile "default" may not assume arn:aws:iam::222222222222:role/SingerRole';
    await writeFailureNote(store, "frank", { at: Date.now(), message: line, profile: "frank@concerts" });
    const [file] = readdirSync(folder).filter((name) => name.endsWith(FAILURE_SUFFIX));
    const raw = readFileSync(join(folder, file ?? "")).toString("latin1");
    for (const secretish of ["frank", "SingerRole", "222222222222", "default"]) expect(raw).not.toContain(secretish);
    expect((await readFailureNote(store, "frank"))?.message).toBe(line);
    expect(await readFailureNote(store, "sinatra")).toBeUndefined();
  });
});

describe("unreadable entries are misses", () => {
  test("a symbolic link at an entry's name reads as absent, and the next write replaces the link, not its target", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder, noWarnings);
    await writeEntry(store, "a", encode("a"));
    const [entry] = readdirSync(folder).filter((name) => name.endsWith(".entry"));
    const path = join(folder, entry ?? "");
    renameSync(path, `${path}.real`);
    symlinkSync(`${path}.real`, path);
    expect(await readEntry(store, "a")).toBeUndefined();
    const target = readFileSync(`${path}.real`);
    await writeEntry(store, "a", encode("again"));
    expect(decode(await readEntry(store, "a"))).toBe("again");
    expect(readFileSync(`${path}.real`)).toEqual(target);
  });
});

describe("entries", () => {
  test("round-trip, with file names that reveal neither profile nor role", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder, noWarnings);
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
    const store = await prepareCacheStore(folder, noWarnings);
    await writeEntry(store, "a", encode("a1"));
    await writeEntry(store, "b", encode("b1"));
    await writeEntry(store, "a", encode("a2"));
    expect(decode(await readEntry(store, "a"))).toBe("a2");
    expect(decode(await readEntry(store, "b"))).toBe("b1");
    expect(readdirSync(folder).filter((name) => name.startsWith("."))).toEqual([]);
  });

  test("two entries' files swapped: both are misses", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder, noWarnings);
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
    await writeEntry(await prepareCacheStore(folder, noWarnings), "a", encode("a"));
    writeFileSync(join(folder, MACHINE_SECRET_FILE), new Uint8Array(32).fill(7));
    const reopened = await openCacheStore(folder);
    if (reopened === undefined) throw new Error("cache did not reopen");
    expect(await readEntry(reopened, "a")).toBeUndefined();
  });

  test("a truncated machine secret means nothing can be read, and the next write replaces it", async () => {
    const folder = freshFolder();
    await writeEntry(await prepareCacheStore(folder, noWarnings), "a", encode("a"));
    writeFileSync(join(folder, MACHINE_SECRET_FILE), "short");
    expect(await openCacheStore(folder)).toBeUndefined();
    const store = await prepareCacheStore(folder, noWarnings);
    expect(readFileSync(join(folder, MACHINE_SECRET_FILE)).length).toBe(32);
    expect(await readEntry(store, "a")).toBeUndefined();
  });

  test("a truncated or empty entry file is a miss", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder, noWarnings);
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
    const store = await prepareCacheStore(folder, noWarnings);
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
    const store = await prepareCacheStore(folder, noWarnings);
    await writeEntry(store, "a", encode("a1"));
    await writeEntry(store, "b", encode("b1"));
    const [fileA, fileB] = readdirSync(folder).filter((name) => name.endsWith(".entry"));
    renameSync(join(folder, fileA ?? ""), join(folder, fileB ?? ""));
    expect(await readEntry(store, "a")).toBeUndefined();
    expect(await readEntry(store, "b")).toBeUndefined();
  });
});

describe("runs that make the cache at the same moment", () => {
  test("a run that found no secret takes the one another run made meanwhile, and never removes it", async () => {
    const folder = freshFolder();
    const store = await prepareCacheStore(folder, noWarnings);
    const path = join(folder, MACHINE_SECRET_FILE);
    const theirs = readFileSync(path);
    // This run read "missing" just before the other run linked its secret into place.
    const mine = replaceMachineSecret(folder, path, { state: "missing" }, noWarnings);
    expect(Buffer.from(mine)).toEqual(theirs);
    expect(readFileSync(path)).toEqual(theirs);
    expect((await openCacheStore(folder))?.keys).toEqual(store.keys);
  });

  test("a damaged secret another run has already replaced is not replaced again", () => {
    const folder = freshFolder();
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const path = join(folder, MACHINE_SECRET_FILE);
    writeFileSync(path, "short", { mode: 0o600 });
    const damaged = { state: "damaged" as const };
    const first = replaceMachineSecret(folder, path, damaged, noWarnings);
    const second = replaceMachineSecret(folder, path, damaged, noWarnings);
    expect(Buffer.from(second)).toEqual(Buffer.from(first));
  });
});
