import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from "@aws-sdk/client-sts";
import { type StsDouble, startStsDouble, totpCode } from "./stsDouble.ts";
import { temporaryFolder } from "./temporaryFolder.ts";

// bun test ignores a timeout in bunfig.toml; each AWS CLI run starts Python (~0.8 s).
setDefaultTimeout(30_000);

const SOURCE = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const USER_ARN = "arn:aws:iam::111111111111:user/FrankSinatra";
const TOTP_SECRET = "JBSWY3DPEHPK3PXP";
const ROLE = "arn:aws:iam::222222222222:role/team/app/SingerRole";
const GUARDED_ROLE = "arn:aws:iam::222222222222:role/Guarded";
const OPEN_ROLE = "arn:aws:iam::222222222222:role/NoMfaNeeded";
const MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code. ";

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

let sts: StsDouble;
let home: string;
let devices = 0;

beforeAll(async () => {
  home = temporaryFolder("sts-double-");
  sts = await startStsDouble({
    users: { [SOURCE.accessKeyId]: { secretAccessKey: SOURCE.secretAccessKey, arn: USER_ARN } },
    mfa: { totpSecret: TOTP_SECRET },
    roles: {
      [ROLE]: { maxSessionDuration: 7200 },
      [GUARDED_ROLE]: { externalId: "0093624694724" },
      [OPEN_ROLE]: { requireMfa: false },
      "arn:aws-cn:iam::333333333333:role/China": {},
      "arn:aws-us-gov:iam::444444444444:role/Gov": {},
    },
  });
});

afterAll(async () => {
  await sts.stop();
  rmSync(home, { recursive: true, force: true });
});

/** A fresh MFA device per test: STS accepts each code once per device, and tests run within one 30 s step. */
function newMfaDevice(): string {
  devices += 1;
  return `arn:aws:iam::111111111111:mfa/device${devices}`;
}

/** A 6-digit code that is none of the codes the double accepts right now. */
function wrongCode(): string {
  const valid = [-30_000, 0, 30_000].map((shift) => totpCode(TOTP_SECRET, Date.now() + shift));
  let code = Number(valid[1]);
  do code = (code + 1) % 1_000_000;
  while (valid.includes(String(code).padStart(6, "0")));
  return String(code).padStart(6, "0");
}

/** Waits out the last second of a 30 s TOTP step, so codes computed now keep their step while in use. */
async function awayFromStepEdge(): Promise<void> {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 29_000) await Bun.sleep(30_000 - intoStep + 50);
}

function sdkClient(keys: Keys = SOURCE): STSClient {
  return new STSClient({ region: "us-west-1", endpoint: sts.url, credentials: keys, maxAttempts: 1 });
}

function keysOf(credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Keys {
  return { accessKeyId: credentials?.AccessKeyId ?? "", secretAccessKey: credentials?.SecretAccessKey ?? "", sessionToken: credentials?.SessionToken ?? "" };
}

function assumeRoleInput(overrides: Partial<AssumeRoleCommandInput> = {}): AssumeRoleCommandInput {
  return { RoleArn: ROLE, RoleSessionName: "SinatraAtTheSands", SerialNumber: newMfaDevice(), TokenCode: totpCode(TOTP_SECRET), ...overrides };
}

/** What the SDK threw, in the fields product code reads. */
async function sdkError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(STSServiceException);
  const { name, message, $fault, $metadata } = error as STSServiceException;
  return { name, Code: (error as { Code?: string }).Code, message, $fault, status: $metadata.httpStatusCode };
}

