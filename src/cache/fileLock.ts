import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, openSync, unlinkSync, writeSync } from "node:fs";
import { FileError } from "../files/fileError.ts";
import { linkStatus } from "../files/linkStatus.ts";
import { isUserError, UserError } from "../userError.ts";
import { notALockFile } from "./notALockFile.ts";
import { readFileNoFollow } from "../files/readFileNoFollow.ts";
import { loadFlock, type TryLock } from "./flock.ts";
import { loadShareLock, type ShareLock } from "./windowsShareLock.ts";
import { claimWaitNotice, waitNoticePath } from "./waitNotice.ts";
import { processIsRunning } from "./processIsRunning.ts";
import { linkNewFile, unlinkQuietly } from "./writeFileAtomically.ts";

/**
 * `work` while holding the lock at `path`: runs that change one file (an AWS file, the keys file) take turns,
 * silently. After `timeoutMs` of waiting, the one line that another run (its process named) has been changing
 * `what`, and `retry`: what to do then.
 */
export async function whileLocked<T>(path: string, turn: { what: string; timeoutMs: number; retry: string }, work: () => T | Promise<T>): Promise<T> {
  const lock = await acquireLock(path, {
    timeoutMs: turn.timeoutMs,
    onWait: () => {},
    timeoutError: (holder) => new UserError(`another run${holder === undefined ? "" : ` (process ${holder.pid})`} has been changing ${turn.what} for ${turn.timeoutMs / 1000} s: wait for it, then ${turn.retry}`),
  });
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/** Who holds a lock, as its holder wrote it: for messages, and for liveness where the OS keeps no lock. */
export interface LockHolder {
  readonly pid: number;
  /** When the holder took the lock (ms since the epoch). */
  readonly since: number;
}

export interface HeldLock {
  release(): void;
}

export interface LockWaiting {
  /**
   * Called about every POLL_MS while another run holds the lock, with how long this run has waited.
   * `firstToTell` is true for one waiting run only per holder: the one that tells the person.
   */
  onWait(holder: LockHolder | undefined, waitedMs: number, firstToTell: () => boolean): void;
  /** Give up after this long: the caller throws the error it returns. */
  readonly timeoutMs: number;
  timeoutError(holder: LockHolder | undefined): Error;
}

const POLL_MS = 50;

/** How the OS locks: flock(2) on a descriptor, or Windows' open without write sharing. */
export type KernelLock = TryLock | ShareLock;

/** This OS's lock that its holder's death releases; undefined where there is none (an unusual libc). */
export function platformLock(): KernelLock | undefined {
  return process.platform === "win32" ? loadShareLock() : loadFlock();
}

/**
 * An exclusive lock between processes on `path`. Where the OS offers one that it releases when the holder
 * dies (flock(2), Windows' unshared open), the OS holds it; elsewhere it is a file made with exclusive create,
 * and a lock whose holder no longer runs is taken over. Either way the holder removes the file on release, so
 * lock files do not pile up. `kernel`: the OS's lock (the default); null forces the lock file.
 */
export async function acquireLock(path: string, waiting: LockWaiting, kernel: KernelLock | null | undefined = platformLock()): Promise<HeldLock> {
  const attempt = () => {
    try {
      if (kernel === null || kernel === undefined) return tryExclusiveCreate(path);
      return typeof kernel === "function" ? tryKernelLock(path, kernel) : tryShareLock(path, kernel);
    } catch (error) {
      // A read-only or full disk, a folder or FIFO where the lock belongs: one line naming the path.
      if (error instanceof FileError || isUserError(error)) throw error;
      throw new FileError((error as { code?: string }).code ?? "EIO", path, "take the lock");
    }
  };
  const started = Date.now();
  for (;;) {
    const held = attempt();
    if (held !== undefined) return held;
    const holder = readHolder(path);
    const waited = Date.now() - started;
    if (waited >= waiting.timeoutMs) throw waiting.timeoutError(holder);
    waiting.onWait(holder, waited, () => holder !== undefined && claimWaitNotice(path, holder));
    await Bun.sleep(POLL_MS);
  }
}

// Never through a symbolic link planted at the lock's path: its target would be truncated and written.
const OPEN_LOCK = constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
// Nor block on a FIFO planted there.
const NON_BLOCKING = constants.O_NONBLOCK ?? 0;

function tryKernelLock(path: string, tryLock: (fd: number) => boolean): HeldLock | undefined {
  // A holder removes the file before it lets go: whoever locked the removed file tries again on the new one.
  for (let attempt = 0; attempt < 10; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, OPEN_LOCK | NON_BLOCKING, 0o600);
    } catch (error) {
      if (!removedPlantedLink(error, path)) throw error;
      continue;
    }
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw notALockFile(path);
    }
    if (!tryLock(fd)) {
      closeSync(fd);
      return undefined;
    }
    if (!isStillAt(fd, path)) {
      closeSync(fd);
      continue;
    }
    try {
      ftruncateSync(fd, 0);
      writeSync(fd, holderRecord(), 0);
    } catch (error) {
      unlinkQuietly(path);
      closeSync(fd);
      throw error;
    }
    return {
      release: () => {
        // Remove, then unlock (close): a waiter that wakes on the removed file sees it is gone and retries.
        // The kernel drops the lock if this process dies first; the file then stays for the next holder.
        unlinkQuietly(waitNoticePath(path));
        unlinkQuietly(path);
        closeSync(fd);
      },
    };
  }
  return undefined;
}

