import type { CacheStore } from "../cache/cacheStore.ts";
import type { Reporter } from "../output/reporter.ts";
import { defaultRoleSessionName } from "../config/defaultRoleSessionName.ts";
import type { RoleProfile, SourceProfile } from "../config/roleProfile.ts";
import { machineSessionNameSources } from "../config/sessionNameSources.ts";
import { isTruthy } from "../output/outputStyle.ts";
import { mfaSources } from "../mfa/mfaSources.ts";
import { readMfaCode } from "../mfa/readMfaCode.ts";
import { explainStsError } from "../sts/explainStsError.ts";
import { openStsClient } from "../sts/stsClient.ts";
import { fetchThroughMfaSession } from "./fetchThroughMfaSession.ts";
import { storedSourceKey } from "./storedSourceKey.ts";
import type { TemporaryCredentials } from "./temporaryCredentials.ts";

export interface MfaPreferences {
  /** False with --no-gui. */
  readonly gui: boolean;
  readonly env: Record<string, string | undefined>;
  /** --mfa-code: the code to use, instead of asking for one. */
  readonly mfaCode?: string;
}

/** Asks for a code for the source profile's MFA device (terminal, dialog, YubiKey, vegas_mfa_process), as `profile` needs it. */
export function mfaCodeAsker(source: SourceProfile, profile: string, preferences: MfaPreferences, reporter: Reporter, store: CacheStore | undefined): () => Promise<string> {
  return async () => {
    if (preferences.mfaCode !== undefined) {
      reporter.verbose(`MFA code for ${source.mfaSerial}: the one given with --mfa-code`);
      return preferences.mfaCode;
    }
    const { env } = preferences;
    const sources = mfaSources({
      env,
      gui: preferences.gui && !isTruthy(env.VEGAS_CREDENTIALS_NO_GUI),
      timeoutSeconds: source.mfaTimeoutSeconds,
      yubikey: { serial: source.yubikeySerial, label: source.yubikeyLabel },
      store,
      mfaProcess: source.mfaProcess,
      verbose: (message) => reporter.verbose(message),
    });
    try {
      return await readMfaCode({ profile, mfaSerial: source.mfaSerial }, sources.offers, reporter, source.mfaTimeoutSeconds * 1000);
    } finally {
      sources.close();
    }
  };
}

/**
 * The uncached provider: find the source credentials, ask for an MFA code, assume the role with it. With an
 * MFA session on the source profile, assume it from the session instead (asking only to open one).
 */
export async function fetchRoleCredentials(profile: RoleProfile, preferences: MfaPreferences, reporter: Reporter, store: CacheStore): Promise<TemporaryCredentials> {
  const askForCode = mfaCodeAsker(profile.source, profile.name, preferences, reporter, store);
  const roleSessionName = profile.roleSessionName ?? defaultRoleSessionName(machineSessionNameSources());
  const sourceKey = () => storedSourceKey(profile, { env: preferences.env, gui: preferences.gui && !isTruthy(preferences.env.VEGAS_CREDENTIALS_NO_GUI) }, reporter);
  if (profile.source.mfaSession !== undefined) return fetchThroughMfaSession(profile, profile.source.mfaSession, { roleSessionName, askForCode, sourceKey, store, reporter });
  const key = await sourceKey();
  const sts = await openStsClient(profile, reporter, undefined, key).catch((error: unknown) => {
    throw explainStsError(error, profile, "AssumeRole");
  });
  try {
    const credentials = await sts.assumeRole(roleSessionName, await askForCode());
    reporter.record({ sts: "AssumeRole ok" });
    return credentials;
  } catch (error) {
    reporter.record({ sts: "AssumeRole failed" });
    throw explainStsError(error, profile, "AssumeRole");
  } finally {
    sts.close();
  }
}
