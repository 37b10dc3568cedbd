import { linuxLibc, O_FLAGS } from "./linuxLibc.ts";

/**
 * Appends text to a file (created 0600), one write(2) on an O_APPEND descriptor so that parallel runs never
 * interleave their lines, and never through a symbolic link planted at the path (O_NOFOLLOW). Every cache
 * hit writes a log line, so on Linux this goes through the C library (see linuxLibc.ts), not `node:fs`.
 * False when the file cannot be opened or written (its folder is missing, a link stands there, a full disk).
 */
export function appendToFile(path: string, text: string): boolean {
  const libc = linuxLibc();
  if (libc === undefined) return appendWithNodeFs(path, text);
  const fd = libc.open(path, O_FLAGS.WRONLY | O_FLAGS.CREAT | O_FLAGS.APPEND | O_FLAGS.NOFOLLOW | O_FLAGS.CLOEXEC | O_FLAGS.NONBLOCK, 0o600);
  if (fd < 0) return false;
  try {
    const status = libc.fstat(fd);
    if (typeof status === "number" || status.type !== "file") return false;
    const bytes = new TextEncoder().encode(text);
    return libc.write(fd, bytes) === bytes.length;
  } finally {
    libc.close(fd);
  }
}


function appendWithNodeFs(path: string, text: string): boolean {
  const fs = require("node:fs") as typeof import("node:fs");
  const { O_WRONLY, O_CREAT, O_APPEND, O_NOFOLLOW = 0, O_NONBLOCK: nonBlocking = 0 } = fs.constants;
  try {
    const fd = fs.openSync(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | nonBlocking, 0o600);
    try {
      if (!fs.fstatSync(fd).isFile()) return false;
      fs.writeSync(fd, text);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}
