import { ENTRY_SUFFIX } from "./cacheFileNames.ts";
import type { CacheStore } from "./cacheStore.ts";
import { readSealed, removeSealed, writeSealed } from "./sealedFiles.ts";

/** The decrypted entry for `identity`, or undefined when absent, unreadable, tampered with or foreign. */
export async function readEntry(store: CacheStore, identity: string): Promise<Uint8Array | undefined> {
  return readSealed(store, identity, ENTRY_SUFFIX);
}

export async function writeEntry(store: CacheStore, identity: string, payload: Uint8Array): Promise<void> {
  await writeSealed(store, identity, ENTRY_SUFFIX, payload);
}

export async function removeEntry(store: CacheStore, identity: string): Promise<void> {
  await removeSealed(store, identity, ENTRY_SUFFIX);
}
