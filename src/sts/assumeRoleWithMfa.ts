import type { Reporter } from "../cli/reporter.ts";
import type { RoleProfile } from "../config/roleProfile.ts";
import type { TemporaryCredentials } from "../credentials/temporaryCredentials.ts";
import { explainStsError } from "./explainStsError.ts";
import { openStsClient } from "./stsClient.ts";

export interface AssumeRoleRequest {
  readonly profile: RoleProfile;
  readonly roleSessionName: string;
  readonly mfaCode: string;
}

/** One AssumeRole with an MFA code, signed with the source profile's credentials; failures as one line. */
export async function assumeRoleWithMfa(request: AssumeRoleRequest, reporter: Reporter): Promise<TemporaryCredentials> {
  const { profile } = request;
  const sts = await openStsClient(profile, reporter).catch((error: unknown) => {
    throw explainStsError(error, profile, "AssumeRole");
  });
  try {
    return await sts.assumeRole(request.roleSessionName, request.mfaCode);
  } catch (error) {
    throw explainStsError(error, profile, "AssumeRole");
  } finally {
    sts.close();
  }
}
