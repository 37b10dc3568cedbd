import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { randomBytes } from "@noble/ciphers/utils.js";
import { UserError } from "../userError.ts";
import { readFileBytes } from "../files/readFileBytes.ts";
import { processIsRunning } from "./processIsRunning.ts";
import { TEMP_PREFIX, unlinkQuietly, writeFileAtomically } from "./writeFileAtomically.ts";

const STALE_TEMP_MS = 10 * 60 * 1000;

/**
 * Makes `folder` (0700) if needed and refuses one that others could write to or that belongs to someone
 * else: whoever controls the folder controls what this tool hands to the AWS tools.
 */
export function ensurePrivateFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    throw new UserError(`cannot make the cache folder ${folder} (${code}): fix its parent folder or set XDG_CACHE_HOME elsewhere`);
  }
  const stat = lstatSync(folder);
  if (!stat.isDirectory()) throw new UserError(`cache folder ${folder} is not a folder: remove it or set XDG_CACHE_HOME elsewhere`);
  if (process.platform === "win32") return;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new UserError(`cache folder ${folder} belongs to another user (uid ${stat.uid}): remove it or set XDG_CACHE_HOME to a folder of yours`);
  }
  if ((stat.mode & 0o022) !== 0) {
    throw new UserError(`cache folder ${folder} can be written by other users: run chmod 700 ${folder}`);
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(folder, 0o700);
  removeStaleTempFiles(folder);
}

/** The 32-byte random machine secret, created once per user atomically (two runs never make two). */
export function ensureMachineSecret(path: string): Uint8Array {
  const existing = readFileBytes(path);
  if (existing !== undefined && existing.length === 32) return existing;
  if (existing !== undefined) unlinkQuietly(path);
  const candidate = `${path}.new-${process.pid}`;
  writeFileAtomically(candidate, randomBytes(32));
  try {
    linkSync(candidate, path);
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
  } finally {
    unlinkQuietly(candidate);
  }
  const secret = readFileBytes(path);
  if (secret === undefined || secret.length !== 32) throw new Error(`machine secret ${path} could not be created`);
  if ((statSync(path).mode & 0o077) !== 0 && process.platform !== "win32") chmodSync(path, 0o600);
  return secret;
}

/**
 * Temp files left by runs killed mid-write (`.tmp-PID-…`, `….new-PID`): those of writers that no longer run,
 * and any older than 10 minutes. A write in progress (its writer runs) is never touched.
 */
function removeStaleTempFiles(folder: string): void {
  const now = Date.now();
  for (const name of readdirSync(folder)) {
    const writer = /^\.tmp-(\d+)-|\.new-(\d+)$/.exec(name);
    if (writer === null && !name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number(writer?.[1] ?? writer?.[2] ?? Number.NaN);
    const path = `${folder}/${name}`;
    try {
      if (!processIsRunning(pid) || now - statSync(path).mtimeMs > STALE_TEMP_MS) unlinkQuietly(path);
    } catch {
      // Removed by another run meanwhile.
    }
  }
}
