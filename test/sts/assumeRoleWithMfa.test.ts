import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Reporter } from "../../src/cli/reporter.ts";
import { parseProfiles } from "../../src/config/readConfigFile.ts";
import { resolveRoleProfile } from "../../src/config/resolveRoleProfile.ts";
import type { RoleProfile } from "../../src/config/roleProfile.ts";
import { assumeRoleWithMfa } from "../../src/sts/assumeRoleWithMfa.ts";
import { UserError } from "../../src/userError.ts";
import { type StsDouble, startStsDouble, totpCode } from "../support/stsDouble.ts";
import { type MotoServer, startMotoServer } from "../support/motoServer.ts";

const SOURCE_KEY = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const TOTP_SECRET = "JBSWY3DPEHPK3PXP";
const ROLE = "arn:aws:iam::222222222222:role/SingerRole";
const quiet: Reporter = { verbose: () => {}, warn: () => {}, notice: () => {}, record: () => {} };

let sts: StsDouble;
let home: string;
const savedEnv = { ...process.env };

/** A profile as the config file would give it, pointed at `endpoint`. */
function profileFor(endpoint: string, extra = "", sourceProfile = "default"): RoleProfile {
  const text = `[profile ${sourceProfile}]
mfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra
[profile frank@concerts]
vegas_role_arn = ${ROLE}
vegas_source_profile = ${sourceProfile}
region = us-west-1
endpoint_url = ${endpoint}
${extra}`;
  return resolveRoleProfile({ path: join(home, "config"), profiles: parseProfiles(text) }, "frank@concerts", {});
}

async function failureOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  const message = (error as Error).message;
  expect(message).not.toContain("\n");
  expect(message).not.toContain(SOURCE_KEY.secret);
  return message;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "vegas-sts-"));
  writeFileSync(join(home, "credentials"), `[default]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\n[wrongsecret]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = not-the-secret\n[unknownkey]\naws_access_key_id = AKIAUNKNOWNUNKNOWN00\naws_secret_access_key = whatever\n`);
  writeFileSync(join(home, "config"), "");
  // The SDK finds the source profile's keys itself, by profile name, in these files.
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"]) delete process.env[name];
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(home, "credentials");
  process.env.AWS_CONFIG_FILE = join(home, "config");
  sts = await startStsDouble({
    users: { [SOURCE_KEY.id]: { secretAccessKey: SOURCE_KEY.secret, arn: "arn:aws:iam::111111111111:user/FrankSinatra" } },
    mfa: { totpSecret: TOTP_SECRET },
    roles: { [ROLE]: { maxSessionDuration: 7200 }, "arn:aws:iam::222222222222:role/Other": { externalId: "0093624694724" } },
  });
});

afterAll(async () => {
  await sts.stop();
  process.env = savedEnv;
});

describe("assumeRoleWithMfa against the STS double", () => {
  test("sends the role, session name, duration, MFA device and code, and returns the credentials", async () => {
    const profile = profileFor(sts.url, "duration_seconds = 4383\n");
    const code = totpCode(TOTP_SECRET);
    const credentials = await assumeRoleWithMfa({ profile, roleSessionName: "SinatraAtTheSands", mfaCode: code }, quiet);
    expect(credentials.accessKeyId).toStartWith("ASIA");
    expect(credentials.expiration.getTime() - Date.now()).toBeGreaterThan(4300_000);
    const call = sts.calls.findLast((c) => c.action === "AssumeRole");
    expect(call?.params).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: "SinatraAtTheSands",
      DurationSeconds: "4383",
      SerialNumber: "arn:aws:iam::111111111111:mfa/FrankSinatra",
      TokenCode: code,
    });
    expect(call?.accessKeyId).toBe(SOURCE_KEY.id);
  });

  test("a code already used once: one line telling to wait for the next code", async () => {
    const profile = profileFor(sts.url);
    const message = await failureOf(assumeRoleWithMfa({ profile, roleSessionName: "a1", mfaCode: "000000" }, quiet));
    expect(message).toContain("STS rejected the MFA code for arn:aws:iam::111111111111:mfa/FrankSinatra (wrong, expired, or already used once)");
  });

  test("duration above the role's maximum", async () => {
    const profile = profileFor(sts.url, "duration_seconds = 10800\n");
    const message = await failureOf(assumeRoleWithMfa({ profile, roleSessionName: "a2", mfaCode: totpCode(TOTP_SECRET, Date.now() + 30_000) }, quiet));
    expect(message).toContain("duration_seconds 10800 is above the role's maximum session duration");
  });

  test("wrong external id: access denied names the trust policy", async () => {
    const profile = { ...profileFor(sts.url), roleArn: "arn:aws:iam::222222222222:role/Other" };
    const message = await failureOf(assumeRoleWithMfa({ profile, roleSessionName: "a3", mfaCode: totpCode(TOTP_SECRET, Date.now() - 30_000) }, quiet));
    expect(message).toContain("may not assume arn:aws:iam::222222222222:role/Other");
    expect(message).toContain("check the role's trust policy");
  });

  test("an unknown access key", async () => {
    const message = await failureOf(assumeRoleWithMfa({ profile: profileFor(sts.url, "", "unknownkey"), roleSessionName: "a4", mfaCode: "123456" }, quiet));
    expect(message).toContain('the access key of source profile "unknownkey" is not valid');
  });

  test("a wrong secret key", async () => {
    const message = await failureOf(assumeRoleWithMfa({ profile: profileFor(sts.url, "", "wrongsecret"), roleSessionName: "a5", mfaCode: "123456" }, quiet));
    expect(message).toContain('the secret access key of source profile "wrongsecret" does not match');
  });

  test("no credentials for the source profile", async () => {
    const message = await failureOf(assumeRoleWithMfa({ profile: profileFor(sts.url, "", "nokeys"), roleSessionName: "a6", mfaCode: "123456" }, quiet));
    expect(message).toContain('no credentials found for source profile "nokeys"');
  });

  test("throttling", async () => {
    sts.failNext("AssumeRole", { status: 400, code: "Throttling", message: "Rate exceeded" });
    sts.failNext("AssumeRole", { status: 400, code: "Throttling", message: "Rate exceeded" });
    const message = await failureOf(assumeRoleWithMfa({ profile: profileFor(sts.url), roleSessionName: "a7", mfaCode: "123456" }, quiet));
    expect(message).toContain("STS is throttling requests (Rate exceeded)");
  });

  test("an unreachable endpoint fails quickly with one line", async () => {
    const closed = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = closed.port;
    closed.stop(true);
    const message = await failureOf(assumeRoleWithMfa({ profile: profileFor(`http://127.0.0.1:${port}`), roleSessionName: "a8", mfaCode: "123456" }, quiet));
    expect(message).toContain(`cannot reach STS at http://127.0.0.1:${port}`);
  });
});

describe("assumeRoleWithMfa against moto_server", () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMotoServer();
  });
  afterAll(async () => {
    await moto.stop();
  });

  test("assumes a role with a path in its ARN", async () => {
    const profile = { ...profileFor(moto.url), roleArn: "arn:aws:iam::222222222222:role/team/app/SingerRole" };
    const credentials = await assumeRoleWithMfa({ profile, roleSessionName: "SinatraAtTheSands", mfaCode: "123456" }, quiet);
    const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
    const client = new STSClient({ region: "us-west-1", endpoint: moto.url, credentials });
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe("arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands");
  });
});
