import { dirname, win32 } from "node:path";
import { closeSync, lstatSync, openSync, type Stats, unlinkSync } from "node:fs";
import { unlinkQuietly } from "./writeFileAtomically.ts";
import { UserError } from "../userError.ts";
import { notALockFile } from "./notALockFile.ts";
import { wideString } from "../files/windowsMachineGuid.ts";

/**
 * Windows' own lock: the lock file opened for writing with no write sharing (CreateFileW through bun:ffi), so
 * no other run can open it for writing while the handle lives, and the OS closes the handle when its holder
 * dies, however it dies. No pid is trusted (Windows reuses them; wine restarts them at 32), so a dead run's
 * lock never blocks a later one. Readers still read the holder's record (read sharing).
 */
export interface ShareLock {
  /** The lock taken (the holder's record written through the handle), or undefined while another holds it. */
  take(path: string, record: string): ShareLockHandle | undefined;
}

export interface ShareLockHandle {
  /** Removes the file, then closes the handle: a waiter retries on the new file its open makes. */
  release(): void;
}

const GENERIC_WRITE = 0x40000000;
const FILE_SHARE_READ = 0x1;
const FILE_SHARE_DELETE = 0x4;
const CREATE_ALWAYS = 2;
const FILE_ATTRIBUTE_NORMAL = 0x80;
/** A symbolic link planted at the lock's path is opened itself, never followed to a file it would truncate. */
const FILE_FLAG_OPEN_REPARSE_POINT = 0x00200000;
const INVALID_HANDLE_VALUE = -1n;

type Kernel32 = {
  CreateFileW(name: Uint8Array, access: number, share: number, security: null, disposition: number, flags: number, template: null): bigint;
  WriteFile(handle: bigint, data: Uint8Array, length: number, written: Uint32Array, overlapped: null): number;
  CloseHandle(handle: bigint): number;
};

let loaded: ShareLock | null | undefined;

/** The lock of kernel32.dll; undefined off Windows or where it cannot be loaded. */
export function loadShareLock(): ShareLock | undefined {
  if (loaded === undefined) loaded = open() ?? null;
  return loaded ?? undefined;
}

function open(): ShareLock | undefined {
  if (process.platform !== "win32") return undefined;
  const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
  let kernel32: Kernel32;
  try {
    kernel32 = dlopen("kernel32.dll", {
      CreateFileW: { args: [FFIType.ptr, FFIType.u32, FFIType.u32, FFIType.ptr, FFIType.u32, FFIType.u32, FFIType.ptr], returns: FFIType.i64 },
      WriteFile: { args: [FFIType.i64, FFIType.ptr, FFIType.u32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      CloseHandle: { args: [FFIType.i64], returns: FFIType.i32 },
    }).symbols as unknown as Kernel32;
  } catch {
    return undefined;
  }
  return {
    take(path: string, record: string): ShareLockHandle | undefined {
      // The namespaced form (\\?\C:\…) reaches paths longer than 260 characters, as Node's own open does.
      const handle = kernel32.CreateFileW(wideString(win32.toNamespacedPath(path)), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, null, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, null);
      if (handle === INVALID_HANDLE_VALUE) {
        explainRefusal(path);
        return undefined;
      }
      const bytes = new TextEncoder().encode(record);
      kernel32.WriteFile(handle, bytes, bytes.length, new Uint32Array(1), null);
      return {
        release() {
          try {
            unlinkSync(path);
          } catch {
            // Removed already: closing is what lets the next run in.
          }
          kernel32.CloseHandle(handle);
        },
      };
    },
  };
}

/**
 * The open failed: another run holds the lock (a sharing violation, or the file is being removed by its
 * last holder, or was removed since), which is waited out; what no waiting can change (no folder, a file
 * that cannot be written, no right to make files in the folder) throws, for the caller's one line.
 * GetLastError is not read: the runtime may reset it between two foreign calls.
 */
function explainRefusal(path: string): void {
  let status: Stats | undefined;
  try {
    status = lstatSync(path);
  } catch (error) {
    // EPERM: being removed by its holder; wait.
    if ((error as { code?: string }).code !== "ENOENT") return;
  }
  if (status?.isFile()) {
    if ((status.mode & 0o200) === 0) throw new UserError(`cannot take the lock ${path}: the file is read-only: remove it`);
    return;
  }
  // A symbolic link where the lock belongs is nobody's lock: the link itself goes (never its target).
  if (status?.isSymbolicLink()) {
    unlinkQuietly(path);
    return;
  }
  if (status !== undefined) throw notALockFile(path);
  // Gone: released since, most likely. A file beside it, never the lock's own path (another run may be taking
  // it), tells whether a file can be made here at all; the file system's error says why not.
  lstatSync(dirname(path));
  const probe = `${path}.probe-${process.pid}-${Date.now()}`;
  closeSync(openSync(probe, "wx"));
  unlinkQuietly(probe);
}
