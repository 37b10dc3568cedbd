/** A long-term access key as a store keeps it, with when it was put there (its age is counted from then). */
export interface StoredKey {
  readonly profile: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** When `keys add`, `import` or `rotate` stored it. */
  readonly addedAt: Date;
}

/** What `keys list` shows of a stored key: never the secret, and the key ID only masked. */
export interface KeyListing {
  readonly profile: string;
  /** As maskKeyId shows it: AKIA…WXYZ. */
  readonly keyId: string;
  readonly addedAt: Date | undefined;
}

/** A long-term key, shown as the IAM console lists them: its first four and last four characters. */
export function maskKeyId(accessKeyId: string): string {
  return accessKeyId.length < 12 ? "…" : `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}

/** IAM's long-term key IDs: AKIA and upper-case letters and digits (16 to 128 characters in all). */
const LONG_TERM_KEY_ID = /^AKIA[A-Z0-9]{12,124}$/;
/** A secret access key: 40 characters of base64 as IAM makes them; any printable run of 16 to 128 is taken. */
const SECRET_ACCESS_KEY = /^[A-Za-z0-9/+=]{16,128}$/;

/** What is wrong with an access key pair as given (typed, pasted, read from a file); undefined when it looks right. */
export function accessKeyProblem(accessKeyId: string, secretAccessKey: string): string | undefined {
  if (/^ASIA/.test(accessKeyId)) return "the access key ID starts with ASIA: that is a temporary key (it comes with a session token); give the IAM user's long-term key (AKIA…)";
  if (!LONG_TERM_KEY_ID.test(accessKeyId)) return "the access key ID is not an IAM user's key ID (AKIA and 16 upper-case letters or digits)";
  if (!SECRET_ACCESS_KEY.test(secretAccessKey)) return "the secret access key is not one (40 characters of letters, digits, / and +, as IAM shows it once when the key is made)";
  return undefined;
}

/** The record a store keeps (one JSON text: the OS keystores hold one secret string per item). */
export function encodeStoredKey(key: StoredKey): string {
  return JSON.stringify({ version: 1, profile: key.profile, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, addedAt: key.addedAt.toISOString() });
}

/** The record of `profile`, or undefined for anything else (another profile's, damaged, another format). */
export function decodeStoredKey(text: string, profile: string): StoredKey | undefined {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof record !== "object" || record === null) return undefined;
  const { version, accessKeyId, secretAccessKey, addedAt } = record as Record<string, unknown>;
  if (version !== 1 || (record as { profile?: unknown }).profile !== profile || typeof accessKeyId !== "string" || typeof secretAccessKey !== "string") return undefined;
  const added = typeof addedAt === "string" ? new Date(addedAt) : undefined;
  if (added === undefined || Number.isNaN(added.getTime())) return undefined;
  return { profile, accessKeyId, secretAccessKey, addedAt: added };
}

/** The listing of a record whose profile the store does not say (the Windows and macOS stores keep it inside). */
export function listingOf(text: string): KeyListing | undefined {
  try {
    const profile = (JSON.parse(text) as { profile?: unknown }).profile;
    const key = typeof profile === "string" ? decodeStoredKey(text, profile) : undefined;
    return key === undefined ? undefined : { profile: key.profile, keyId: maskKeyId(key.accessKeyId), addedAt: key.addedAt };
  } catch {
    return undefined;
  }
}

/** Whole days since the key was stored. */
export function keyAgeDays(addedAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - addedAt.getTime()) / 86_400_000));
}
