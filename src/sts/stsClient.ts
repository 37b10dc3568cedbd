import type { Reporter } from "../output/reporter.ts";
import { type RoleProfile, requestedDurationSeconds } from "../config/roleProfile.ts";
import type { TemporaryCredentials } from "./temporaryCredentials.ts";
import { awsFetch } from "./awsFetch.ts";
import { HIDDEN_CREDENTIALS_FILE } from "../environment.ts";
import { checkCredentialsFile } from "../config/checkCredentialsFile.ts";

/**
 * STS for one role profile, with the credentials that sign its calls already found. Calls throw the SDK's
 * own errors: callers turn them into one line with explainStsError, or act on them (a rejected session).
 */
export interface StsClient {
  /** AssumeRole; with `mfaCode` the call carries SerialNumber and TokenCode, without it the signer must have MFA. */
  assumeRole(roleSessionName: string, mfaCode?: string): Promise<TemporaryCredentials>;
  /** GetSessionToken with an MFA code: a session whose keys satisfy MFA for the roles assumed from it. */
  getSessionToken(mfaCode: string, durationSeconds: number): Promise<TemporaryCredentials>;
  close(): void;
}

/**
 * An STS call that gets no answer ends well inside the minute the Go SDK (Terraform) gives a credential
 * process, lock waiters included: CALL_DEADLINE_MS in all. A call that carries a single-use MFA code is tried
 * once (a retry after a timeout would send a code STS may have taken already); one signed by an MFA session
 * gets an attempt and a retry of ATTEMPT_TIMEOUT_MS each.
 */
export const ATTEMPT_TIMEOUT_MS = 8_000;
export const CALL_DEADLINE_MS = 18_000;

/**
 * Loads the SDK and finds the signing credentials before anyone is asked for a code: the source profile's
 * (the SDK finds them by profile name: keys, SSO, credential_process...; this tool never reads
 * ~/.aws/credentials itself), or `signWith` (an MFA session). A source profile without credentials fails
 * here and never wastes a single-use code.
 */
export async function openStsClient(profile: RoleProfile, reporter: Reporter, signWith?: TemporaryCredentials, sourceKey?: LongTermKey): Promise<StsClient> {
  giveTheSdkAHome(process.env);
  showTheCredentialsFile(process.env);
  if (signWith === undefined && sourceKey === undefined) checkCredentialsFile(process.env);
  const fetchFromAws = awsFetch();
  // The SDK costs 30–75 ms to load: only a cache miss pays for it.
  const [{ STSClient, AssumeRoleCommand, GetSessionTokenCommand }, { fromIni }, { FetchHttpHandler }] = await Promise.all([
    import("@aws-sdk/client-sts"),
    import("@aws-sdk/credential-provider-ini"),
    import("@smithy/fetch-http-handler"),
  ]);
  const client = new STSClient({
    // A source profile lives in the AWS config files: fromIni covers keys, SSO, credential_process and
    // credential_source there, and never probes EC2 instance metadata (seconds of timeouts off EC2).
    // A key from a store (vegas_keys) goes straight to the client: never into the environment or a file.
    credentials: signWith ?? sourceKey ?? fromIni({ profile: profile.source.name, logger: sdkLogger(reporter) }),
    // The global endpoint takes signatures for us-east-1 only.
    region: profile.sts.useGlobalEndpoint ? "us-east-1" : profile.sts.region,
    // Resolved here, so the endpoint messages name is the endpoint used (the SDK honours a profile's endpoint_url
    // only when the profile arrives through AWS_PROFILE).
    endpoint: profile.sts.endpointUrl,
    // Calls signed by the source profile carry an MFA code (AssumeRole, GetSessionToken): one attempt.
    maxAttempts: signWith === undefined ? 1 : 2,
    // Bun's fetch: a deadline per attempt that covers connecting too, and the proxy botocore would use.
    requestHandler: new FetchHttpHandler({
      requestTimeout: signWith === undefined ? CALL_DEADLINE_MS - 1_000 : ATTEMPT_TIMEOUT_MS,
      // STS never redirects: a signed request (with a single-use MFA code) is not sent on to another host.
      customFetch: (request: Request) => fetchFromAws(request),
    } as ConstructorParameters<typeof FetchHttpHandler>[0]),
    logger: sdkLogger(reporter),
  });
  try {
    // The provider memoizes what it finds: the calls below sign with the same credentials.
    await client.config.credentials();
  } catch (error) {
    client.destroy();
    throw error;
  }
  const where = `in ${profile.sts.region} at ${profile.sts.endpointUrl}`;
  const signer = signWith === undefined ? `source profile "${profile.source.name}"` : "the MFA session";
  return {
    async assumeRole(roleSessionName: string, mfaCode?: string): Promise<TemporaryCredentials> {
      reporter.verbose(`STS AssumeRole ${profile.roleArn} as ${signer} ${where}`);
      const response = await client.send(
        new AssumeRoleCommand({
          RoleArn: profile.roleArn,
          RoleSessionName: roleSessionName,
          DurationSeconds: requestedDurationSeconds(profile),
          ...(mfaCode !== undefined ? { SerialNumber: profile.source.mfaSerial, TokenCode: mfaCode } : {}),
          ...(profile.externalId !== undefined ? { ExternalId: profile.externalId } : {}),
        }),
        { abortSignal: AbortSignal.timeout(CALL_DEADLINE_MS) },
      );
      return complete(response, "AssumeRole");
    },
    async getSessionToken(mfaCode: string, durationSeconds: number): Promise<TemporaryCredentials> {
      reporter.verbose(`STS GetSessionToken for ${profile.source.mfaSerial} as ${signer} ${where}, ${durationSeconds} s`);
      const response = await client.send(new GetSessionTokenCommand({ SerialNumber: profile.source.mfaSerial, TokenCode: mfaCode, DurationSeconds: durationSeconds }), {
        abortSignal: AbortSignal.timeout(CALL_DEADLINE_MS),
      });
      return complete(response, "GetSessionToken");
    },
    close: () => client.destroy(),
  };
}

