/**
 * Source profiles that sign in instead of holding a key: `aws login` (login_session) and IAM Identity Center
 * (sso_session), with their caches laid out where and as the AWS SDK reads them. show-profile says where the
 * credentials come from and until when; a miss uses an aws login session against the strict STS double; every
 * failure names the command that signs in again; config add will not put credential_process on such a profile.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { BINARY, MFA_SERIAL, ROLE_ARN, SOURCE_KEY, Sandbox, readmeStsForThisFile } from "../support/sandbox.ts";

const LOGIN_SESSION = "arn:aws:iam::111111111111:user/FrankSinatra";
let sandbox: Sandbox;
let nextCode = 610_000;
const readme = readmeStsForThisFile();
afterEach(() => sandbox?.remove());

function config(sourceLines: string): string {
  return `[default]\nmfa_serial = ${MFA_SERIAL}\n${sourceLines}vegas_mfa_process = /bin/echo ${nextCode++}\n\n[profile frank@concerts]\ncredential_process = ${BINARY} assume --profile=frank@concerts\nvegas_role_arn = ${ROLE_ARN}\nvegas_source_profile = default\nexternal_id = 0093624694724\nregion = us-west-1\nendpoint_url = ${readme.sts.url}\n`;
}

/** A sandbox without a key in the credentials file: the source signs in instead. */
function newSandbox(sourceLines: string): Sandbox {
  sandbox = new Sandbox(config(sourceLines));
  writeFileSync(join(sandbox.home, ".aws", "credentials"), "");
  return sandbox;
}

/** Temporary credentials the double issued (as the sign-in service would have), for the login cache. */
async function issuedCredentials(): Promise<{ AccessKeyId: string; SecretAccessKey: string; SessionToken: string }> {
  const client = new STSClient({ region: "us-east-1", endpoint: readme.sts.url, credentials: { accessKeyId: SOURCE_KEY.id, secretAccessKey: SOURCE_KEY.secret } });
  const answer = await client.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  client.destroy();
  const credentials = answer.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) throw new Error("the double issued no credentials");
  return { AccessKeyId: credentials.AccessKeyId, SecretAccessKey: credentials.SecretAccessKey, SessionToken: credentials.SessionToken };
}

/** aws login's cache file, as REFERENCE.md describes it: ~/.aws/login/cache/<sha256 of login_session>.json. */
function writeLoginCache(home: string, credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }, expiresAt: Date): string {
  const folder = join(home, ".aws", "login", "cache");
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const path = join(folder, `${createHash("sha256").update(LOGIN_SESSION).digest("hex")}.json`);
  const token = {
    accessToken: { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken, accountId: "111111111111", expiresAt: expiresAt.toISOString() },
    tokenType: "aws_sigv4",
    refreshToken: "refresh-token-that-is-never-shown",
    idToken: "id-token",
    clientId: "arn:aws:signin:::devtools/same-device",
    dpopKey: "-----BEGIN EC PRIVATE KEY-----\nnot-a-real-key\n-----END EC PRIVATE KEY-----\n",
  };
  writeFileSync(path, JSON.stringify(token, null, 2), { mode: 0o600 });
  return path;
}

async function showProfile(): Promise<string> {
  const result = await sandbox.run([BINARY, "config", "show-profile", "-p", "frank@concerts"]);
  expect(result.stderr).toBe("");
  return result.stdout;
}

