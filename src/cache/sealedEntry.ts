import { gcm } from "@noble/ciphers/webcrypto.js";
import { randomBytes } from "@noble/ciphers/utils.js";

const MAGIC = new TextEncoder().encode("VGC1");
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * AES-256-GCM with a fresh random nonce; `identity` is the associated data, so a file moved onto another
 * entry's name fails to open. Layout: "VGC1" | nonce (12) | ciphertext | tag (16).
 */
export async function sealEntry(sealKey: Uint8Array, identity: string, plaintext: Uint8Array): Promise<Uint8Array> {
  const nonce = randomBytes(NONCE_LENGTH);
  const ciphertext = await gcm(sealKey, nonce, new TextEncoder().encode(identity)).encrypt(plaintext);
  const sealed = new Uint8Array(MAGIC.length + NONCE_LENGTH + ciphertext.length);
  sealed.set(MAGIC, 0);
  sealed.set(nonce, MAGIC.length);
  sealed.set(ciphertext, MAGIC.length + NONCE_LENGTH);
  return sealed;
}

/** The plaintext, or undefined for anything that is not an intact entry sealed with this key and identity. */
export async function openEntry(sealKey: Uint8Array, identity: string, sealed: Uint8Array): Promise<Uint8Array | undefined> {
  if (sealed.length < MAGIC.length + NONCE_LENGTH + TAG_LENGTH) return undefined;
  if (!MAGIC.every((byte, index) => sealed[index] === byte)) return undefined;
  const nonce = sealed.slice(MAGIC.length, MAGIC.length + NONCE_LENGTH);
  try {
    return await gcm(sealKey, nonce, new TextEncoder().encode(identity)).decrypt(sealed.slice(MAGIC.length + NONCE_LENGTH));
  } catch {
    return undefined;
  }
}
