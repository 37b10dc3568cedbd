import { UserError } from "../userError.ts";
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

const MEANINGS: Record<string, string> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EACCES: "permission denied",
  EPERM: "not permitted",
  EROFS: "the file system is read-only",
  EISDIR: "it is a folder",
  ELOOP: "it is a symbolic link",
  ENOTDIR: "part of the path is not a folder",
  EFBIG: "too large",
  EMFILE: "too many open files",
};

/**
 * A file system failure as the one line a user can act on: what could not be done to which path, and why
 * (`code` keeps the errno name: ENOENT, ELOOP, EACCES…, as node:fs has it).
 */
export class FileError extends UserError {
  constructor(
    readonly code: string,
    readonly path: string,
    action: string,
  ) {
    super(`cannot ${action} ${path}: ${MEANINGS[code] ?? code}${MEANINGS[code] === undefined ? "" : ` (${code})`}`);
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
