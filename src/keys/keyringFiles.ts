import { existsSync, lstatSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { joinPath } from "../files/joinPath.ts";
import { UserError } from "../userError.ts";
import { keyOfKeyringItem, type RecordReading } from "./awsVaultRecord.ts";

/**
 * The `file` backend of aws-vault's and granted's keyring library (99designs/keyring file.go): one file per
 * key in a folder, named after the key with `/` and `%` percent-encoded, holding a compact JWE (jose2go,
 * PBES2-HS256+A128KW with A256GCM) of the library's Item, sealed with a passphrase.
 */
export interface KeyringFiles {
  /** The keys whose files are in the folder (no passphrase needed). */
  keys(): string[];
  /** The key's record; undefined when it has no file. */
  read(key: string): Promise<RecordReading | undefined>;
  remove(key: string): void;
}

const ALGORITHM = "PBES2-HS256+A128KW";
/** jose2go's own ceiling for this algorithm: a file asking for more work is refused, not obeyed. */
const MAX_ITERATIONS = 1_300_000;

/** `name` as messages name the store; `passphraseFrom`: where the person sets the passphrase for scripts. */
export function keyringFiles(folder: string, passphrase: () => Promise<string>, name: string, passphraseFrom: string): KeyringFiles {
  let known: string | undefined;
  const pathOf = (key: string) => joinPath(folder, escapeKeyName(key));
  return {
    keys() {
      if (!existsSync(folder)) return [];
      return readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
        .map((entry) => unescapeKeyName(entry.name));
    },
    async read(key) {
      const path = pathOf(key);
      // The library writes regular files only: "..", a folder or a link is no key of it.
      if (key === "." || key === ".." || lstatSync(path, { throwIfNoEntry: false })?.isFile() !== true) return undefined;
      let token: string;
      try {
        token = readFileSync(path, "utf8");
      } catch (error) {
        throw new UserError(`${name}: ${path} cannot be read (${(error as { code?: string }).code ?? String(error)})`);
      }
      known ??= await passphrase();
      const payload = await openCompactJwe(token, known).catch((error: unknown) => {
        if (error instanceof WrongPassphrase) {
          // Asked again for the next key: a mistyped passphrase is not kept.
          known = undefined;
          throw new UserError(`${name}: the passphrase given does not open ${path} (or its key part is damaged): type the one that opens it, or set ${passphraseFrom} to it`);
        }
        throw new UserError(`${name}: ${path} is not a file this tool can read (${error instanceof Error ? error.message : String(error)})`);
      });
      return keyOfKeyringItem(payload);
    },
    remove(key) {
      rmSync(pathOf(key));
    },
  };
}

/** As mtibben/percent encodes a key for its file name: `/` and `%` as %XX. */
export function escapeKeyName(key: string): string {
  return key.replace(/[%/]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function unescapeKeyName(name: string): string {
  const bytes: number[] = [];
  const raw = new TextEncoder().encode(name);
  for (let at = 0; at < raw.length; at++) {
    const hex = String.fromCharCode(raw[at + 1] ?? 0, raw[at + 2] ?? 0);
    if (raw[at] === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      at += 2;
    } else bytes.push(raw[at] as number);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

class WrongPassphrase extends Error {}

/** RFC 7516's compact JWE, with PBES2-HS256+A128KW (RFC 7518 4.8) and A256GCM, through WebCrypto. */
export async function openCompactJwe(token: string, passphrase: string): Promise<Uint8Array> {
  const parts = token.trim().split(".");
  if (parts.length !== 5) throw new Error("not a compact JWE (five parts)");
  const [protectedHeader = "", encryptedKey = "", iv = "", ciphertext = "", tag = ""] = parts;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(base64url(protectedHeader)));
  } catch {
    throw new Error("its header is not JSON");
  }
  if (header.alg !== ALGORITHM || header.enc !== "A256GCM") throw new Error(`it is sealed with ${String(header.alg)} and ${String(header.enc)}, not ${ALGORITHM} and A256GCM`);
  if (header.zip !== undefined) throw new Error("it is compressed");
  const iterations = header.p2c;
  if (typeof iterations !== "number" || !Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) throw new Error("its p2c is not a count of iterations up to 1,300,000");
  if (typeof header.p2s !== "string") throw new Error("it has no p2s");
  const salt = concat(new TextEncoder().encode(ALGORITHM), new Uint8Array([0]), base64url(header.p2s));
  const subtle = crypto.subtle;
  const base = await subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false, ["deriveKey"]);
  const kek = await subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, { name: "AES-KW", length: 128 }, false, ["unwrapKey"]);
  let cek: CryptoKey;
  try {
    cek = await subtle.unwrapKey("raw", base64url(encryptedKey), kek, "AES-KW", { name: "AES-GCM" }, false, ["decrypt"]);
  } catch {
    // AES key wrap checks its integrity value: a wrong passphrase fails here, before any content is read.
    throw new WrongPassphrase();
  }
  const sealed = concat(base64url(ciphertext), base64url(tag));
  const opened = await subtle.decrypt({ name: "AES-GCM", iv: base64url(iv), additionalData: new TextEncoder().encode(protectedHeader), tagLength: 128 }, cek, sealed).catch(() => {
    throw new Error("its content does not match its tag (damaged)");
  });
  return new Uint8Array(opened);
}

function base64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("a part is not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "="));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