describe("the STS double through @aws-sdk/client-sts", () => {
  test("AssumeRole with a current code issues session credentials for the role", async () => {
    const input = assumeRoleInput({ DurationSeconds: 4383 });
    const response = await sdkClient().send(new AssumeRoleCommand(input));
    const credentials = response.Credentials;
    expect(credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials?.SecretAccessKey).toHaveLength(40);
    expect(credentials?.SessionToken?.length).toBeGreaterThan(100);
    const lifetime = (credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(4380_000);
    expect(lifetime).toBeLessThanOrEqual(4383_000);
    // The assumed-role ARN drops the role's path.
    expect(response.AssumedRoleUser?.Arn).toBe("arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands");
    expect(response.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:SinatraAtTheSands$/);
    expect(sts.calls.at(-1)).toEqual({
      action: "AssumeRole",
      params: expect.objectContaining({ Action: "AssumeRole", Version: "2011-06-15", RoleArn: ROLE, DurationSeconds: "4383", SerialNumber: input.SerialNumber, TokenCode: input.TokenCode }),
      accessKeyId: SOURCE.accessKeyId,
      handledMs: expect.any(Number),
    });
  });

  test("GetCallerIdentity answers who signed: the source user, or the assumed role", async () => {
    const user = await sdkClient().send(new GetCallerIdentityCommand({}));
    expect(user).toMatchObject({ Arn: USER_ARN, Account: "111111111111" });
    expect(user.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const assumed = await sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ RoleSessionName: "who" })));
    const role = await sdkClient(keysOf(assumed.Credentials)).send(new GetCallerIdentityCommand({}));
    expect(role).toMatchObject({ Arn: "arn:aws:sts::222222222222:assumed-role/SingerRole/who", Account: "222222222222" });
    expect(sts.calls.at(-1)?.accessKeyId).toBe(assumed.Credentials?.AccessKeyId);
  });

  test("role ARNs of the China and GovCloud partitions", async () => {
    for (const [roleArn, assumedArn] of [
      ["arn:aws-cn:iam::333333333333:role/China", "arn:aws-cn:sts::333333333333:assumed-role/China/partition"],
      ["arn:aws-us-gov:iam::444444444444:role/Gov", "arn:aws-us-gov:sts::444444444444:assumed-role/Gov/partition"],
    ] as const) {
      const response = await sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ RoleArn: roleArn, RoleSessionName: "partition" })));
      expect(response.AssumedRoleUser?.Arn).toBe(assumedArn);
    }
  });

  test("a wrong code, and a right code used a second time, fail as STS fails them", async () => {
    const device = newMfaDevice();
    const wrong = await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ SerialNumber: device, TokenCode: wrongCode() }))));
    expect(wrong).toEqual({ name: "AccessDenied", Code: "AccessDenied", message: MFA_FAILED, $fault: "client", status: 403 });
    const code = totpCode(TOTP_SECRET);
    await sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ SerialNumber: device, TokenCode: code })));
    const reused = await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ SerialNumber: device, TokenCode: code }))));
    expect(reused).toEqual(wrong);
  });

  test("codes of the previous and next 30 s step are accepted, older ones are not", async () => {
    await awayFromStepEdge();
    const now = Date.now();
    for (const shift of [-30_000, 30_000]) {
      await sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ TokenCode: totpCode(TOTP_SECRET, now + shift) })));
    }
    const stale = await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ TokenCode: totpCode(TOTP_SECRET, now - 90_000) }))));
    expect(stale.message).toBe(MFA_FAILED);
  });

  test("a duration above the role's maximum is a ValidationError", async () => {
    const error = await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ DurationSeconds: 10800 }))));
    expect(error).toEqual({
      name: "ValidationError",
      Code: "ValidationError",
      message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
      $fault: "client",
      status: 400,
    });
  });

  test("malformed parameters are ValidationErrors worded as STS words them", async () => {
    const short = await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ RoleSessionName: "x", TokenCode: "12345" }))));
    expect(short.message).toBe(
      "2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6",
    );
    const duration = await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ DurationSeconds: 600 }))));
    expect(duration.message).toContain("at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
    const arn = await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ RoleArn: "arn:aws:iam:222222222222:role/<Singer>&Co" }))));
    // The message round-trips through XML escaping intact.
    expect(arn).toMatchObject({ name: "ValidationError", message: "arn:aws:iam:222222222222:role/<Singer>&Co is invalid", status: 400 });
  });

  test("no MFA code for a role that requires one, or a wrong external ID: AccessDenied naming the caller and role", async () => {
    const denied = `User: ${USER_ARN} is not authorized to perform: sts:AssumeRole on resource: `;
    const noCode = await sdkError(sdkClient().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "nocode" })));
    expect(noCode).toMatchObject({ name: "AccessDenied", message: denied + ROLE, status: 403 });
    const wrongId = await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ RoleArn: GUARDED_ROLE, ExternalId: "wrong-id" }))));
    expect(wrongId).toMatchObject({ name: "AccessDenied", message: denied + GUARDED_ROLE, status: 403 });
    await sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ RoleArn: GUARDED_ROLE, ExternalId: "0093624694724" })));
    await sdkClient().send(new AssumeRoleCommand({ RoleArn: OPEN_ROLE, RoleSessionName: "open" }));
  });

  test("an unknown access key is InvalidClientTokenId, a wrong secret is SignatureDoesNotMatch", async () => {
    const unknown = await sdkError(sdkClient({ accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" }).send(new GetCallerIdentityCommand({})));
    expect(unknown).toEqual({ name: "InvalidClientTokenId", Code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", $fault: "client", status: 403 });
    const wrongSecret = await sdkError(sdkClient({ ...SOURCE, secretAccessKey: "not-the-secret" }).send(new AssumeRoleCommand(assumeRoleInput())));
    expect(wrongSecret).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
    expect(wrongSecret.message).toStartWith("The request signature we calculated does not match the signature you provided.");
    expect(sts.calls.at(-1)).toMatchObject({ action: "AssumeRole", accessKeyId: SOURCE.accessKeyId, error: "SignatureDoesNotMatch" });
  });

  test("a request signed more than 15 minutes off STS's clock is refused in STS's words, either way", async () => {
    const skewed = (offsetMs: number) => new STSClient({ region: "us-west-1", endpoint: sts.url, credentials: SOURCE, maxAttempts: 1, systemClockOffset: offsetMs });
    const stamp = "\\d{8}T\\d{6}Z";
    const ahead = await sdkError(skewed(2 * 3600_000).send(new GetCallerIdentityCommand({})));
    expect(ahead).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
    expect(ahead.message).toMatch(new RegExp(`^Signature not yet current: ${stamp} is still later than ${stamp} \\(${stamp} \\+ 15 min\\.\\)$`));
    const behind = await sdkError(skewed(-2 * 3600_000).send(new GetCallerIdentityCommand({})));
    expect(behind.message).toMatch(new RegExp(`^Signature expired: ${stamp} is now earlier than ${stamp} \\(${stamp} - 15 min\\.\\)$`));
    // Within 15 minutes, the signature is good.
    expect((await skewed(10 * 60_000).send(new GetCallerIdentityCommand({}))).Arn).toBe(USER_ARN);
  });

  test("an MFA session from GetSessionToken assumes roles without a new code", async () => {
    const session = await sdkClient().send(new GetSessionTokenCommand({ SerialNumber: newMfaDevice(), TokenCode: totpCode(TOTP_SECRET) }));
    const sessionLifetime = (session.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(sessionLifetime).toBeGreaterThan(43190_000);
    const sessionKeys = keysOf(session.Credentials);
    expect(await sdkClient(sessionKeys).send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: USER_ARN });
    const assumed = await sdkClient(sessionKeys).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "from-session" }));
    expect(assumed.AssumedRoleUser?.Arn).toBe("arn:aws:sts::222222222222:assumed-role/SingerRole/from-session");
    const again = await sdkError(sdkClient(sessionKeys).send(new GetSessionTokenCommand({})));
    expect(again).toMatchObject({ name: "AccessDenied", message: "Cannot call GetSessionToken with session credentials", status: 403 });
    // Signed with session credentials, AssumeRole is role chaining to STS: an hour at most.
    const long = await sdkError(sdkClient(sessionKeys).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "from-session", DurationSeconds: 3601 })));
    expect(long).toMatchObject({ name: "ValidationError", message: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." });
  });

  test("a session without MFA does not satisfy a role that requires it; role chaining is capped at one hour", async () => {
    const plain = keysOf((await sdkClient().send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials);
    expect(await sdkError(sdkClient(plain).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "plain" })))).toMatchObject({ name: "AccessDenied" });
    const role = keysOf((await sdkClient().send(new AssumeRoleCommand(assumeRoleInput()))).Credentials);
    const chained = await sdkError(sdkClient(role).send(new AssumeRoleCommand({ RoleArn: OPEN_ROLE, RoleSessionName: "chain", DurationSeconds: 7200 })));
    expect(chained).toMatchObject({ name: "ValidationError", message: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." });
  });

  test("session keys tampered with, or expired, are refused", async () => {
    const issued = keysOf((await sdkClient().send(new AssumeRoleCommand(assumeRoleInput()))).Credentials);
    const badToken = await sdkError(sdkClient({ ...issued, sessionToken: "forged" }).send(new GetCallerIdentityCommand({})));
    expect(badToken).toMatchObject({ name: "InvalidClientTokenId", status: 403 });
    sts.setCredentialLifetime(1);
    try {
      const short = await sdkClient().send(new AssumeRoleCommand(assumeRoleInput()));
      expect((short.Credentials?.Expiration?.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(1000);
      await Bun.sleep(1100);
      const expired = await sdkError(sdkClient(keysOf(short.Credentials)).send(new GetCallerIdentityCommand({})));
      expect(expired).toEqual({ name: "ExpiredToken", Code: "ExpiredToken", message: "The security token included in the request is expired", $fault: "client", status: 400 });
    } finally {
      sts.setCredentialLifetime(undefined);
    }
  });

  test("count() counts successful calls of one action", async () => {
    const before = sts.count("AssumeRole");
    await sdkClient().send(new AssumeRoleCommand(assumeRoleInput()));
    await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput({ TokenCode: wrongCode() }))));
    await sdkClient().send(new GetCallerIdentityCommand({}));
    expect(sts.count("AssumeRole")).toBe(before + 1);
  });

  test("failNext makes the next call of that action fail once, as STS throttling does", async () => {
    sts.failNext("AssumeRole", { status: 400, code: "Throttling", message: "Rate exceeded" });
    const throttled = await sdkError(sdkClient().send(new AssumeRoleCommand(assumeRoleInput())));
    expect(throttled).toEqual({ name: "Throttling", Code: "Throttling", message: "Rate exceeded", $fault: "client", status: 400 });
    expect(sts.calls.at(-1)?.error).toBe("Throttling");
    await sdkClient().send(new AssumeRoleCommand(assumeRoleInput()));
  });

  test("the SDK's default retries ride out one throttled answer", async () => {
    sts.failNext("GetCallerIdentity", { status: 400, code: "Throttling", message: "Rate exceeded" });
    const client = new STSClient({ region: "us-west-1", endpoint: sts.url, credentials: SOURCE });
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.$metadata.attempts).toBe(2);
  });

  test("an unsigned request gets STS's XML error document", async () => {
    const response = await fetch(sts.url, { method: "POST", body: new URLSearchParams({ Action: "GetCallerIdentity", Version: "2011-06-15" }) });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("text/xml");
    const body = await response.text();
    expect(body).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>');
    expect(body).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>/);
  });
});

