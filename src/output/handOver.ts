import { linuxLibc } from "../files/linuxLibc.ts";
import { UserError } from "../userError.ts";

/** A caller that does not read what it asked for (a full pipe nobody drains) gets this long. */
const STDOUT_DEADLINE_MS = 10_000;

/**
 * Writes the document the caller reads on stdout, and fails the run when it cannot take it (a pipe whose
 * reader is gone, a full disk, nobody reading): the credentials did not arrive, so the run did not succeed.
 * Bun.write: process.stdout.write costs ~19 ms at start-up in a compiled binary, and console.log hides errors.
 */
export async function handOver(document: string): Promise<void> {
  if (stdoutWasClosed()) throw handOverError("EBADF");
  // A write to a full pipe blocks the whole process (no timer runs): on Linux, wait until stdout takes it.
  const waited = linuxLibc()?.waitWritable(1, STDOUT_DEADLINE_MS) ?? "ready";
  if (waited !== "ready") throw handOverError(waited === "timeout" ? "ETIMEDOUT" : "EPIPE");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })), STDOUT_DEADLINE_MS);
  });
  try {
    await Promise.race([Bun.write(Bun.stdout, `${document}\n`), tooSlow]);
  } catch (error) {
    throw handOverError((error as { code?: string }).code ?? "EIO");
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `>&-`: with fd 1 closed at exec, Bun opens /dev/null there itself, close-on-exec, which no inherited
 * descriptor is; a real `>/dev/null` is inherited and still takes the document. Linux: fd 1 is /dev/null (same
 * device and inode) and closes on exec, asked of the C library (node:fs would cost a cache hit ~3 M
 * instructions), else of /proc.
 */
function stdoutWasClosed(): boolean {
  if (process.platform !== "linux") return false;
  const libc = linuxLibc();
  if (libc === undefined) return stdoutWasClosedByProc();
  const stdout = libc.fstat(1);
  const devNull = libc.lstat("/dev/null");
  if (typeof stdout === "number" || typeof devNull === "number") return false;
  if (stdout.device !== devNull.device || stdout.inode !== devNull.inode) return false;
  return libc.closesOnExec(1) === true;
}

function stdoutWasClosedByProc(): boolean {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    if (fs.readlinkSync("/proc/self/fd/1") !== "/dev/null") return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync("/proc/self/fdinfo/1", "utf8"))?.[1];
    return flags !== undefined && (Number.parseInt(flags, 8) & O_CLOEXEC) !== 0;
  } catch {
    return false;
  }
}

const O_CLOEXEC = 0o2000000;

function handOverError(code: string): UserError {
  return new UserError(`could not hand the credentials over on stdout (${code}: ${STDOUT_PROBLEMS[code] ?? "write failed"}): whatever runs this command must read its output`, 74);
}

const STDOUT_PROBLEMS: Record<string, string> = {
  EPIPE: "nothing reads it any more",
  ENOSPC: "the disk is full",
  EBADF: "it is closed",
  ETIMEDOUT: `nothing read it within ${STDOUT_DEADLINE_MS / 1000} s`,
};
