import type { RoleProfile } from "../config/roleProfile.ts";
import type { TemporaryCredentials } from "../credentials/temporaryCredentials.ts";
import type { Reporter } from "../cli/reporter.ts";
import { explainStsError } from "./explainStsError.ts";

export interface AssumeRoleRequest {
  readonly profile: RoleProfile;
  readonly roleSessionName: string;
  readonly mfaCode: string;
}

/** An STS client for one role profile whose source credentials are already found: ready for the code. */
export interface RoleAssumer {
  assumeRole(mfaCode: string, roleSessionName: string): Promise<TemporaryCredentials>;
  close(): void;
}

/** One AssumeRole call from start to end (tests, and callers that already have the code). */
export async function assumeRoleWithMfa(request: AssumeRoleRequest, reporter: Reporter): Promise<TemporaryCredentials> {
  const assumer = await prepareRoleAssumer(request.profile, reporter);
  try {
    return await assumer.assumeRole(request.mfaCode, request.roleSessionName);
  } finally {
    assumer.close();
  }
}

/**
 * Loads the SDK and finds the source profile's credentials (the SDK does, by profile name: credentials file,
 * SSO, credential_process...; this tool never reads ~/.aws/credentials itself), before anyone is asked for
 * a code: a source profile without credentials fails here, and never wastes a single-use code.
 */
export async function prepareRoleAssumer(profile: RoleProfile, reporter: Reporter): Promise<RoleAssumer> {
  // The SDK costs 30–75 ms to load: only a cache miss pays for it.
  const [{ STSClient, AssumeRoleCommand }, { fromIni }] = await Promise.all([import("@aws-sdk/client-sts"), import("@aws-sdk/credential-provider-ini")]);
  const client = new STSClient({
    // A source profile lives in the AWS config files: fromIni covers keys, SSO, credential_process and
    // credential_source there, and never probes EC2 instance metadata (seconds of timeouts off EC2).
    credentials: fromIni({ profile: profile.source.name, logger: sdkLogger(reporter) }),
    region: profile.sts.region,
    ...(profile.sts.endpoint !== undefined ? { endpoint: profile.sts.endpoint } : {}),
    useGlobalEndpoint: profile.sts.useGlobalEndpoint,
    // One retry, for throttling and transient faults (the SDK's standard policy). A throttled call never spent the
    // single-use MFA code; a retry after a 5xx that did spend it fails as a reused code, which the user sees as such.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
    logger: sdkLogger(reporter),
  });
  try {
    // The provider memoizes what it finds: send() below signs with the same credentials.
    await client.config.credentials();
  } catch (error) {
    client.destroy();
    throw explainStsError(error, profile, "AssumeRole");
  }
  return {
    async assumeRole(mfaCode: string, roleSessionName: string): Promise<TemporaryCredentials> {
      reporter.verbose(
        `STS AssumeRole ${profile.roleArn} as source profile "${profile.source.name}" in ${profile.sts.region}${profile.sts.endpoint ? ` at ${profile.sts.endpoint}` : ""}`,
      );
      try {
        const response = await client.send(
          new AssumeRoleCommand({
            RoleArn: profile.roleArn,
            RoleSessionName: roleSessionName,
            DurationSeconds: profile.durationSeconds,
            SerialNumber: profile.source.mfaSerial,
            TokenCode: mfaCode,
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
      }
    },
    close: () => client.destroy(),
  };
}

/** The SDK's own warnings go to verbose output, not to the stderr line the AWS CLI shows. */
function sdkLogger(reporter: Reporter) {
  const quiet = () => {};
  return { debug: quiet, info: quiet, trace: quiet, warn: (message: unknown) => reporter.verbose(`AWS SDK: ${String(message).split("\n")[0]}`), error: quiet };
}
