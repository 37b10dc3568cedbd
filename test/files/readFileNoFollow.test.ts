import { describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { linkStatus } from "../../src/files/linkStatus.ts";
import { readFileNoFollow } from "../../src/files/readFileNoFollow.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const folder = temporaryFolder("vegas-files-");

describe("readFileNoFollow", () => {
  test("reads a regular file and says what fstat says of it, as lstat sees it", () => {
    const path = join(folder, "plain");
    writeFileSync(path, "sixteen bytes!!!", { mode: 0o640 });
    chmodSync(path, 0o640);
    const content = readFileNoFollow(path);
    const stats = lstatSync(path, { bigint: true });
    expect(new TextDecoder().decode(content?.bytes)).toBe("sixteen bytes!!!");
    expect(content?.status).toEqual({ type: "file", mode: 0o640, uid: Number(stats.uid), size: 16, device: stats.dev, inode: stats.ino, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs });
  });

  test("an empty file is empty bytes, a missing one undefined", () => {
    writeFileSync(join(folder, "empty"), "");
    expect(readFileNoFollow(join(folder, "empty"))?.bytes).toEqual(new Uint8Array());
    expect(readFileNoFollow(join(folder, "missing"))).toBeUndefined();
    expect(readFileNoFollow(join(folder, "missing", "below"))).toBeUndefined();
  });

  test("never follows a symbolic link: ELOOP, and the target is not read", () => {
    writeFileSync(join(folder, "target"), "planted");
    symlinkSync(join(folder, "target"), join(folder, "link"));
    expect(() => readFileNoFollow(join(folder, "link"))).toThrow(expect.objectContaining({ code: "ELOOP", path: join(folder, "link") }));
  });

  test("a folder or a FIFO gives its status and no bytes, and a FIFO does not block", () => {
    mkdirSync(join(folder, "sub"));
    expect(readFileNoFollow(join(folder, "sub"))).toMatchObject({ status: { type: "folder" }, bytes: undefined });
    expect(Bun.spawnSync(["mkfifo", join(folder, "fifo")]).exitCode).toBe(0);
    expect(readFileNoFollow(join(folder, "fifo"))).toMatchObject({ status: { type: "other" }, bytes: undefined });
  });
});

describe("linkStatus", () => {
  test("reports a link as a link, a folder with its mode and owner, and nothing for a missing path", () => {
    symlinkSync(folder, join(folder, "folder-link"));
    expect(linkStatus(join(folder, "folder-link"))?.type).toBe("link");
    chmodSync(join(folder, "sub"), 0o751);
    expect(linkStatus(join(folder, "sub"))).toMatchObject({ type: "folder", mode: 0o751, uid: process.getuid?.() ?? 0 });
    expect(linkStatus(join(folder, "nothing"))).toBeUndefined();
  });
});