describe("totpCode", () => {
  test("matches the RFC 6238 test vectors (SHA-1, last 6 digits)", () => {
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    expect(totpCode(secret, 59_000)).toBe("287082");
    expect(totpCode(secret, 1111111109_000)).toBe("081804");
    expect(totpCode(secret, 1234567890_000)).toBe("005924");
    expect(totpCode(secret, 20000000000_000)).toBe("353130");
  });
});

// ---- The AWS CLI v1 (botocore) ----

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function awsCli(args: string[], keys: Keys = SOURCE): Promise<CliResult> {
  const dir = mkdtempSync(join(home, "cli-"));
  const token = keys.sessionToken === undefined ? "" : `aws_session_token = ${keys.sessionToken}\n`;
  writeFileSync(join(dir, "credentials"), `[default]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n${token}`);
  writeFileSync(join(dir, "config"), "[default]\nregion = us-west-1\noutput = json\n");
  const child = Bun.spawn(["aws", ...args], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      AWS_ENDPOINT_URL_STS: sts.url,
      // botocore retries throttling up to 4 times by default.
      AWS_MAX_ATTEMPTS: "1",
      ...(process.env.PYENV_ROOT === undefined ? {} : { PYENV_ROOT: process.env.PYENV_ROOT }),
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr };
}

