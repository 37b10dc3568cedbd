import { FileError } from "./fileError.ts";
import { type FileStatus, nodeStatus } from "./fileStatus.ts";
import { errnoName, linuxLibc, O_FLAGS } from "./linuxLibc.ts";

export interface FileContent {
  /** What fstat says of the file that was opened (not of whatever stands at the path by now). */
  readonly status: FileStatus;
  /** The bytes of a regular file; undefined for anything else (a folder, a FIFO, a device). */
  readonly bytes: Uint8Array | undefined;
}

/** The cache's files are tiny; anything larger is not one of them. */
const MAX_BYTES = 1024 * 1024;

/**
 * Reads a file of the cache or state folder without following a symbolic link at its path (O_NOFOLLOW), and
 * says what was opened (fstat on the same descriptor, so nothing can be swapped in between).
 * undefined when the file does not exist; a FileError (ELOOP for a link, EACCES…) otherwise.
 */
export function readFileNoFollow(path: string, maxBytes = MAX_BYTES): FileContent | undefined {
  return readFileChecked(path, { followLinks: false, maxBytes });
}

/**
 * As readFileNoFollow, but a symbolic link at the path is followed (the AWS config file is often one, from a
 * dotfiles repository): for files the user chose, still checked for what they are and how large.
 */
export function readFileFollowing(path: string, maxBytes: number): FileContent | undefined {
  return readFileChecked(path, { followLinks: true, maxBytes });
}

function readFileChecked(path: string, { followLinks, maxBytes }: { followLinks: boolean; maxBytes: number }): FileContent | undefined {
  const libc = linuxLibc();
  if (libc === undefined) return readWithNodeFs(path, followLinks, maxBytes);
  const fd = libc.open(path, O_FLAGS.RDONLY | (followLinks ? 0 : O_FLAGS.NOFOLLOW) | O_FLAGS.CLOEXEC | O_FLAGS.NONBLOCK, 0);
  if (fd < 0) return missingOrThrow(errnoName(-fd), path);
  try {
    const status = libc.fstat(fd);
    if (typeof status === "number") throw new FileError(errnoName(-status), path, "inspect");
    if (status.type !== "file") return { status, bytes: undefined };
    if (status.size > maxBytes) throw new FileError("EFBIG", path, "read");
    const bytes = new Uint8Array(status.size);
    let filled = 0;
    while (filled < bytes.length) {
      const count = libc.read(fd, bytes.subarray(filled));
      if (count < 0) throw new FileError(errnoName(-count), path, "read");
      if (count === 0) break;
      filled += count;
    }
    return { status, bytes: bytes.subarray(0, filled) };
  } finally {
    libc.close(fd);
  }
}

function readWithNodeFs(path: string, followLinks: boolean, maxBytes: number): FileContent | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK: nonBlocking = 0 } = fs.constants;
  const noFollow = followLinks ? 0 : O_NOFOLLOW;
  let fd: number;
  try {
    // Windows has no O_NOFOLLOW: look first (making a link there takes a privilege others rarely have).
    if (!followLinks && O_NOFOLLOW === 0 && fs.lstatSync(path).isSymbolicLink()) throw Object.assign(new Error("link"), { code: "ELOOP" });
    fd = fs.openSync(path, O_RDONLY | noFollow | nonBlocking);
  } catch (error) {
    return missingOrThrow((error as { code?: string }).code ?? "EIO", path);
  }
  try {
    const status = nodeStatus(fs.fstatSync(fd, { bigint: true }));
    if (status.type !== "file") return { status, bytes: undefined };
    if (status.size > maxBytes) throw new FileError("EFBIG", path, "read");
    return { status, bytes: new Uint8Array(fs.readFileSync(fd)) };
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError((error as { code?: string }).code ?? "EIO", path, "read");
  } finally {
    fs.closeSync(fd);
  }
}

function missingOrThrow(code: string, path: string): undefined {
  if (code === "ENOENT" || code === "ENOTDIR") return undefined;
  // FreeBSD says EMLINK, not ELOOP, for O_NOFOLLOW on a link; NetBSD says EFTYPE.
  throw new FileError(code === "EMLINK" || code === "EFTYPE" ? "ELOOP" : code, path, "open");
}
