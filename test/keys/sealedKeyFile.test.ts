/**
 * The sealed keys file (vegas_keys = file): what opens it (the passphrase, on this machine), what it says when
 * it cannot be opened, and that nothing secret is in it in the clear.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sealedKeyFile } from "../../src/keys/sealedKeyFile.ts";
import { removeFolder, temporaryFolder } from "../support/temporaryFolder.ts";

const KEY = { profile: "default", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", addedAt: new Date("2026-09-01T10:00:00.000Z") };
const OTHER = { ...KEY, profile: "work", accessKeyId: "AKIAWORKWORKWORKWORK", secretAccessKey: "workworkworkworkworkworkworkworkworkwork" };
const HERE = () => "machine=aaaa;user=frank";
let folder: string;
afterEach(() => removeFolder(folder));

function keysFile(passphrase: string, machine = HERE) {
  folder ??= temporaryFolder("keys-file-");
  const asked: string[] = [];
  const store = sealedKeyFile(
    join(folder, "keys.sealed"),
    async (purpose) => {
      asked.push(purpose);
      return passphrase;
    },
    machine,
  );
  return { store, asked, path: join(folder, "keys.sealed") };
}

describe("the sealed keys file", () => {
  test("a key written is read back with the passphrase; list and remove need none; the file holds no secret in the clear", async () => {
    folder = temporaryFolder("keys-file-");
    const { store, asked, path } = keysFile("correct horse battery");
    await store.write(KEY);
    expect(asked).toEqual(["new"]);
    // The same store asks once: what it derived opens the file again.
    await store.write(OTHER);
    expect(asked).toEqual(["new"]);
    const again = keysFile("correct horse battery");
    expect(await again.store.read("work")).toEqual(OTHER);
    expect(again.asked).toEqual(["open"]);
    expect(await again.store.read("default")).toEqual(KEY);
    expect(await store.read("nobody")).toBeUndefined();
    const text = readFileSync(path, "utf8");
    for (const secret of [KEY.secretAccessKey, OTHER.secretAccessKey, KEY.accessKeyId, "correct horse battery"]) expect(text).not.toContain(secret);
    const before = asked.length;
    expect(await store.list()).toEqual([
      { profile: "default", keyId: "AKIA…MPLE", addedAt: KEY.addedAt },
      { profile: "work", keyId: "AKIA…WORK", addedAt: KEY.addedAt },
    ]);
    expect(await store.remove("default")).toBe(true);
    expect(await store.remove("default")).toBe(false);
    expect(asked.length).toBe(before);
    expect(await store.read("work")).toEqual(OTHER);
  }, 30_000);

  test("a wrong passphrase, a file from another machine, a damaged file, a moved entry: one line each", async () => {
    folder = temporaryFolder("keys-file-");
    const { store, path } = keysFile("correct horse battery");
    await store.write(KEY);
    await expect(keysFile("wrong horse battery").store.read("default")).rejects.toThrow(`the passphrase does not open the keys file ${path}: try again (nothing was changed)`);
    await expect(keysFile("correct horse battery", () => "machine=bbbb;user=frank").store.read("default")).rejects.toThrow(
      `the keys file ${path} was sealed on another machine (or this machine's id changed since): its keys open only where they were added; move it aside, then store the keys again with vegas-credentials keys add`,
    );
    const good = readFileSync(path, "utf8");
    // An entry's clear fields are sealed with it: moved to another profile, it does not open.
    writeFileSync(path, good.replace('"profile": "default"', '"profile": "prod"'));
    await expect(keysFile("correct horse battery").store.read("prod")).rejects.toThrow(`the keys file ${path} is damaged (the entry of profile "prod" does not open): restore it from a backup, or remove it and run vegas-credentials keys add again`);
    writeFileSync(path, good.slice(0, 100));
    await expect(keysFile("correct horse battery").store.list()).rejects.toThrow(`the keys file ${path} is damaged (not JSON)`);
    writeFileSync(path, good.replace('"logN": 17', '"logN": 30'));
    await expect(keysFile("correct horse battery").store.read("default")).rejects.toThrow(`the keys file ${path} is damaged (a field is missing or out of range)`);
  }, 30_000);

  test("a short new passphrase is refused; a link where the file belongs is refused", async () => {
    folder = temporaryFolder("keys-file-");
    await expect(keysFile("short").store.write(KEY)).rejects.toThrow("is shorter than 8 characters: choose a longer one");
    symlinkSync("/etc/passwd", join(folder, "keys.sealed"));
    await expect(keysFile("correct horse battery").store.list()).rejects.toThrow("is a symbolic link: remove it");
  });

  test("the file is 0600", async () => {
    folder = temporaryFolder("keys-file-");
    const { store, path } = keysFile("correct horse battery");
    await store.write(KEY);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  }, 30_000);
});
