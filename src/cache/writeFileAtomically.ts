import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes } from "@noble/ciphers/utils.js";

export const TEMP_PREFIX = ".tmp-";

/**
 * Writes a 0600 file so that readers see the old content or the new, never a part: a temp file in the same
 * folder, fsync, rename over the target, then fsync the folder so the rename survives a power loss.
 */
export function writeFileAtomically(path: string, content: Uint8Array): void {
  const folder = dirname(path);
  // The writer's PID in the name lets the next run remove what a killed writer left (see privateFiles.ts).
  const tempPath = `${folder}/${TEMP_PREFIX}${process.pid}-${Array.from(randomBytes(8), (b) => b.toString(16).padStart(2, "0")).join("")}`;
  const fd = openSync(tempPath, "wx", 0o600);
  try {
    writeAll(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(tempPath);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(tempPath, path);
  } catch (error) {
    unlinkQuietly(tempPath);
    throw error;
  }
  syncFolder(folder);
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
