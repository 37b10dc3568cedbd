/**
 * ensurePrivateFolder with each OS's rules: the folder's mode is checked and tightened where POSIX modes exist,
 * and on Windows (platform injected) it is not, while the temp files of killed runs are removed everywhere.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateFolder } from "../../src/cache/ensurePrivateFolder.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A folder as %LOCALAPPDATA%\vegas-credentials\cache would be, with leftovers of runs and an entry. */
function cacheWithLeftovers(mode: number): { path: string; dead: string; old: string; live: string; entry: string } {
  const root = temporaryFolder("vegas-localappdata-");
  roots.push(root);
  const path = join(root, "vegas-credentials", "cache");
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode);
  // A PID no process has (above the kernel's pid_max), a temp file ten minutes old, this run's own, an entry.
  const dead = join(path, ".tmp-4194399-1a2b");
  const old = join(path, `.tmp-${process.pid}-old`);
  const live = join(path, `.tmp-${process.pid}-now`);
  const entry = join(path, "0123abcd.entry");
  for (const file of [dead, old, live, entry]) writeFileSync(file, "x");
  const eleven = (Date.now() - 11 * 60_000) / 1000;
  utimesSync(old, eleven, eleven);
  return { path, dead, old, live, entry };
}

describe("ensurePrivateFolder", () => {
  test("win32: a folder without POSIX modes is taken as it is, and the temp files of killed runs go", () => {
    const cache = cacheWithLeftovers(0o777);
    ensurePrivateFolder({ path: cache.path, name: "cache folder", movedBy: "XDG_CACHE_HOME" }, "win32");
    expect(statSync(cache.path).mode & 0o777).toBe(0o777);
    expect(existsSync(cache.dead)).toBe(false);
    expect(existsSync(cache.old)).toBe(false);
    expect(readdirSync(cache.path).sort()).toEqual([`.tmp-${process.pid}-now`, "0123abcd.entry"].sort());
  });

  test("linux: group/other bits are refused when writable, tightened when only readable; the same clean-up", () => {
    const writable = cacheWithLeftovers(0o777);
    expect(() => ensurePrivateFolder({ path: writable.path, name: "cache folder", movedBy: "XDG_CACHE_HOME" }, "linux")).toThrow("can be written by other users");
    const readable = cacheWithLeftovers(0o755);
    ensurePrivateFolder({ path: readable.path, name: "cache folder", movedBy: "XDG_CACHE_HOME" }, "linux");
    expect(statSync(readable.path).mode & 0o777).toBe(0o700);
    expect(existsSync(readable.dead)).toBe(false);
    expect(existsSync(readable.live)).toBe(true);
  });
});
