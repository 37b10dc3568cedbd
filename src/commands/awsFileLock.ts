import { whileLocked } from "../cache/fileLock.ts";
import { realTarget } from "../config/editFile.ts";

/** How long a run waits for another one changing the same AWS file. */
const LOCK_TIMEOUT_MS = 10_000;

/**
 * `work` while holding the lock beside an AWS file (`FILE.vegas-credentials.lock`, next to the file a link
 * names): `config add`, `config import` and the `keys` commands take turns at the config and credentials files.
 * `makeFolder`: the file's folder is made first (0700) when a first profile may be written into it.
 * `retry`: what the line that another run holds it says to do.
 */
export async function whileAwsFileLocked<T>(path: string, options: { retry: string; makeFolder: boolean }, work: () => T | Promise<T>): Promise<T> {
  const target = realTarget(path);
  if (options.makeFolder) (require("node:fs") as typeof import("node:fs")).mkdirSync((require("node:path") as typeof import("node:path")).dirname(target), { recursive: true, mode: 0o700 });
  return whileLocked(`${target}.vegas-credentials.lock`, { what: path, timeoutMs: LOCK_TIMEOUT_MS, retry: options.retry }, work);
}
