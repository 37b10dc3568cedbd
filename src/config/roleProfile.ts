/** What the user configured for one role profile, validated, with its source profile resolved. */
export interface RoleProfile {
  readonly name: string;
  readonly configFile: string;
  readonly roleArn: string;
  readonly durationSeconds: number;
  /** As configured; when absent a name is made up at fetch time (see defaultRoleSessionName). */
  readonly roleSessionName: string | undefined;
  readonly externalId: string | undefined;
  readonly sts: StsTarget;
  readonly source: SourceProfile;
  /** How `login` opens the console. */
  readonly console: ConsoleSettings;
}

/**
 * `vegas_browser` (role, else source), `vegas_browser_profile` (role), `vegas_firefox_containers` (role, else
 * source), as written: only `login` reads them, and checks them (console/consoleChoice.ts), so a mistake in
 * one never breaks credential_process.
 */
export interface ConsoleSettings {
  /** A browser name (chrome, firefox…), a command on PATH or a program's path, and the profile that sets it. */
  readonly browser: { readonly value: string; readonly from: string } | undefined;
  readonly browserProfile: string | undefined;
  readonly firefoxContainers: { readonly value: string; readonly from: string } | undefined;
}

import type { KeyStoreKind } from "./settingChecks.ts";

/** The profile whose own credentials (found by the AWS SDK, or in a key store) call STS, and its MFA device. */
export interface SourceProfile {
  readonly name: string;
  readonly mfaSerial: string;
  readonly yubikeySerial: string | undefined;
  readonly yubikeyLabel: string;
  /** How long the MFA sources may take: VEGAS_CREDENTIALS_MFA_TIMEOUT, else vegas_mfa_timeout, else 60 s. */
  readonly mfaTimeoutSeconds: number;
  /** `vegas_mfa_session = true`: one MFA code opens a GetSessionToken session that roles are assumed from. */
  readonly mfaSession: { readonly durationSeconds: number } | undefined;
  /** `vegas_mfa_process`: a program that prints the code (split like a shell word list, run without a shell). */
  readonly mfaProcess: readonly string[] | undefined;
  /** Where the AWS SDK gets its credentials from, by what the profile says: for the advice when it finds none. */
  readonly credentialsFrom: "keys" | "sso" | "login" | "role" | "process" | "credential_source" | "store";
  /** `vegas_keys`: the long-term key is in a store (read on a miss only), not in the AWS credentials file. */
  readonly keys: SourceKeys | undefined;
}

export interface SourceKeys {
  readonly store: KeyStoreKind;
  /** vegas_key_max_age_days (default 90): older keys get a line suggesting `keys rotate`; 0 never. */
  readonly maxAgeDays: number;
}

export interface StsTarget {
  readonly region: string;
  /** Explicit endpoint (profile `endpoint_url`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`), else undefined. */
  readonly endpoint: string | undefined;
  /** No region configured anywhere, or `sts_regional_endpoints = legacy` (aws partition only): sts.amazonaws.com. */
  readonly useGlobalEndpoint: boolean;
  /** The URL every STS call goes to, and the one messages name: the explicit endpoint or the partition's. */
  readonly endpointUrl: string;
}

/** STS caps AssumeRole signed with temporary credentials (an MFA session too) at one hour: role chaining. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/**
 * The DurationSeconds each AssumeRole asks for: duration_seconds, but at most an hour through an MFA session,
 * whose role credentials are then fetched again, silently, from the session while it lives.
 */
export function requestedDurationSeconds(profile: RoleProfile): number {
  return profile.source.mfaSession === undefined ? profile.durationSeconds : Math.min(profile.durationSeconds, ROLE_CHAINING_MAX_SECONDS);
}

/**
 * Everything that decides which credentials the profile gets, as one string: the cache keys entries by it,
 * so changing any of these settings (or the endpoint environment) misses the cache.
 */
export function credentialIdentity(profile: RoleProfile): string {
  return JSON.stringify([
    "role-credentials",
    profile.name,
    profile.roleArn,
    profile.source.name,
    profile.source.mfaSerial,
    profile.durationSeconds,
    profile.roleSessionName ?? "",
    profile.externalId ?? "",
    profile.sts.region,
    profile.sts.endpoint ?? "",
    profile.sts.useGlobalEndpoint,
  ]);
}

/** One MFA device as the user has it: runs that would ask it for a code take turns (see CacheSlot.lock). */
export function mfaDeviceIdentity(profile: RoleProfile): string {
  return JSON.stringify(["mfa-device", profile.source.name, profile.source.mfaSerial]);
}

/** Everything that decides an MFA session (see fetchThroughMfaSession): the cache keys its entry by it. */
export function mfaSessionIdentity(profile: RoleProfile): string {
  return JSON.stringify([
    "mfa-session",
    profile.source.name,
    profile.source.mfaSerial,
    profile.source.mfaSession?.durationSeconds ?? 0,
    profile.sts.region,
    profile.sts.endpoint ?? "",
    profile.sts.useGlobalEndpoint,
  ]);
}
