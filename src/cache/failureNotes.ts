import { FAILURE_SUFFIX } from "./cacheFileNames.ts";
import type { CacheStore } from "./cacheStore.ts";
import { readSealed, removeSealed, writeSealed } from "./sealedFiles.ts";

/** What the last failed fetch of an entry said (a UserError's line, which names profile, role and device), and when. */
export interface FailureNote {
  readonly at: number;
  readonly message: string;
  /** The role profile, for `cache` listings (notes written before 0.1.1 lack it). */
  readonly profile?: string;
}

/** Sealed like an entry: the line names the profile, the role and the device, which entries keep sealed too. */
export async function readFailureNote(store: CacheStore, identity: string): Promise<FailureNote | undefined> {
  const bytes = await readSealed(store, identity, FAILURE_SUFFIX);
  return bytes === undefined ? undefined : decodeFailureNote(bytes);
}

export function decodeFailureNote(bytes: Uint8Array): FailureNote | undefined {
  try {
    const note = JSON.parse(new TextDecoder().decode(bytes)) as Partial<FailureNote>;
    if (typeof note.at !== "number" || typeof note.message !== "string") return undefined;
    return { at: note.at, message: note.message, ...(typeof note.profile === "string" ? { profile: note.profile } : {}) };
  } catch {
    return undefined;
  }
}

export async function writeFailureNote(store: CacheStore, identity: string, note: FailureNote): Promise<void> {
  await writeSealed(store, identity, FAILURE_SUFFIX, new TextEncoder().encode(JSON.stringify(note)));
}

export async function clearFailureNote(store: CacheStore, identity: string): Promise<void> {
  await removeSealed(store, identity, FAILURE_SUFFIX);
}
