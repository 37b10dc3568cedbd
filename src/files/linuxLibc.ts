/**
 * The C library calls that the cache-hit path makes on Linux, through bun:ffi: one dlopen (~1 ms) instead of
 * `node:fs` (~1.5 ms and two threads at start-up). Every call returns a negative errno on failure.
 * undefined off Linux or where no C library loads (callers then use `node:fs`).
 */
import { type FileStatus, typeOfMode } from "./fileStatus.ts";

export interface LinuxLibc {
  /** open(2): a descriptor, or -errno. */
  open(path: string, flags: number, mode: number): number;
  /** fstat(2) of an open descriptor. */
  fstat(fd: number): FileStatus | number;
  /** lstat(2): the path itself, never what a symbolic link points to. */
  lstat(path: string): FileStatus | number;
  /** stat(2): through symbolic links, as the file is read. */
  stat(path: string): FileStatus | number;
  read(fd: number, into: Uint8Array): number;
  write(fd: number, bytes: Uint8Array): number;
  close(fd: number): void;
  /** flock(2) LOCK_EX | LOCK_NB: 0 when taken. */
  tryLock(fd: number): number;
  /** poll(2) one descriptor for writing: "ready", "closed" (the reader is gone, an error) or "timeout". */
  waitWritable(fd: number, timeoutMs: number): "ready" | "closed" | "timeout";
  /** Whether this process is in the foreground process group of the terminal open at `fd` (TIOCGPGRP, getpgid). */
  inForeground(fd: number): boolean | undefined;
  /** fcntl(2) F_GETFD: whether `fd` closes on exec; undefined when it is not open. */
  closesOnExec(fd: number): boolean | undefined;
}

/** The open(2) flags that differ by CPU: arm64 numbers O_DIRECTORY and O_NOFOLLOW like 32-bit ARM. */
export const O_FLAGS = {
  RDONLY: 0,
  WRONLY: 0o1,
  RDWR: 0o2,
  CREAT: 0o100,
  EXCL: 0o200,
  APPEND: 0o2000,
  // A FIFO planted at a path must not block the open.
  NONBLOCK: 0o4000,
  NOFOLLOW: process.arch === "arm64" ? 0o100000 : 0o400000,
  CLOEXEC: 0o2000000,
} as const;

/** errno values shared by x86-64 and arm64 Linux, by the names node:fs uses. */
const ERRNO_NAMES: Record<number, string> = { 1: "EPERM", 2: "ENOENT", 6: "ENXIO", 13: "EACCES", 17: "EEXIST", 20: "ENOTDIR", 21: "EISDIR", 24: "EMFILE", 27: "EFBIG", 28: "ENOSPC", 30: "EROFS", 36: "ENAMETOOLONG", 40: "ELOOP", 122: "EDQUOT" };

export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}

// The kernel's own struct stat (fstat and newfstatat through syscall(2), so any glibc or musl version works).
const SYSCALLS = { x64: { fstat: 5, newfstatat: 262, ioctl: 16, getpgid: 121, fcntl: 72 }, arm64: { fstat: 80, newfstatat: 79, ioctl: 29, getpgid: 155, fcntl: 25 } } as const;
const [F_GETFD, FD_CLOEXEC] = [1, 1];
const TIOCGPGRP = 0x540f;
const STAT_OFFSETS = { x64: { mode: 24, uid: 28 }, arm64: { mode: 16, uid: 24 } } as const;
const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const LOCK_EX_NB = 2 | 4;
const [POLLOUT, POLLERR, POLLHUP, POLLNVAL] = [0x4, 0x8, 0x10, 0x20];
const LIBRARIES = ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc.so"];

let loaded: LinuxLibc | null | undefined;

export function linuxLibc(): LinuxLibc | undefined {
  if (loaded === undefined) loaded = process.platform === "linux" && (process.arch === "x64" || process.arch === "arm64") ? (load(process.arch) ?? null) : null;
  return loaded ?? undefined;
}

