import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { joinPath } from "../files/joinPath.ts";
import { FileError } from "../files/fileError.ts";
import { linkStatus } from "../files/linkStatus.ts";
import { checkPrivateFolder, type PrivateFolder } from "../files/privateFolder.ts";
import { UserError } from "../userError.ts";
import { processIsRunning } from "./processIsRunning.ts";
import { TEMP_PREFIX, unlinkQuietly } from "./writeFileAtomically.ts";

const STALE_TEMP_MS = 10 * 60 * 1000;

/**
 * Makes the folder (0700) if needed and refuses one that is a symbolic link, that others could write to or that
 * belongs to someone else: whoever controls the folder controls what this tool hands to the AWS tools. Then
 * removes the temp files of killed runs, on every OS (`platform`: injected by tests of another OS's rules).
 */
export function ensurePrivateFolder(folder: PrivateFolder, platform: NodeJS.Platform = process.platform): void {
  const { path, name, movedBy } = folder;
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    // EEXIST: something that is not a folder stands there; the check below names it.
    if (code !== "EEXIST") throw new UserError(`cannot make the ${name} ${path} (${code}): fix its parent folder or set ${movedBy} elsewhere`);
  }
  const status = linkStatus(path);
  if (status === undefined) throw new UserError(`cannot make the ${name} ${path}: fix its parent folder or set ${movedBy} elsewhere`);
  checkPrivateFolder(folder, status, platform);
  // Windows keeps no POSIX mode bits: %LOCALAPPDATA% is private to the user by its ACL.
  if (platform !== "win32" && (status.mode & 0o077) !== 0) chmodSync(path, 0o700);
  removeStaleTempFiles(path);
}

export function listFolder(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch (error) {
    throw new FileError((error as { code?: string }).code ?? "EIO", folder, "list the cache folder");
  }
}

/**
 * Temp files left by runs killed mid-write (`.tmp-PID-…`, `….new-PID`): those of writers that no longer run,
 * and any older than 10 minutes. A write in progress (its writer runs) is never touched.
 */
function removeStaleTempFiles(folder: string): void {
  const now = Date.now();
  const fs = require("node:fs") as typeof import("node:fs");
  for (const name of listFolder(folder)) {
    const writer = /^\.tmp-(\d+)-|\.new-(\d+)$/.exec(name);
    if (writer === null && !name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number(writer?.[1] ?? writer?.[2] ?? Number.NaN);
    const path = joinPath(folder, name);
    try {
      if (!processIsRunning(pid) || now - fs.lstatSync(path).mtimeMs > STALE_TEMP_MS) unlinkQuietly(path);
    } catch {
      // Removed by another run meanwhile.
    }
  }
}
