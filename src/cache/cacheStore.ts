import { joinPath } from "../files/joinPath.ts";
import { linkStatus } from "../files/linkStatus.ts";
import { checkPrivateFolder, type PrivateFolder } from "../files/privateFolder.ts";
import { type CacheKeys, deriveCacheKeys } from "./cacheKeys.ts";
import { readMachineSecret } from "./machineSecret.ts";
import { machineIdentity } from "./machineIdentity.ts";

/** An open cache folder: its path and the keys derived from its machine secret. */
export interface CacheStore {
  readonly folder: string;
  readonly keys: CacheKeys;
}

export const MACHINE_SECRET_FILE = "machine-secret";
export const CACHE_FOLDER_NAME = "cache folder";

/** The cache folder as the checks and their messages name it. */
export function cacheFolder(path: string): PrivateFolder {
  return { path, name: CACHE_FOLDER_NAME, movedBy: "XDG_CACHE_HOME" };
}

/**
 * Opens an existing cache for reading; undefined when there is nothing to read (no folder or machine secret
 * yet, or a secret others could read, which the next write replaces). Checked on every run, a hit too: a
 * folder or secret that someone else controls is refused (one lstat and one fstat).
 */
export async function openCacheStore(folder: string): Promise<CacheStore | undefined> {
  const status = linkStatus(folder);
  if (status === undefined) return undefined;
  checkPrivateFolder(cacheFolder(folder), status);
  const secret = readMachineSecret(joinPath(folder, MACHINE_SECRET_FILE));
  if (secret.state !== "usable") return undefined;
  return { folder, keys: deriveCacheKeys(secret.bytes, machineIdentity()) };
}

/** Opens the cache for writing: makes the folder (0700) and the machine secret (0600) when missing. */
export async function prepareCacheStore(folder: string, warn: (message: string) => void): Promise<CacheStore> {
  const [{ ensurePrivateFolder }, { ensureMachineSecret }] = await Promise.all([import("./ensurePrivateFolder.ts"), import("./ensureMachineSecret.ts")]);
  ensurePrivateFolder(cacheFolder(folder));
  const secret = ensureMachineSecret(folder, joinPath(folder, MACHINE_SECRET_FILE), warn);
  return { folder, keys: deriveCacheKeys(secret, machineIdentity()) };
}
