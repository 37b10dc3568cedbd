import type { CacheStore } from "../cache/cacheStore.ts";
import type { Reporter } from "../output/reporter.ts";
import { defaultRoleSessionName } from "../config/defaultRoleSessionName.ts";
import type { RoleProfile } from "../config/roleProfile.ts";
import { machineSessionNameSources } from "../config/sessionNameSources.ts";
import { isTruthy } from "../output/outputStyle.ts";
import { mfaSources } from "../mfa/mfaSources.ts";
import { readMfaCode } from "../mfa/readMfaCode.ts";
import { explainStsError } from "../sts/explainStsError.ts";
import { openStsClient } from "../sts/stsClient.ts";
import { fetchThroughMfaSession } from "./fetchThroughMfaSession.ts";
import type { TemporaryCredentials } from "./temporaryCredentials.ts";

export interface MfaPreferences {
  /** False with --no-gui. */
  readonly gui: boolean;
  readonly env: Record<string, string | undefined>;
}

/**
 * The uncached provider: find the source credentials, ask for an MFA code, assume the role with it. With an
 * MFA session on the source profile, assume it from the session instead (asking only to open one).
 */
export async function fetchRoleCredentials(profile: RoleProfile, preferences: MfaPreferences, reporter: Reporter, store: CacheStore): Promise<TemporaryCredentials> {
  const askForCode = async () => {
    const { env } = preferences;
    const sources = mfaSources({
      env,
      gui: preferences.gui && !isTruthy(env.VEGAS_CREDENTIALS_NO_GUI),
      timeoutSeconds: profile.source.mfaTimeoutSeconds,
      yubikey: { serial: profile.source.yubikeySerial, label: profile.source.yubikeyLabel },
      store,
      mfaProcess: profile.source.mfaProcess,
      verbose: (message) => reporter.verbose(message),
    });
    try {
      return await readMfaCode({ profile: profile.name, mfaSerial: profile.source.mfaSerial }, sources.offers, reporter, profile.source.mfaTimeoutSeconds * 1000);
    } finally {
      sources.close();
    }
  };
  const roleSessionName = profile.roleSessionName ?? defaultRoleSessionName(machineSessionNameSources());
  if (profile.source.mfaSession !== undefined) return fetchThroughMfaSession(profile, profile.source.mfaSession, { roleSessionName, askForCode, store, reporter });
  const sts = await openStsClient(profile, reporter).catch((error: unknown) => {
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
