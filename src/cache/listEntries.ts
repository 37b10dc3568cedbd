import { joinPath } from "../files/joinPath.ts";
import { ENTRY_SUFFIX } from "./cacheFileNames.ts";
import type { CacheStore } from "./cacheStore.ts";
import { listFolder } from "./ensurePrivateFolder.ts";
import { openNamed, readQuietly, sealedName } from "./sealedFiles.ts";

/** One file of the cache folder as a listing sees it: `identity` and `payload` only if it opens here. */
export interface ListedEntry {
  readonly path: string;
  readonly identity?: string;
  readonly payload?: Uint8Array;
}

/**
 * Every entry in the folder (or, with FAILURE_SUFFIX, every note of a failed fetch), opened where it opens
 * (the identity inside says what it is).
 */
export async function listEntries(store: CacheStore, suffix = ENTRY_SUFFIX): Promise<ListedEntry[]> {
  const listed: ListedEntry[] = [];
  for (const file of listFolder(store.folder).sort()) {
    if (!file.endsWith(suffix) || file.startsWith(".")) continue;
    const path = joinPath(store.folder, file);
    const name = file.slice(0, -suffix.length);
    const sealed = readQuietly(path);
    const opened = sealed === undefined ? undefined : await openNamed(store, sealedName(name, suffix), sealed);
    listed.push(opened === undefined ? { path } : { path, ...opened });
  }
  return listed;
}
