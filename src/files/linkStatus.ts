import { FileError } from "./fileError.ts";
import { type FileStatus, nodeStatus } from "./fileStatus.ts";
import { errnoName, linuxLibc } from "./linuxLibc.ts";

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
