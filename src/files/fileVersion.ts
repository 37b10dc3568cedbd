/**
 * What a file's content is, as far as the file system says without reading it: any write, rename onto it or
 * replacement changes one of device, inode, size, mtime or ctime (to the nanosecond).
 */
export interface FileVersion {
  readonly version: string;
  /** The later of mtime and ctime, in ms: a write within the same timestamp tick would not change them. */
  readonly changedAtMs: number;
}

export function versionOfStats(stats: import("node:fs").BigIntStats): FileVersion {
  const version = [stats.dev, stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs].join(":");
  return { version, changedAtMs: Number((stats.mtimeNs > stats.ctimeNs ? stats.mtimeNs : stats.ctimeNs) / 1_000_000n) };
}

/** The version of the regular file at `path` (through links, as it is read), or undefined when there is none. */
export function fileVersion(path: string): FileVersion | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    const stats = fs.statSync(path, { bigint: true });
    return stats.isFile() ? versionOfStats(stats) : undefined;
  } catch {
    return undefined;
  }
}
