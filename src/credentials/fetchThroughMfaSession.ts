import type { CacheStore } from "../cache/cacheStore.ts";
import { readEntry, removeEntry, writeEntry } from "../cache/cacheEntries.ts";
import type { Reporter } from "../output/reporter.ts";
import { mfaSessionIdentity, type RoleProfile, type SourceProfile } from "../config/roleProfile.ts";
import { explainStsError, isClockFailure } from "../sts/explainStsError.ts";
import { type LongTermKey, openStsClient } from "../sts/stsClient.ts";
import { decodeMfaSessionEntry, encodeMfaSessionEntry } from "./mfaSessionEntry.ts";
import type { TemporaryCredentials } from "./temporaryCredentials.ts";

export interface SessionFetch {
  readonly roleSessionName: string;
  askForCode(): Promise<string>;
  /** The source profile's key from its store (vegas_keys), read only when a session must be opened. */
  sourceKey(): Promise<LongTermKey | undefined>;
  readonly store: CacheStore;
  readonly reporter: Reporter;
}

/** A session this close to its end is not used: the AssumeRole call itself must still be signed in time. */
const SESSION_MARGIN_MS = 60_000;
/**
 * What STS says of a session that is itself dead (expired, revoked, its keys unknown or its token broken). An
 * AccessDenied is about one role (its trust policy), not the session: that role fails, the session stays.
 */
const SESSION_DEAD = new Set(["ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidToken"]);

/**
 * Role credentials from an MFA session (`vegas_mfa_session = true`): a cached GetSessionToken session signs
 * AssumeRole without SerialNumber/TokenCode, so roles behind the source profile need no new code until it
 * nears its end. A missing or rejected session costs one code: GetSessionToken, cache it, carry on.
 */
export async function fetchThroughMfaSession(profile: RoleProfile, settings: NonNullable<SourceProfile["mfaSession"]>, fetch: SessionFetch): Promise<TemporaryCredentials> {
  const { store, reporter } = fetch;
  const identity = mfaSessionIdentity(profile);
  const cached = await readSession(store, identity);
  if (cached !== undefined) {
    reporter.verbose(`MFA session valid until ${cached.expiration.toISOString()}: assuming the role without a code`);
    try {
      const credentials = await assumeFromSession(profile, cached, fetch);
      reporter.record({ sts: "AssumeRole from MFA session ok" });
      return credentials;
    } catch (error) {
      // A wrong clock fails every signature, the session's too: that says nothing of the session.
      if (!SESSION_DEAD.has((error as { name?: string }).name ?? "") || isClockFailure(error)) {
        reporter.record({ sts: "AssumeRole from MFA session failed" });
        throw explainStsError(error, profile, "AssumeRole");
      }
      reporter.verbose(`STS no longer takes the MFA session (${(error as { name?: string }).name}): asking for a new code`);
      await removeEntry(store, identity);
    }
  }
  const session = await openSession(profile, settings, fetch);
  try {
    await writeEntry(store, identity, encodeMfaSessionEntry(profile, session, new Date()));
  } catch (error) {
    reporter.warn(`could not save the MFA session in the cache (${(error as Error).message}): the next role will ask for a new code`);
  }
  try {
    const credentials = await assumeFromSession(profile, session, fetch);
    reporter.record({ sts: "GetSessionToken ok, AssumeRole ok" });
    return credentials;
  } catch (error) {
    reporter.record({ sts: "GetSessionToken ok, AssumeRole failed" });
    throw explainStsError(error, profile, "AssumeRole");
  }
}

async function readSession(store: CacheStore, identity: string): Promise<TemporaryCredentials | undefined> {
  const payload = await readEntry(store, identity);
  const session = payload === undefined ? undefined : decodeMfaSessionEntry(payload);
  return session !== undefined && session.expiration.getTime() - Date.now() > SESSION_MARGIN_MS ? session : undefined;
}

async function openSession(profile: RoleProfile, settings: NonNullable<SourceProfile["mfaSession"]>, fetch: SessionFetch): Promise<TemporaryCredentials> {
  const sourceKey = await fetch.sourceKey();
  const sts = await openStsClient(profile, fetch.reporter, undefined, sourceKey).catch((error: unknown) => {
    throw explainStsError(error, profile, "GetSessionToken");
  });
  try {
    return await sts.getSessionToken(await fetch.askForCode(), settings.durationSeconds);
  } catch (error) {
    fetch.reporter.record({ sts: "GetSessionToken failed" });
    throw explainStsError(error, profile, "GetSessionToken");
  } finally {
    sts.close();
  }
}

async function assumeFromSession(profile: RoleProfile, session: TemporaryCredentials, fetch: SessionFetch): Promise<TemporaryCredentials> {
  const sts = await openStsClient(profile, fetch.reporter, session);
  try {
    return await sts.assumeRole(fetch.roleSessionName);
  } finally {
    sts.close();
  }
}
