import type { TemporaryCredentials } from "./temporaryCredentials.ts";

/** What one cache entry holds: the credentials and, for `cache` listings, where they came from. */
export interface CachedEntry {
  readonly kind: "role-credentials";
  readonly profile: string;
  readonly roleArn: string;
  readonly sourceProfile: string;
  readonly mfaSerial: string;
  readonly fetchedAt: string;
  readonly credentials: {
    readonly AccessKeyId: string;
    readonly SecretAccessKey: string;
    readonly SessionToken: string;
    readonly Expiration: string;
  };
}

export type EntryOrigin = Omit<CachedEntry, "kind" | "fetchedAt" | "credentials">;

export type CredentialsRecord = CachedEntry["credentials"];

export function encodeEntry(origin: EntryOrigin, credentials: TemporaryCredentials, now: Date): Uint8Array {
  const entry: CachedEntry = { kind: "role-credentials", ...origin, fetchedAt: now.toISOString(), credentials: credentialsRecord(credentials) };
  return new TextEncoder().encode(JSON.stringify(entry));
}

/** The credentials of an entry and when they were fetched, or undefined if it is not a well-formed role-credentials entry. */
export function decodeEntry(bytes: Uint8Array): { credentials: TemporaryCredentials; fetchedAt: Date | undefined } | undefined {
  const credentials = credentialsOfKind(bytes, "role-credentials");
  if (credentials === undefined) return undefined;
  const fetchedAt = new Date((JSON.parse(new TextDecoder().decode(bytes)) as { fetchedAt?: string }).fetchedAt ?? Number.NaN);
  return { credentials, fetchedAt: Number.isNaN(fetchedAt.getTime()) ? undefined : fetchedAt };
}

/** Credentials as entries store them (the credential_process field names). */
export function credentialsRecord(credentials: TemporaryCredentials): CredentialsRecord {
  return {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration.toISOString(),
  };
}

/** The complete credentials of an entry of this kind, or undefined for anything else. */
export function credentialsOfKind(bytes: Uint8Array, kind: string): TemporaryCredentials | undefined {
  let entry: { kind?: unknown; credentials?: Partial<Record<keyof CredentialsRecord, unknown>> };
  try {
    entry = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  const credentials = entry?.credentials;
  if (entry?.kind !== kind || typeof credentials !== "object" || credentials === null) return undefined;
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials;
  const expiration = new Date(typeof Expiration === "string" ? Expiration : Number.NaN);
  if (typeof AccessKeyId !== "string" || typeof SecretAccessKey !== "string" || typeof SessionToken !== "string") return undefined;
  if (AccessKeyId === "" || SecretAccessKey === "" || SessionToken === "" || Number.isNaN(expiration.getTime())) return undefined;
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration };
}
