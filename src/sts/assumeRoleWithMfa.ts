import type { RoleProfile } from "../config/roleProfile.ts";
import type { TemporaryCredentials } from "../credentials/temporaryCredentials.ts";
import type { Reporter } from "../cli/reporter.ts";
import { explainStsError } from "./explainStsError.ts";

export interface AssumeRoleRequest {
  readonly profile: RoleProfile;
  readonly roleSessionName: string;
  readonly mfaCode: string;
}

/**
 * STS AssumeRole signed with the source profile's own credentials, which the AWS SDK finds by profile
 * name (credentials file, SSO, credential_process...): this tool never reads ~/.aws/credentials itself.
 */
export async function assumeRoleWithMfa(request: AssumeRoleRequest, reporter: Reporter): Promise<TemporaryCredentials> {
  // The SDK costs 30–75 ms to load: only a cache miss pays for it.
  const { STSClient, AssumeRoleCommand } = await import("@aws-sdk/client-sts");
  const { profile } = request;
  const client = new STSClient({
    profile: profile.source.name,
    region: profile.sts.region,
    ...(profile.sts.endpoint !== undefined ? { endpoint: profile.sts.endpoint } : {}),
    useGlobalEndpoint: profile.sts.useGlobalEndpoint,
    // One retry, for throttling and transient faults (the SDK's standard policy). A throttled call never spent the
    // single-use MFA code; a retry after a 5xx that did spend it fails as a reused code, which the user sees as such.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
    logger: sdkLogger(reporter),
  });
  reporter.verbose(
    `STS AssumeRole ${profile.roleArn} as source profile "${profile.source.name}" in ${profile.sts.region}${profile.sts.endpoint ? ` at ${profile.sts.endpoint}` : ""}`,
  );
  try {
    const response = await client.send(
      new AssumeRoleCommand({
        RoleArn: profile.roleArn,
        RoleSessionName: request.roleSessionName,
        DurationSeconds: profile.durationSeconds,
        SerialNumber: profile.source.mfaSerial,
        TokenCode: request.mfaCode,
        ...(profile.externalId !== undefined ? { ExternalId: profile.externalId } : {}),
      }),
    );
    const credentials = response.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
      throw new Error("STS answered AssumeRole without complete credentials");
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: new Date(credentials.Expiration),
    };
  } catch (error) {
    throw explainStsError(error, profile, "AssumeRole");
  } finally {
    client.destroy();
  }
}

/** The SDK's own warnings go to verbose output, not to the stderr line the AWS CLI shows. */
function sdkLogger(reporter: Reporter) {
  const quiet = () => {};
  return { debug: quiet, info: quiet, trace: quiet, warn: (message: unknown) => reporter.verbose(`AWS SDK: ${String(message).split("\n")[0]}`), error: quiet };
}
