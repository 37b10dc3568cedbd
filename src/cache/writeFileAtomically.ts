import { closeSync, constants, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes } from "@noble/ciphers/utils.js";
import { FileError } from "../files/fileError.ts";

export const TEMP_PREFIX = ".tmp-";

// A new file only (O_EXCL fails on anything at the path, a symbolic link included), never through a link.
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * Writes a 0600 file so that readers see the old content or the new, never a part: a temp file in the same
 * folder, fsync, rename over the target (which replaces a link standing there, never writes through it),
 * then fsync the folder so the rename survives a power loss. Fails with a FileError naming `path`.
 */
export function writeFileAtomically(path: string, content: Uint8Array): void {
  const folder = dirname(path);
  // The writer's PID in the name lets the next run remove what a killed writer left (see privateFiles.ts).
  const tempPath = `${folder}/${TEMP_PREFIX}${process.pid}-${Buffer.from(randomBytes(8)).toString("hex")}`;
  let fd: number;
  try {
    fd = openSync(tempPath, CREATE_NEW, 0o600);
  } catch (error) {
    throw fileError(error, path);
  }
  try {
    writeAll(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(tempPath);
    throw fileError(error, path);
  }
  closeSync(fd);
  try {
    renameSync(tempPath, path);
  } catch (error) {
    unlinkQuietly(tempPath);
    throw fileError(error, path);
  }
  syncFolder(folder);
}

/**
 * Makes `path` with `content` only if nothing is there yet: written whole beside it (`….new-PID`, which the next
 * run removes if this one is killed), then linked into place, so it is never seen half written and never made
 * twice. True when this call made it, false when something already stood there.
 */
export function linkNewFile(path: string, content: Uint8Array): boolean {
  const candidate = `${path}.new-${process.pid}`;
  writeFileAtomically(candidate, content);
  try {
    linkSync(candidate, path);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST") return false;
    throw fileError(error, path);
  } finally {
    unlinkQuietly(candidate);
  }
}

function fileError(error: unknown, path: string): FileError {
  return new FileError((error as { code?: string }).code ?? "EIO", path, "write");
}

function writeAll(fd: number, content: Uint8Array): void {
  let written = 0;
  while (written < content.length) written += writeSync(fd, content, written, content.length - written);
}

function syncFolder(folder: string): void {
  if (process.platform === "win32") return;
  try {
    const fd = openSync(folder, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