function cliAssumeRole(options: { durationSeconds?: number; device?: string; code?: string } = {}): string[] {
  const args = ["sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "cli-session"];
  args.push("--serial-number", options.device ?? newMfaDevice(), "--token-code", options.code ?? totpCode(TOTP_SECRET));
  if (options.durationSeconds !== undefined) args.push("--duration-seconds", String(options.durationSeconds));
  return args;
}

function cliError(result: CliResult, code: string, message: string): void {
  expect(result.exitCode).not.toBe(0);
  expect(result.stdout).toBe("");
  expect(result.stderr).toContain(`An error occurred (${code}) when calling the`);
  expect(result.stderr).toContain(message);
}

describe("the STS double through the AWS CLI v1", () => {
  test("assume-role succeeds, and get-caller-identity with the issued keys names the assumed role", async () => {
    const assumed = await awsCli(cliAssumeRole({ durationSeconds: 5400 }));
    expect(assumed.exitCode).toBe(0);
    const response = JSON.parse(assumed.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }; AssumedRoleUser: { Arn: string } };
    expect(response.Credentials.AccessKeyId).toMatch(/^ASIA/);
    expect(Date.parse(response.Credentials.Expiration) - Date.now()).toBeGreaterThan(5390_000);
    expect(response.AssumedRoleUser.Arn).toBe("arn:aws:sts::222222222222:assumed-role/SingerRole/cli-session");
    const identity = await awsCli(["sts", "get-caller-identity"], keysOf(response.Credentials));
    expect(identity.exitCode).toBe(0);
    expect(JSON.parse(identity.stdout)).toMatchObject({ Arn: "arn:aws:sts::222222222222:assumed-role/SingerRole/cli-session", Account: "222222222222" });
  });

  test("a wrong code and a reused code", async () => {
    const device = newMfaDevice();
    cliError(await awsCli(cliAssumeRole({ device, code: wrongCode() })), "AccessDenied", MFA_FAILED.trim());
    const code = totpCode(TOTP_SECRET);
    expect((await awsCli(cliAssumeRole({ device, code }))).exitCode).toBe(0);
    cliError(await awsCli(cliAssumeRole({ device, code })), "AccessDenied", MFA_FAILED.trim());
  });

  test("a duration above the role's maximum", async () => {
    cliError(await awsCli(cliAssumeRole({ durationSeconds: 10800 })), "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  });

  test("an unknown key and a wrong secret", async () => {
    cliError(await awsCli(cliAssumeRole(), { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" }), "InvalidClientTokenId", "The security token included in the request is invalid.");
    cliError(await awsCli(cliAssumeRole(), { ...SOURCE, secretAccessKey: "not-the-secret" }), "SignatureDoesNotMatch", "The request signature we calculated does not match");
  });

  test("count() and failNext", async () => {
    const before = sts.count("AssumeRole");
    sts.failNext("AssumeRole", { status: 400, code: "Throttling", message: "Rate exceeded" });
    cliError(await awsCli(cliAssumeRole()), "Throttling", "Rate exceeded");
    expect(sts.count("AssumeRole")).toBe(before);
    expect((await awsCli(cliAssumeRole())).exitCode).toBe(0);
    expect(sts.count("AssumeRole")).toBe(before + 1);
  });
});

// ---- Run on its own, as the README demo runs it ----

describe("bun test/support/stsDouble.ts", () => {
  test("prints one listening line, logs each call without secrets, and stops on SIGTERM", async () => {
    const keys = { accessKeyId: "AKIADEMODEMODEMO1234", secretAccessKey: "demo-secret-key-not-a-real-one-0000000000" };
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "stsDouble.ts"), "--port", "0", "--access-key-id", keys.accessKeyId, "--secret-access-key", keys.secretAccessKey], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    try {
      const url = await firstLine(stdout);
      expect(url).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+$/);
      const client = new STSClient({ region: "us-east-1", endpoint: url.replace("listening ", ""), credentials: keys, maxAttempts: 1 });
      // Any six digits, once per device; any role, for up to 12 hours.
      const input = { RoleArn: "arn:aws:iam::222222222222:role/Demo", RoleSessionName: "demo", DurationSeconds: 4383, SerialNumber: "arn:aws:iam::111111111111:mfa/demo", TokenCode: "123456" };
      await client.send(new AssumeRoleCommand(input));
      await sdkError(client.send(new AssumeRoleCommand(input)));
    } finally {
      child.kill("SIGTERM");
    }
    expect(await child.exited).toBe(0);
    await Promise.all([stdout.done, stderr.done]);
    expect(stdout.text.trim().split("\n")).toHaveLength(1);
    expect(stderr.text).toBe("AssumeRole arn:aws:iam::222222222222:role/Demo ok\nAssumeRole arn:aws:iam::222222222222:role/Demo failed: AccessDenied\n");
  });
});

/** Collects a stream's text as it arrives; `done` settles when the stream ends. */
function collect(stream: ReadableStream<Uint8Array>): { text: string; done: Promise<void> } {
  const collected = { text: "", done: Promise.resolve() };
  const decoder = new TextDecoder();
  collected.done = (async () => {
    for await (const chunk of stream) collected.text += decoder.decode(chunk, { stream: true });
  })();
  return collected;
}

async function firstLine(collected: { text: string }, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!collected.text.includes("\n")) {
    if (Date.now() > deadline) throw new Error(`no line on stdout within ${timeoutMs} ms`);
    await Bun.sleep(10);
  }
  return collected.text.split("\n")[0] ?? "";
}
