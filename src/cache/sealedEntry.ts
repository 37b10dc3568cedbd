import { gcm } from "@noble/ciphers/webcrypto.js";
import { randomBytes } from "@noble/ciphers/utils.js";

const MAGIC = new TextEncoder().encode("VGC2");
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * AES-256-GCM with a fresh random nonce. The cache passes an entry's file name as the associated data, so
 * a file moved onto another entry's name fails to open. Layout: "VGC2" | nonce (12) | ciphertext | tag (16).
 */
export async function sealEntry(sealKey: Uint8Array, associatedData: string, plaintext: Uint8Array): Promise<Uint8Array> {
  const nonce = randomBytes(NONCE_LENGTH);
  const ciphertext = await gcm(sealKey, nonce, new TextEncoder().encode(associatedData)).encrypt(plaintext);
  const sealed = new Uint8Array(MAGIC.length + NONCE_LENGTH + ciphertext.length);
  sealed.set(MAGIC, 0);
  sealed.set(nonce, MAGIC.length);
  sealed.set(ciphertext, MAGIC.length + NONCE_LENGTH);
  return sealed;
}

/** The plaintext, or undefined for anything that is not intact, sealed with this key and associated data. */
export async function openEntry(sealKey: Uint8Array, associatedData: string, sealed: Uint8Array): Promise<Uint8Array | undefined> {
  if (sealed.length < MAGIC.length + NONCE_LENGTH + TAG_LENGTH) return undefined;
  if (!MAGIC.every((byte, index) => sealed[index] === byte)) return undefined;
  const nonce = sealed.slice(MAGIC.length, MAGIC.length + NONCE_LENGTH);
  try {
    return await gcm(sealKey, nonce, new TextEncoder().encode(associatedData)).decrypt(sealed.slice(MAGIC.length + NONCE_LENGTH));
  } catch {
    return undefined;
  }
}
