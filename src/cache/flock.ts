import { linuxLibc } from "../files/linuxLibc.ts";

/**
 * flock(2) from the C library through bun:ffi: a lock the kernel drops the moment its holder dies, however
 * it dies (SIGKILL, power loss), so a crashed run can never leave a lock behind. undefined where there is
 * no such library (Windows, or an unusual libc): callers fall back to an exclusive-create lock file.
 */
export type TryLock = (fd: number) => boolean;

const LOCK_EX = 2;
const LOCK_NB = 4;
const LIBRARIES: Record<string, string[]> = {
  darwin: ["libc.dylib", "/usr/lib/libSystem.B.dylib"],
  freebsd: ["libc.so.7"],
};

let loaded: TryLock | null | undefined;

export function loadFlock(): TryLock | undefined {
  if (loaded === undefined) loaded = open() ?? null;
  return loaded ?? undefined;
}

function open(): TryLock | undefined {
  const libc = linuxLibc();
  if (libc !== undefined) return (fd) => libc.tryLock(fd) === 0;
  const candidates = LIBRARIES[process.platform];
  if (candidates === undefined) return undefined;
  const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
  for (const library of candidates) {
    try {
      const { symbols } = dlopen(library, { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });
      return (fd) => symbols.flock(fd, LOCK_EX | LOCK_NB) === 0;
    } catch {
      // Not this name: try the next.
    }
  }
  return undefined;
}
