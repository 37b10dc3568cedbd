import type { Reporter } from "../cli/reporter.ts";
import { defaultRoleSessionName } from "../config/defaultRoleSessionName.ts";
import type { RoleProfile } from "../config/roleProfile.ts";
import { machineSessionNameSources } from "../config/sessionNameSources.ts";
import type { MfaSourceOffer } from "../mfa/mfaCodeSource.ts";
import { readMfaCode } from "../mfa/readMfaCode.ts";
import { offerTerminal } from "../mfa/terminalSource.ts";
import { prepareRoleAssumer } from "../sts/assumeRoleWithMfa.ts";
import type { TemporaryCredentials } from "./temporaryCredentials.ts";

export interface MfaPreferences {
  readonly gui: boolean;
}

/** The sources that may give a code, in the order they are listed to the user. */
export function mfaSourceOffers(_preferences: MfaPreferences): MfaSourceOffer[] {
  return [offerTerminal];
}

/** The uncached provider: find the source credentials, ask for an MFA code, then assume the role with it. */
export async function fetchRoleCredentials(profile: RoleProfile, preferences: MfaPreferences, reporter: Reporter): Promise<TemporaryCredentials> {
  const sts = await prepareRoleAssumer(profile, reporter);
  try {
    const mfaCode = await readMfaCode({ profile: profile.name, mfaSerial: profile.source.mfaSerial }, mfaSourceOffers(preferences), reporter);
    const roleSessionName = profile.roleSessionName ?? defaultRoleSessionName(machineSessionNameSources());
    return await sts.assumeRole(mfaCode, roleSessionName);
  } finally {
    sts.close();
  }
}
