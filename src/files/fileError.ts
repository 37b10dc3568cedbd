import { UserError } from "../userError.ts";

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
