import type { CacheStore } from "../cache/cacheStore.ts";
import type { Reporter } from "../cli/reporter.ts";
import { defaultRoleSessionName } from "../config/defaultRoleSessionName.ts";
import type { RoleProfile } from "../config/roleProfile.ts";
import { machineSessionNameSources } from "../config/sessionNameSources.ts";
import type { MfaSourceOffer } from "../mfa/mfaCodeSource.ts";
import { readMfaCode } from "../mfa/readMfaCode.ts";
import { offerTerminal } from "../mfa/terminalSource.ts";
import { explainStsError } from "../sts/explainStsError.ts";
import { openStsClient } from "../sts/stsClient.ts";
import { fetchThroughMfaSession } from "./fetchThroughMfaSession.ts";
import type { TemporaryCredentials } from "./temporaryCredentials.ts";

export interface MfaPreferences {
  readonly gui: boolean;
}

/** The sources that may give a code, in the order they are listed to the user. */
export function mfaSourceOffers(_preferences: MfaPreferences): MfaSourceOffer[] {
  return [offerTerminal];
}

/**
 * The uncached provider: find the source credentials, ask for an MFA code, assume the role with it. With an
 * MFA session on the source profile, assume it from the session instead (asking only to open one).
 */
export async function fetchRoleCredentials(profile: RoleProfile, preferences: MfaPreferences, reporter: Reporter, store: CacheStore): Promise<TemporaryCredentials> {
  const askForCode = () => readMfaCode({ profile: profile.name, mfaSerial: profile.source.mfaSerial }, mfaSourceOffers(preferences), reporter);
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
