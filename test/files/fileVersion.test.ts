/** A file's version (device, inode, size, mtime and ctime in ns): from the C library on Linux, as node:fs says it. */
import { expect, test } from "bun:test";
import { mkdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nodeStatus } from "../../src/files/fileStatus.ts";
import { fileVersion, versionOf } from "../../src/files/fileVersion.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const folder = temporaryFolder("vegas-file-version-");

test("the same version node:fs's stat gives, through a symbolic link too", () => {
  const path = join(folder, "config");
  writeFileSync(path, "[default]\n");
  // A time with nanoseconds that a wrong offset or unit would lose.
  utimesSync(path, new Date(1_700_000_000_123), new Date(1_700_000_000_456));
  const expected = versionOf(nodeStatus(statSync(path, { bigint: true })));
  expect(fileVersion(path)).toEqual(expected);
  expect(expected.version.split(":")).toHaveLength(5);
  const link = join(folder, "link");
  symlinkSync(path, link);
  expect(fileVersion(link)).toEqual(expected);
});

test("a write of the same size is a new version; a folder or nothing has none", () => {
  const path = join(folder, "same-size");
  writeFileSync(path, "aaaa");
  const before = fileVersion(path);
  writeFileSync(path, "bbbb");
  utimesSync(path, statSync(path).atime, statSync(path).mtime);
  expect(fileVersion(path)?.version).not.toBe(before?.version);
  mkdirSync(join(folder, "a-folder"));
  expect(fileVersion(join(folder, "a-folder"))).toBeUndefined();
  expect(fileVersion(join(folder, "missing"))).toBeUndefined();
});