describe("aws login (login_session)", () => {
  test("a live session: show-profile says where and until when; a miss assumes the role with it", async () => {
    newSandbox(`login_session = ${LOGIN_SESSION}\n`);
    const expiresAt = new Date(Date.now() + 10 * 60_000);
    const issued = await issuedCredentials();
    const path = writeLoginCache(sandbox.home, issued, expiresAt);
    const shown = await showProfile();
    expect(shown).toMatch(new RegExp(`credentials\\s+an aws login session \\(login_session = ${LOGIN_SESSION}\\)\\s+\\[default\\]\n  cache\\s+${path}\\s+until ${expiresAt.toISOString().slice(0, 19)}Z, refreshed by the SDK for up to 12 hours after aws login\n`));
    expect(shown).not.toContain("refresh-token-that-is-never-shown");
    const result = await sandbox.run([BINARY, "assume", "--profile", "frank@concerts"]);
    expect(result.stderr).toBe(`vegas-credentials: MFA code for ${MFA_SERIAL} (frank@concerts): it comes from /bin/echo\n`);
    expect(result.exitCode).toBe(0);
    const assumed = readme.sts.calls.filter((call) => call.action === "AssumeRole").at(-1);
    expect(assumed?.accessKeyId).toBe(issued.AccessKeyId);
    const doctor = await sandbox.run([BINARY, "doctor", "--no-color"]);
    expect(doctor.stdout).toContain(`ok    credentials of default: an aws login session (login_session = ${LOGIN_SESSION}), cached until`);
  });

  test("no session here: show-profile, the miss and doctor each name aws login --profile", async () => {
    newSandbox(`login_session = ${LOGIN_SESSION}\n`);
    expect(await showProfile()).toMatch(/\n {2}cache\s+\S+\.json\s+no session cached here: run aws login --profile default\n/);
    const result = await sandbox.run([BINARY, "assume", "--profile", "frank@concerts"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith('vegas-credentials: profile "frank@concerts": source profile "default" signs in with aws login (login_session) and its session has ended or was never opened here: run aws login --profile default');
    expect(result.stderr.split("\n")).toHaveLength(2);
    const doctor = await sandbox.run([BINARY, "doctor", "--no-color"]);
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL {2}credentials of default: an aws login session .*no session cached here .*Fix: run aws login --profile default/);
  });

  test("config add will not put credential_process on the profile aws login signs in", async () => {
    newSandbox(`login_session = ${LOGIN_SESSION}\n`);
    const result = await sandbox.run([BINARY, "config", "add", "-p", "default", "--role-arn", ROLE_ARN, "--source-profile", "default"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`vegas-credentials: profile "default" in ${join(sandbox.home, ".aws", "config")} signs in with aws login (login_session), and the AWS CLI will not sign in a profile with credential_process: keep it as the source, and add the role under a new name with --source-profile default\n`);
  });
});

describe("IAM Identity Center (sso_session)", () => {
  const SSO = "[sso-session frank-sso]\nsso_start_url = https://frank.awsapps.com/start\nsso_region = us-east-1\n";

  test("show-profile: the token's cache and expiry; with none, aws sso login --profile in show-profile and in the miss's line", async () => {
    newSandbox("sso_session = frank-sso\nsso_account_id = 111111111111\nsso_role_name = Singer\n");
    sandbox.writeConfig(`${config("sso_session = frank-sso\nsso_account_id = 111111111111\nsso_role_name = Singer\n")}\n${SSO}`);
    expect(await showProfile()).toMatch(/credentials\s+an IAM Identity Center \(SSO\) session \(sso_session = frank-sso\)\s+\[default\]\n {2}cache\s+\S+\.json\s+no session cached here: run aws sso login --profile default\n/);
    const result = await sandbox.run([BINARY, "assume", "--profile", "frank@concerts"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("run aws sso login --profile default");

    const folder = join(sandbox.home, ".aws", "sso", "cache");
    mkdirSync(folder, { recursive: true });
    const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const path = join(folder, `${createHash("sha1").update("frank-sso").digest("hex")}.json`);
    writeFileSync(path, JSON.stringify({ startUrl: "https://frank.awsapps.com/start", region: "us-east-1", accessToken: "sso-access-token-never-shown", expiresAt }));
    const shown = await showProfile();
    expect(shown).toMatch(new RegExp(`\n  cache\\s+${path}\\s+until ${expiresAt}, renewed through its refresh token while the session lasts\n`));
    expect(shown).not.toContain("sso-access-token-never-shown");
  });
});