function tryShareLock(path: string, kernel: ShareLock): HeldLock | undefined {
  const held = kernel.take(path, holderRecord());
  if (held === undefined) return undefined;
  return {
    release: () => {
      unlinkQuietly(waitNoticePath(path));
      held.release();
    },
  };
}

/** A symbolic link where the lock belongs is nobody's lock: remove the link itself (never its target). */
function removedPlantedLink(error: unknown, path: string): boolean {
  const code = (error as { code?: string }).code;
  if (code !== "ELOOP" && code !== "EMLINK") return false;
  unlinkQuietly(path);
  return true;
}

/** True when `fd` is the file at `path` now (same device and inode), not one removed since it was opened. */
function isStillAt(fd: number, path: string): boolean {
  try {
    const held = fstatSync(fd, { bigint: true });
    const current = lstatSync(path, { bigint: true });
    return held.ino === current.ino && held.dev === current.dev;
  } catch {
    return false;
  }
}

/**
 * Removes the lock file at `path` unless a run holds it: a lock left by a run that died (or named under an
 * older machine secret). False when it is held.
 */
export function removeStaleLock(path: string, kernel: KernelLock | null | undefined = platformLock()): boolean {
  if (kernel === null || kernel === undefined) {
    const holder = readHolder(path);
    if (holder !== undefined && processIsRunning(holder.pid)) return false;
    unlinkQuietly(path);
    return true;
  }
  if (typeof kernel !== "function") {
    // Windows: taking it is the test; release removes the file.
    const held = kernel.take(path, holderRecord());
    held?.release();
    return held !== undefined;
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | (constants.O_NOFOLLOW ?? 0));
  } catch {
    // Gone already, or not a file we may open: removing the name is all that is left to do.
    unlinkQuietly(path);
    return true;
  }
  try {
    if (!kernel(fd)) return false;
    if (isStillAt(fd, path)) unlinkQuietly(path);
    return true;
  } finally {
    closeSync(fd);
  }
}

function tryExclusiveCreate(path: string): HeldLock | undefined {
  if (linkNewFile(path, new TextEncoder().encode(holderRecord()))) {
    return {
      release: () => {
        unlinkQuietly(waitNoticePath(path));
        unlinkQuietly(path);
      },
    };
  }
  const standing = linkStatus(path)?.type;
  // A symbolic link where the lock belongs is nobody's lock: the link itself goes (never its target).
  if (standing === "link") unlinkQuietly(path);
  else if (standing === "folder" || standing === "other") throw notALockFile(path);
  else {
    const holder = readHolder(path);
    if (holder !== undefined && !processIsRunning(holder.pid)) takeOver(path, holder);
  }
  return undefined;
}

/** Removes a dead holder's lock, unless another run has replaced it since it was read. */
function takeOver(path: string, dead: LockHolder): void {
  const now = readHolder(path);
  if (now?.pid === dead.pid && now.since === dead.since) {
    try {
      unlinkSync(path);
    } catch {
      // Another waiter took it over first.
    }
  }
}

function holderRecord(): string {
  return `${JSON.stringify({ pid: process.pid, since: Date.now() } satisfies LockHolder)}\n`;
}

export function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(readFileNoFollow(path)?.bytes)) as Partial<LockHolder>;
    return typeof parsed.pid === "number" && typeof parsed.since === "number" ? { pid: parsed.pid, since: parsed.since } : undefined;
  } catch {
    return undefined;
  }
}
