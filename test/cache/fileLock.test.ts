import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { acquireLock, type LockHolder, platformLock, readHolder, removeStaleLock } from "../../src/cache/fileLock.ts";
import { loadFlock } from "../../src/cache/flock.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const HOLD_LOCK = join(import.meta.dir, "../support/holdLock.ts");
const LOCKED_COUNTER = join(import.meta.dir, "../support/lockedCounter.ts");
const children: Subprocess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

function lockFile(): string {
  return join(temporaryFolder("vegas-lock-"), "device.lock");
}

function waiting(timeoutMs = 10_000, seen: (LockHolder | undefined)[] = []) {
  return { timeoutMs, onWait: (holder: LockHolder | undefined) => seen.push(holder), timeoutError: (holder: LockHolder | undefined) => new Error(`timed out waiting for ${holder?.pid}`) };
}

/** Another process that takes the lock and keeps it until killed. */
async function holderProcess(path: string, strategy: "kernel" | "exclusive-create"): Promise<Subprocess<"ignore", "pipe", "inherit">> {
  const child = Bun.spawn([process.execPath, HOLD_LOCK, path, strategy], { stdout: "pipe", stderr: "inherit" });
  children.push(child);
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  expect(new TextDecoder().decode(value)).toBe("held\n");
  return child;
}

test("this platform's C library gives flock", () => {
  expect(process.platform !== "linux" || loadFlock() !== undefined).toBe(true);
});

test("Windows locks with its own unshared open, not a pid in a file", () => {
  const lock = platformLock();
  expect(process.platform !== "win32" || (lock !== undefined && typeof lock !== "function")).toBe(true);
});

// flock's descriptor race; Windows' lock is taken by the open itself (windowsShareLock.ts).
test.skipIf(process.platform === "win32")("a waiter that locks the file its holder has just removed tries again on the file at the path now", async () => {
  const path = lockFile();
  const flock = loadFlock();
  if (flock === undefined) return;
  const first = await acquireLock(path, waiting(), flock);
  let raced = false;
  // The holder lets go between the waiter's open and its flock: the waiter's descriptor names a removed file.
  const racing = (fd: number) => {
    if (!raced) {
      raced = true;
      first.release();
    }
    return flock(fd);
  };
  const second = await acquireLock(path, waiting(), racing);
  await expect(acquireLock(path, waiting(300), flock)).rejects.toThrow("timed out");
  second.release();
});

/** Bun under wine says this on stderr when it resolves a module (wine's answer for a handle's path); Windows does not. */
const WINE_NOISE = /^Internal error: directory mismatch for directory .*\r?\n/gm;
/** Windows never uses the exclusive-create lock file: it has a lock of its own (windowsShareLock.ts). */
const STRATEGIES = process.platform === "win32" ? (["kernel"] as const) : (["kernel", "exclusive-create"] as const);