function load(arch: "x64" | "arm64"): LinuxLibc | undefined {
  const { dlopen, FFIType, read } = require("bun:ffi") as typeof import("bun:ffi");
  const open = (library: string) =>
    dlopen(library, {
      open: { args: [FFIType.cstring, FFIType.i32, FFIType.u32], returns: FFIType.i32 },
      read: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
      write: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
      close: { args: [FFIType.i32], returns: FFIType.i32 },
      flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
      syscall: { args: [FFIType.i64, FFIType.i64, FFIType.ptr, FFIType.ptr, FFIType.i64], returns: FFIType.i32 },
      poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
      __errno_location: { args: [], returns: FFIType.ptr },
    }).symbols;
  for (const library of LIBRARIES) {
    let calls: ReturnType<typeof open>;
    try {
      calls = open(library);
    } catch {
      continue;
    }
    const errno = () => -read.i32(calls.__errno_location() as NonNullable<ReturnType<typeof calls.__errno_location>>, 0);
    const checked = (result: number) => (result < 0 ? errno() : result);
    const cString = (path: string) => Buffer.from(`${path}\0`);
    const statFrom = (result: number, buffer: Uint8Array): FileStatus | number => (result < 0 ? errno() : fileStatus(buffer, STAT_OFFSETS[arch]));
    const statAt = (path: string, flags: number) => {
      const buffer = new Uint8Array(256);
      return statFrom(calls.syscall(SYSCALLS[arch].newfstatat, AT_FDCWD, cString(path), buffer, flags), buffer);
    };
    return {
      open: (path, flags, mode) => checked(calls.open(cString(path), flags, mode)),
      fstat: (fd) => {
        const buffer = new Uint8Array(256);
        return statFrom(calls.syscall(SYSCALLS[arch].fstat, fd, buffer, null, 0), buffer);
      },
      lstat: (path) => statAt(path, AT_SYMLINK_NOFOLLOW),
      stat: (path) => statAt(path, 0),
      read: (fd, into) => (into.length === 0 ? 0 : checked(calls.read(fd, into, into.length))),
      write: (fd, bytes) => (bytes.length === 0 ? 0 : checked(calls.write(fd, bytes, bytes.length))),
      close: (fd) => void calls.close(fd),
      tryLock: (fd) => checked(calls.flock(fd, LOCK_EX_NB)),
      inForeground: (fd) => {
        const group = new Int32Array(1);
        if (calls.syscall(SYSCALLS[arch].ioctl, fd, TIOCGPGRP, group, 0) < 0) return undefined;
        const own = calls.syscall(SYSCALLS[arch].getpgid, 0, null, null, 0);
        return own < 0 ? undefined : group[0] === own;
      },
      closesOnExec: (fd) => {
        const flags = calls.syscall(SYSCALLS[arch].fcntl, fd, F_GETFD, null, 0);
        return flags < 0 ? undefined : (flags & FD_CLOEXEC) !== 0;
      },
      waitWritable: (fd, timeoutMs) => {
        // struct pollfd { int fd; short events; short revents; }
        const pollfd = new Uint8Array(8);
        const view = new DataView(pollfd.buffer);
        view.setInt32(0, fd, true);
        view.setInt16(4, POLLOUT, true);
        const ready = calls.poll(pollfd, 1, timeoutMs);
        if (ready === 0) return "timeout";
        if (ready < 0) return "closed";
        return (view.getInt16(6, true) & (POLLERR | POLLHUP | POLLNVAL)) !== 0 ? "closed" : "ready";
      },
    };
  }
  return undefined;
}

function fileStatus(buffer: Uint8Array, offsets: { mode: number; uid: number }): FileStatus {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const mode = view.getUint32(offsets.mode, true);
  // struct timespec st_mtim at 88 and st_ctim at 104 on both x86-64 and arm64 (seconds, then nanoseconds).
  const nanoseconds = (offset: number) => view.getBigInt64(offset, true) * 1_000_000_000n + view.getBigInt64(offset + 8, true);
  return {
    type: typeOfMode(mode),
    mode: mode & 0o7777,
    uid: view.getUint32(offsets.uid, true),
    size: Number(view.getBigInt64(48, true)),
    device: view.getBigUint64(0, true),
    inode: view.getBigUint64(8, true),
    mtimeNs: nanoseconds(88),
    ctimeNs: nanoseconds(104),
  };
}
