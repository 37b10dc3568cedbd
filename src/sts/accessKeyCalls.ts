import type { Reporter } from "../output/reporter.ts";
import { printableLine } from "../output/printableText.ts";
import { awsFetch } from "./awsFetch.ts";
import { ATTEMPT_TIMEOUT_MS, type LongTermKey, sdkLogger } from "./stsClient.ts";
import type { TemporaryCredentials } from "./temporaryCredentials.ts";

/** Where one AWS service is called: the region that signs, and the URL. */
export interface AwsTarget {
  readonly region: string;
  readonly endpointUrl: string;
}

export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
}

/** What signs a call: a long-term key, or temporary credentials (an MFA session). */
export type Signer = LongTermKey | TemporaryCredentials;

/**
 * GetCallerIdentity: whether STS takes these credentials, and whose they are. Needs no permission and no MFA,
 * so it checks a key before it is stored, and a new key after rotation (IAM is eventually consistent).
 * Throws the SDK's error (see awsProblem).
 */
export async function callerIdentity(signer: Signer, sts: AwsTarget, reporter: Reporter): Promise<CallerIdentity> {
  const [{ STSClient, GetCallerIdentityCommand }, { FetchHttpHandler }] = await Promise.all([import("@aws-sdk/client-sts"), import("@smithy/fetch-http-handler")]);
  const client = new STSClient({ credentials: signer, region: sts.region, endpoint: sts.endpointUrl, maxAttempts: 2, requestHandler: handler(FetchHttpHandler), logger: sdkLogger(reporter) });
  try {
    reporter.verbose(`STS GetCallerIdentity at ${sts.endpointUrl}`);
    const answer = await client.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(2 * ATTEMPT_TIMEOUT_MS) });
    if (!answer.Arn || !answer.Account) throw Object.assign(new Error("the GetCallerIdentity answer names no one"), { name: "IncompleteResponse" });
    return { arn: answer.Arn, account: answer.Account };
  } finally {
    client.destroy();
  }
}

/** GetSessionToken with an MFA code: 15 minutes of credentials that satisfy an IAM policy's MFA condition. */
export async function shortMfaSession(key: LongTermKey, sts: AwsTarget, mfaSerial: string, code: string, reporter: Reporter): Promise<TemporaryCredentials> {
  const [{ STSClient, GetSessionTokenCommand }, { FetchHttpHandler }] = await Promise.all([import("@aws-sdk/client-sts"), import("@smithy/fetch-http-handler")]);
  // One attempt: the code is single-use.
  const client = new STSClient({ credentials: key, region: sts.region, endpoint: sts.endpointUrl, maxAttempts: 1, requestHandler: handler(FetchHttpHandler), logger: sdkLogger(reporter) });
  try {
    reporter.verbose(`STS GetSessionToken for ${mfaSerial} at ${sts.endpointUrl}`);
    const answer = (await client.send(new GetSessionTokenCommand({ SerialNumber: mfaSerial, TokenCode: code, DurationSeconds: 900 }), { abortSignal: AbortSignal.timeout(2 * ATTEMPT_TIMEOUT_MS) })).Credentials;
    if (!answer?.AccessKeyId || !answer.SecretAccessKey || !answer.SessionToken || !answer.Expiration) throw Object.assign(new Error("the GetSessionToken answer holds no credentials"), { name: "IncompleteResponse" });
    return { accessKeyId: answer.AccessKeyId, secretAccessKey: answer.SecretAccessKey, sessionToken: answer.SessionToken, expiration: new Date(answer.Expiration) };
  } finally {
    client.destroy();
  }
}

/** An IAM user's own access keys, called as `signer` (an MFA session, where the user's policy asks for MFA). */
export interface AccessKeys {
  create(userName: string): Promise<LongTermKey>;
  remove(userName: string, accessKeyId: string): Promise<void>;
  /** The IDs of the user's keys, as IAM has them now. */
  list(userName: string): Promise<string[]>;
  close(): void;
}

/** IAM, loaded only here (`keys rotate`): @aws-sdk/client-iam is not in any other path. */
export async function openAccessKeys(signer: Signer, iam: AwsTarget, reporter: Reporter): Promise<AccessKeys> {
  const [{ IAMClient, CreateAccessKeyCommand, DeleteAccessKeyCommand, ListAccessKeysCommand }, { FetchHttpHandler }] = await Promise.all([import("@aws-sdk/client-iam"), import("@smithy/fetch-http-handler")]);
  // One attempt each: a CreateAccessKey retried after a lost answer would make a second key.
  const client = new IAMClient({ credentials: signer, region: iam.region, endpoint: iam.endpointUrl, maxAttempts: 1, requestHandler: handler(FetchHttpHandler), logger: sdkLogger(reporter) });
  const deadline = () => ({ abortSignal: AbortSignal.timeout(2 * ATTEMPT_TIMEOUT_MS) });
  return {
    async create(userName) {
      reporter.verbose(`IAM CreateAccessKey for ${userName} at ${iam.endpointUrl}`);
      const key = (await client.send(new CreateAccessKeyCommand({ UserName: userName }), deadline())).AccessKey;
      if (!key?.AccessKeyId || !key.SecretAccessKey) throw Object.assign(new Error("the CreateAccessKey answer holds no key"), { name: "IncompleteResponse" });
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    },
    async remove(userName, accessKeyId) {
      reporter.verbose(`IAM DeleteAccessKey ${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)} of ${userName} at ${iam.endpointUrl}`);
      await client.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId }), deadline());
    },
    async list(userName) {
      reporter.verbose(`IAM ListAccessKeys of ${userName} at ${iam.endpointUrl}`);
      const answer = await client.send(new ListAccessKeysCommand({ UserName: userName }), deadline());
      return (answer.AccessKeyMetadata ?? []).flatMap((key) => (key.AccessKeyId ? [key.AccessKeyId] : []));
    },
    close: () => client.destroy(),
  };
}

/** Whether the service answered and said no (a 4xx with its own code): the request was not carried out. */
export function refusedByService(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

function handler<Handler>(FetchHttpHandler: new (options: never) => Handler): Handler {
  const fetchFromAws = awsFetch();
  return new FetchHttpHandler({ requestTimeout: ATTEMPT_TIMEOUT_MS, customFetch: (request: Request) => fetchFromAws(request) } as never);
}

/** An AWS call's failure in a few words: the service's code and message, or what went wrong on the way. */
export function awsProblem(error: unknown, service: string, endpointUrl: string): string {
  const failure = (error ?? {}) as { name?: string; message?: string; code?: string; $metadata?: unknown };
  const message = printableLine(failure.message ?? String(error), 200).replace(/\s+/g, " ").trim();
  if (failure.$metadata !== undefined && failure.name && failure.name !== "Error") return `${failure.name}: ${message}`;
  if (/timed? ?out|aborted|TimeoutError/i.test(`${failure.name} ${message}`)) return `${service} at ${endpointUrl} did not answer in time`;
  return `cannot reach ${service} at ${endpointUrl} (${failure.code ?? message})`;
}

/** The user name of an IAM user's ARN (arn:aws:iam::123456789012:user/path/NAME); undefined for anything else. */
export function userNameOf(arn: string): string | undefined {
  const match = /^arn:[\w-]+:iam::\d{12}:user\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(arn);
  return match?.[1];
}
