import { errnoName, linuxLibc, typeOfMode } from "./linuxLibc.ts";

/** What lstat/fstat say of a file that matters for trusting it. */
export interface FileStatus {
  readonly type: "file" | "folder" | "link" | "other";
  /** Permission bits (0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly size: number;
  readonly device: bigint;
  readonly inode: bigint;
}

/** A file system failure with the path it concerns and the errno name (ENOENT, ELOOP, EACCES…), as node:fs throws. */
export class FileError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
    action: string,
  ) {
    super(`${code}: cannot ${action} ${path}`);
  }
}

/** lstat(2): the path itself (a symbolic link is reported as one); undefined when nothing is there. */
export function linkStatus(path: string): FileStatus | undefined {
  const libc = linuxLibc();
  if (libc !== undefined) {
    const status = libc.lstat(path);
    if (typeof status !== "number") return status;
    const code = errnoName(-status);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new FileError(code, path, "inspect");
  }
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    return nodeStatus(fs.lstatSync(path, { bigint: true }));
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EIO";
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new FileError(code, path, "inspect");
  }
}

export function nodeStatus(stats: import("node:fs").BigIntStats): FileStatus {
  return {
    type: typeOfMode(Number(stats.mode)),
    mode: Number(stats.mode) & 0o7777,
    uid: Number(stats.uid),
    size: Number(stats.size),
    device: stats.dev,
    inode: stats.ino,
  };
}
