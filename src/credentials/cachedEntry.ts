import { dateOf, parseEntry, type StoredEntry, textOf } from "../cache/storedEntry.ts";
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
  const entry = parseEntry(bytes, "role-credentials");
  const credentials = entry === undefined ? undefined : credentialsOf(entry);
  return credentials === undefined || entry === undefined ? undefined : { credentials, fetchedAt: dateOf(entry.fetchedAt) };
}

/** What `cache` shows of a role-credentials entry: where it came from and when it ends, never a key. */
export function describeEntry(bytes: Uint8Array) {
  const entry = parseEntry(bytes, "role-credentials");
  if (entry === undefined) return undefined;
  return {
    profile: textOf(entry.profile),
    roleArn: textOf(entry.roleArn),
    sourceProfile: textOf(entry.sourceProfile),
    mfaSerial: textOf(entry.mfaSerial),
    expiresAt: dateOf(entry.credentials?.Expiration),
    fetchedAt: dateOf(entry.fetchedAt),
  };
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
  const entry = parseEntry(bytes, kind);
  return entry === undefined ? undefined : credentialsOf(entry);
}

function credentialsOf(entry: StoredEntry): TemporaryCredentials | undefined {
  const credentials = entry.credentials;
  if (typeof credentials !== "object" || credentials === null) return undefined;
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials;
  const expiration = dateOf(Expiration);
  if (typeof AccessKeyId !== "string" || typeof SecretAccessKey !== "string" || typeof SessionToken !== "string") return undefined;
  if (AccessKeyId === "" || SecretAccessKey === "" || SessionToken === "" || expiration === undefined) return undefined;
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration };
}
