import type { RoleProfile } from "../config/roleProfile.ts";
import { dateOf, parseEntry, textOf } from "../cache/storedEntry.ts";
import { type CredentialsRecord, credentialsOfKind, credentialsRecord } from "./cachedEntry.ts";
import type { TemporaryCredentials } from "./temporaryCredentials.ts";

/** What an MFA session entry holds: the session's keys and, for `cache` listings, whose device opened it. */
export interface MfaSessionEntry {
  readonly kind: "mfa-session";
  readonly sourceProfile: string;
  readonly mfaSerial: string;
  readonly fetchedAt: string;
  readonly credentials: CredentialsRecord;
}

export function encodeMfaSessionEntry(profile: RoleProfile, session: TemporaryCredentials, now: Date): Uint8Array {
  const entry: MfaSessionEntry = {
    kind: "mfa-session",
    sourceProfile: profile.source.name,
    mfaSerial: profile.source.mfaSerial,
    fetchedAt: now.toISOString(),
    credentials: credentialsRecord(session),
  };
  return new TextEncoder().encode(JSON.stringify(entry));
}

/** The session's keys, or undefined if the payload is not a well-formed MFA session entry. */
export function decodeMfaSessionEntry(bytes: Uint8Array): TemporaryCredentials | undefined {
  return credentialsOfKind(bytes, "mfa-session");
}

/** What `cache` shows of an MFA session entry: whose device opened it and when it ends, never a key. */
export function describeMfaSessionEntry(bytes: Uint8Array) {
  const entry = parseEntry(bytes, "mfa-session");
  if (entry === undefined) return undefined;
  return { sourceProfile: textOf(entry.sourceProfile), mfaSerial: textOf(entry.mfaSerial), expiresAt: dateOf(entry.credentials?.Expiration) };
}