/**
 * The SDK asks for the home folder even when AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name every file
 * it reads, and os.homedir() throws for a user with no passwd entry (a container with an arbitrary uid): with
 * no home, it gets one that holds nothing, so only the files the environment names are read.
 */
function giveTheSdkAHome(env: Record<string, string | undefined>): void {
  if (env.HOME || env.USERPROFILE || env.HOMEPATH) return;
  try {
    (require("node:os") as typeof import("node:os")).homedir();
  } catch {
    env.HOME = "/nonexistent";
  }
}

/** Inside `exec --server` the source profile's keys are where they were before exec hid them (see HIDDEN_CREDENTIALS_FILE). */
function showTheCredentialsFile(env: Record<string, string | undefined>): void {
  const hidden = env[HIDDEN_CREDENTIALS_FILE];
  if (hidden === undefined) return;
  if (hidden === "") delete env.AWS_SHARED_CREDENTIALS_FILE;
  else env.AWS_SHARED_CREDENTIALS_FILE = hidden;
}

/** An IAM user's access key, as a store (vegas_keys) holds it. */
export interface LongTermKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface SdkCredentials {
  AccessKeyId?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
  Expiration?: Date;
}

/** The credentials of an answer; an answer without them (a captive portal's page, say) is an odd response. */
function complete(response: { Credentials?: SdkCredentials; $metadata: { httpStatusCode?: number } }, action: string): TemporaryCredentials {
  const credentials = response.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration || Number.isNaN(new Date(credentials.Expiration).getTime())) {
    throw Object.assign(new Error(`the ${action} answer holds no complete credentials`), { name: "IncompleteResponse", $metadata: response.$metadata });
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: new Date(credentials.Expiration),
  };
}

/** The SDK's own warnings go to verbose output, not to the stderr line the AWS CLI shows. */
export function sdkLogger(reporter: Reporter) {
  const quiet = () => {};
  return { debug: quiet, info: quiet, trace: quiet, warn: (message: unknown) => reporter.verbose(`AWS SDK: ${String(message).split("\n")[0]}`), error: quiet };
}