for (const strategy of STRATEGIES) {
  const kernel = strategy === "kernel" ? undefined : null;

  describe(`the ${strategy} lock`, () => {
    test("four processes taking turns 40 times each lose no update, and no lock file is left", async () => {
      const path = lockFile();
      const counter = join(path, "..", "counter");
      writeFileSync(counter, "0");
      const runs = [1, 2, 3, 4].map(() => Bun.spawn([process.execPath, LOCKED_COUNTER, path, counter, "40", strategy], { stdout: "ignore", stderr: "pipe" }));
      children.push(...runs);
      const codes = await Promise.all(runs.map((run) => run.exited));
      const errors = await Promise.all(runs.map(async (run) => (await new Response(run.stderr).text()).replace(WINE_NOISE, "")));
      expect({ codes, errors: errors.filter((text) => text !== "") }).toEqual({ codes: [0, 0, 0, 0], errors: [] });
      expect(readFileSync(counter, "utf8")).toBe("160");
      expect(existsSync(path)).toBe(false);
    }, 60_000);

    // POSIX modes: Windows has ACLs (the cache folder's are checked in ensurePrivateFolder).
    test.skipIf(process.platform === "win32")("the lock file is 0600 while held, even under umask 000", async () => {
      const path = lockFile();
      const previous = process.umask(0);
      try {
        const lock = await acquireLock(path, waiting(), kernel);
        expect(statSync(path).mode & 0o777).toBe(0o600);
        lock.release();
      } finally {
        process.umask(previous);
      }
    });

    test("a symbolic link planted at the lock's path is removed, never written through", async () => {
      const path = lockFile();
      const target = join(path, "..", "precious");
      writeFileSync(target, "keep me");
      symlinkSync(target, path);
      const lock = await acquireLock(path, waiting(2_000), kernel);
      expect(readFileSync(target, "utf8")).toBe("keep me");
      lock.release();
      expect(existsSync(path)).toBe(false);
    });

    test("removeStaleLock keeps a lock a live run holds and removes one nobody holds", async () => {
      const path = lockFile();
      const holder = await holderProcess(path, strategy);
      expect(removeStaleLock(path, kernel)).toBe(false);
      expect(existsSync(path)).toBe(true);
      holder.kill("SIGKILL");
      await holder.exited;
      expect(removeStaleLock(path, kernel)).toBe(true);
      expect(existsSync(path)).toBe(false);
    });

    test("is exclusive within a process and free again after release", async () => {
      const path = lockFile();
      const first = await acquireLock(path, waiting(), kernel);
      let secondHeld = false;
      const second = acquireLock(path, waiting(), kernel).then((lock) => {
        secondHeld = true;
        return lock;
      });
      await Bun.sleep(200);
      expect(secondHeld).toBe(false);
      first.release();
      (await second).release();
      expect(secondHeld).toBe(true);
    });

    test("waits for another process, naming it, and gives up with the caller's error", async () => {
      const path = lockFile();
      const holder = await holderProcess(path, strategy);
      const seen: (LockHolder | undefined)[] = [];
      const error = await acquireLock(path, waiting(400, seen), kernel).catch((caught: Error) => caught);
      expect((error as Error).message).toBe(`timed out waiting for ${holder.pid}`);
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.at(-1)?.pid).toBe(holder.pid);
    });

    test("a holder killed with SIGKILL leaves nothing that blocks the next run", async () => {
      const path = lockFile();
      const holder = await holderProcess(path, strategy);
      holder.kill("SIGKILL");
      await holder.exited;
      const lock = await acquireLock(path, waiting(5_000), kernel);
      expect(readHolder(path)?.pid).toBe(process.pid);
      lock.release();
    });

    test("a folder where the lock belongs, or no folder for it: one line naming the path, at once, not a wait", async () => {
      const path = lockFile();
      mkdirSync(path);
      for (const where of [path, join(path, "..", "missing", "device.lock")]) {
        const error = await acquireLock(where, waiting(5_000), kernel).catch((caught: Error) => caught);
        expect((error as Error).message).toContain(where);
        expect((error as Error).message).not.toContain("timed out");
      }
    });

    test("leaves no record files behind", async () => {
      const path = lockFile();
      (await acquireLock(path, waiting(), kernel)).release();
      expect(readdirSync(join(path, "..")).filter((name) => name !== "device.lock")).toEqual([]);
    });
  });
}

describe.skipIf(process.platform === "win32")("the exclusive-create lock", () => {
  test("takes over a lock file whose holder no longer runs", async () => {
    const path = lockFile();
    const dead = Bun.spawnSync(["true"]).pid;
    writeFileSync(path, JSON.stringify({ pid: dead, since: Date.now() - 1000 }));
    const lock = await acquireLock(path, waiting(2_000), null);
    expect(readHolder(path)?.pid).toBe(process.pid);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  test("waits on a lock file whose holder runs", async () => {
    const path = lockFile();
    writeFileSync(path, JSON.stringify({ pid: process.ppid, since: Date.now() }));
    const error = await acquireLock(path, waiting(300), null).catch((caught: Error) => caught);
    expect((error as Error).message).toBe(`timed out waiting for ${process.ppid}`);
  });
});
