import { joinPath } from "../files/joinPath.ts";
import { readFileNoFollow } from "../files/readFileNoFollow.ts";
import type { CacheStore } from "./cacheStore.ts";
import { ENTRY_SUFFIX, keyedName } from "./cacheFileNames.ts";
import { openEntry, sealEntry } from "./sealedEntry.ts";

/**
 * Every file of the cache is sealed (AES-256-GCM) under its own file name, with the identity it was written
 * for inside: a file moved onto another name, or another identity's, fails to open. Entries are sealed under
 * the bare keyed name (the format since VGC2), other kinds under the name with their suffix.
 */
export function sealedName(name: string, suffix: string): string {
  return suffix === ENTRY_SUFFIX ? name : `${name}${suffix}`;
}

export async function readSealed(store: CacheStore, identity: string, suffix: string): Promise<Uint8Array | undefined> {
  const name = keyedName(store, identity);
  const sealed = readQuietly(joinPath(store.folder, `${name}${suffix}`));
  if (sealed === undefined) return undefined;
  const opened = await openNamed(store, sealedName(name, suffix), sealed);
  return opened?.identity === identity ? opened.payload : undefined;
}

export async function writeSealed(store: CacheStore, identity: string, suffix: string, payload: Uint8Array): Promise<void> {
  const name = keyedName(store, identity);
  const sealed = await sealEntry(store.keys.sealKey, sealedName(name, suffix), framed(identity, payload));
  const { writeFileAtomically } = await import("./writeFileAtomically.ts");
  writeFileAtomically(joinPath(store.folder, `${name}${suffix}`), sealed);
}

/** A cache file's bytes, or undefined when it is missing or cannot be read as one (a link, a folder, EACCES): a miss. */
export function readQuietly(path: string): Uint8Array | undefined {
  try {
    return readFileNoFollow(path)?.bytes;
  } catch {
    return undefined;
  }
}

export async function openNamed(store: CacheStore, name: string, sealed: Uint8Array): Promise<{ identity: string; payload: Uint8Array } | undefined> {
  const plaintext = await openEntry(store.keys.sealKey, name, sealed);
  if (plaintext === undefined || plaintext.length < 4) return undefined;
  const length = new DataView(plaintext.buffer, plaintext.byteOffset, 4).getUint32(0);
  if (4 + length > plaintext.length) return undefined;
  return { identity: new TextDecoder().decode(plaintext.subarray(4, 4 + length)), payload: plaintext.slice(4 + length) };
}

function framed(identity: string, payload: Uint8Array): Uint8Array {
  const identityBytes = new TextEncoder().encode(identity);
  const plaintext = new Uint8Array(4 + identityBytes.length + payload.length);
  new DataView(plaintext.buffer).setUint32(0, identityBytes.length);
  plaintext.set(identityBytes, 4);
  plaintext.set(payload, 4 + identityBytes.length);
  return plaintext;
}

export async function removeSealed(store: CacheStore, identity: string, suffix: string): Promise<void> {
  const { unlinkQuietly } = await import("./writeFileAtomically.ts");
  unlinkQuietly(joinPath(store.folder, `${keyedName(store, identity)}${suffix}`));
}
