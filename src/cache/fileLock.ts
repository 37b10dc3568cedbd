import { closeSync, constants, ftruncateSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { loadFlock, type TryLock } from "./flock.ts";
import { processIsRunning } from "./processIsRunning.ts";
import { unlinkQuietly, writeFileAtomically } from "./writeFileAtomically.ts";

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
  /** Called about every POLL_MS while another run holds the lock, with how long this run has waited. */
  onWait(holder: LockHolder | undefined, waitedMs: number): void;
  /** Give up after this long: the caller throws the error it returns. */
  readonly timeoutMs: number;
  timeoutError(holder: LockHolder | undefined): Error;
}

const POLL_MS = 50;

/**
 * An exclusive lock between processes on `path`. Where the C library offers flock(2) the kernel holds it
 * (released when its holder dies, at once); elsewhere it is a file made with exclusive create, and a lock
 * whose holder no longer runs is taken over. The lock file stays in place under flock: removing it would
 * let a waiter lock an unlinked file while a newcomer locks a new one.
 */
/** `kernel`: flock where the C library has it (the default); null forces the exclusive-create lock file. */
export async function acquireLock(path: string, waiting: LockWaiting, kernel: TryLock | null | undefined = loadFlock()): Promise<HeldLock> {
  const tryLock = kernel ?? undefined;
  const attempt = tryLock === undefined ? () => tryExclusiveCreate(path) : () => tryKernelLock(path, tryLock);
  const started = Date.now();
  for (;;) {
    const held = attempt();
    if (held !== undefined) return held;
    const holder = readHolder(path);
    const waited = Date.now() - started;
    if (waited >= waiting.timeoutMs) throw waiting.timeoutError(holder);
    waiting.onWait(holder, waited);
    await Bun.sleep(POLL_MS);
  }
}

function tryKernelLock(path: string, tryLock: (fd: number) => boolean): HeldLock | undefined {
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
  if (!tryLock(fd)) {
    closeSync(fd);
    return undefined;
  }
  ftruncateSync(fd, 0);
  writeSync(fd, holderRecord(), 0);
  // Closing the descriptor drops the lock; the kernel does the same if this process dies first.
  return { release: () => closeSync(fd) };
}

function tryExclusiveCreate(path: string): HeldLock | undefined {
  const record = `${path}.new-${process.pid}`;
  writeFileAtomically(record, new TextEncoder().encode(holderRecord()));
  try {
    // link() fails if the lock exists, and the lock is never seen half written.
    linkSync(record, path);
    return { release: () => unlinkQuietly(path) };
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
    const holder = readHolder(path);
    if (holder !== undefined && !processIsRunning(holder.pid)) takeOver(path, holder);
    return undefined;
  } finally {
    unlinkQuietly(record);
  }
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
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    return typeof parsed.pid === "number" && typeof parsed.since === "number" ? { pid: parsed.pid, since: parsed.since } : undefined;
  } catch {
    return undefined;
  }
}
