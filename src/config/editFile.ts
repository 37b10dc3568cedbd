import { FileError } from "../files/fileError.ts";
import { nodeStatus } from "../files/fileStatus.ts";
import { fileVersion, versionOf } from "../files/fileVersion.ts";
import { UserError } from "../userError.ts";

/** An AWS file (config or credentials) as read for a change: where it really is, its text, and its version then. */
export interface FileToEdit {
  readonly path: string;
  /** The file a link at `path` names, or `path` itself. */
  readonly target: string;
  readonly text: string;
  /** As fileVersion says; undefined when there was no file. */
  readonly version: string | undefined;
  /** "the AWS config file": as messages name it. */
  readonly what: string;
}

/** The file as it is now; a missing file is empty (it will be made). A read-only file is refused, as `aws configure set` does. */
export function readFileToEdit(path: string, what: string): FileToEdit {
  const fs = require("node:fs") as typeof import("node:fs");
  const target = realTarget(path);
  let fd: number;
  try {
    fd = fs.openSync(target, "r");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EIO";
    if (code === "ENOENT") return { path, target, text: "", version: undefined, what };
    throw new FileError(code, path, `read ${what}`);
  }
  try {
    const stats = fs.fstatSync(fd, { bigint: true });
    if ((stats.mode & 0o200n) === 0n) throw new UserError(`${what} ${path} is read-only (mode ${(stats.mode & 0o777n).toString(8).padStart(4, "0")}): make it writable (chmod u+w), or change it by hand`);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(fs.readFileSync(fd));
    } catch {
      throw new UserError(`${what} ${path} is not UTF-8 text (another encoding?): changing it would change bytes this tool cannot read; make the change by hand`);
    }
    return { path, target, text, version: versionOf(nodeStatus(stats)).version, what };
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new FileError((error as { code?: string }).code ?? "EIO", path, `read ${what}`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `text` over the file atomically (a temp file beside it, then rename), with the file's own mode (0600
 * for a new one), and only if the file is still as it was read: another program's write meanwhile is never
 * lost. The folder must be there.
 */
export function writeEditedFile(file: FileToEdit, text: string): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const { dirname, join } = require("node:path") as typeof import("node:path");
  const { target, version } = file;
  const mode = version === undefined ? 0o600 : fs.statSync(target).mode & 0o777;
  // Random, so a file left by a killed run (or another process with our pid, in another container) is never in the way.
  const temp = join(dirname(target), `.${process.pid}-${crypto.randomUUID()}.vegas-credentials.tmp`);
  try {
    const fd = fs.openSync(temp, "wx", mode);
    try {
      fs.writeFileSync(fd, text);
      // On disk before the rename: a power cut never leaves an empty file in its place.
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // The umask would narrow it: the file keeps exactly the mode it had.
    fs.chmodSync(temp, mode);
    if (fileVersion(target)?.version !== version) {
      throw new UserError(`${file.path} changed while this run was changing it (another program wrote it): nothing was written; run the command again`);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    if (error instanceof UserError) throw error;
    throw new FileError((error as { code?: string }).code ?? "EIO", target, `write ${file.what}`);
  }
}

/** The file a path names (through links), or the path itself when there is none yet. */
export function realTarget(path: string): string {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    return fs.realpathSync(path);
  } catch {
    return path;
  }
}
