/** What lstat/fstat say of a file that matters for trusting it. */
export interface FileStatus {
  readonly type: "file" | "folder" | "link" | "other";
  /** Permission bits (0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly size: number;
  readonly device: bigint;
  readonly inode: bigint;
  /** Last modification and last status change, in ns since the epoch. */
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export function nodeStatus(stats: import("node:fs").BigIntStats): FileStatus {
  return {
    type: typeOfMode(Number(stats.mode)),
    mode: Number(stats.mode) & 0o7777,
    uid: Number(stats.uid),
    size: Number(stats.size),
    device: stats.dev,
    inode: stats.ino,
    mtimeNs: stats.mtimeNs,
    ctimeNs: stats.ctimeNs,
  };
}

export function typeOfMode(mode: number): FileStatus["type"] {
  switch (mode & 0o170000) {
    case 0o100000:
      return "file";
    case 0o040000:
      return "folder";
    case 0o120000:
      return "link";
    default:
      return "other";
  }
}
