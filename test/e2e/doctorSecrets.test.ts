/**
 * `doctor --secrets` against a home folder with one plaintext secret of each kind planted where the 2025–26
 * npm worms looked: each is found, named by path (and line or masked key ID) with its fix, and no planted
 * secret ever reaches the output. A clean home finds nothing and exits 0.
 */
import { afterEach, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, SOURCE_KEY, Sandbox, ensureBinary, readmeConfig } from "../support/sandbox.ts";

let sandbox: Sandbox;
beforeAll(() => ensureBinary());
afterEach(() => sandbox?.remove());

const TOKEN = `FwoGZXIvYXdzE${"Tm9UYVJlYWxUb2tlbg".repeat(8)}`;
const SECRETS = [SOURCE_KEY.secret, TOKEN, "sso-access-token-0123456789abcdef", "refresh-token-0123456789abcdef", "ROLEsecretKEY0123456789abcdefghijABCDEFGH"];

function plant(home: string, path: string, text: string, mode = 0o600): string {
  const full = join(home, ...path.split("/"));
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, text, { mode });
  chmodSync(full, mode);
  return full;
}

test("one of each kind: each found with its fix, and no secret in the output", async () => {
  sandbox = new Sandbox(readmeConfig());
  const home = sandbox.home;
  const work = join(home, "work");
  mkdirSync(work);
  const credentials = join(home, ".aws", "credentials");
  chmodSync(credentials, 0o644);
  const future = new Date(Date.now() + 3600_000).toISOString();
  const login = plant(home, ".aws/login/cache/0f0f.json", JSON.stringify({ accessToken: { accessKeyId: "ASIAEXAMPLELOGIN0001", secretAccessKey: SECRETS[4], sessionToken: TOKEN, expiresAt: future }, refreshToken: SECRETS[3] }));
  const sso = plant(home, ".aws/sso/cache/abcd.json", JSON.stringify({ accessToken: SECRETS[2], expiresAt: future, refreshToken: SECRETS[3] }), 0o644);
  const cli = plant(home, ".aws/cli/cache/role.json", JSON.stringify({ Credentials: { AccessKeyId: "ASIAEXAMPLEROLE00001", SecretAccessKey: SECRETS[4], SessionToken: TOKEN, Expiration: "2020-01-01T00:00:00Z" } }));
  const bashrc = plant(home, ".bashrc", `# my shell\nexport PATH=$HOME/bin:$PATH\nexport AWS_SECRET_ACCESS_KEY=${SOURCE_KEY.secret}\nexport AWS_SECRET_ACCESS_KEY="$(op read op://aws/secret)"\n`);
  const fish = plant(home, ".config/fish/config.fish", `set -gx AWS_SESSION_TOKEN '${TOKEN}'\n`);
  const powershell = plant(home, ".config/powershell/Microsoft.PowerShell_profile.ps1", `$env:AWS_SECRET_ACCESS_KEY = "${SOURCE_KEY.secret}"\n`);
  const homeEnv = plant(home, ".env", `AWS_REGION=us-west-1\nAWS_SESSION_TOKEN=${TOKEN}\n`);
  const workEnv = plant(home, "work/.env", `AWS_ACCESS_KEY_ID=${SOURCE_KEY.id}\nAWS_SECRET_ACCESS_KEY=${SOURCE_KEY.secret}\n`);

  const result = await sandbox.run([BINARY, "doctor", "--secrets", "--no-color"], {}, { cwd: work });
  for (const secret of SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toBe("vegas-credentials: doctor --secrets: 9 plaintext AWS secrets found (each line says how to move it)\n");
  expect(result.stdout.trimEnd().split("\n")).toEqual([
    `FOUND ${credentials}: a long-term key AKIA…MPLE of [default] (readable by group or others). Fix: vegas-credentials keys import -p default`,
    expect.stringMatching(new RegExp(`^FOUND ${login}: an aws login session \\(its refresh token mints credentials for up to 12 hours after aws login\\), valid until \\S+Z, mode 600\\. Fix: aws logout \\(or aws logout --all\\)$`)),
    expect.stringMatching(new RegExp(`^FOUND ${sso}: an IAM Identity Center token, valid until \\S+Z, mode 644 \\(readable by group or others\\)\\. Fix: aws sso logout$`)),
    expect.stringMatching(new RegExp(`^FOUND ${cli}: role credentials cached by the AWS CLI, expired 2020-01-01T00:00:00Z, mode 600\\. Fix: delete the file`)),
    `FOUND ${bashrc}: AWS_SECRET_ACCESS_KEY set on line 3. Fix: remove the line, and use vegas-credentials exec or export when a tool needs the variables`,
    `FOUND ${fish}: AWS_SESSION_TOKEN set on line 1. Fix: remove the line, and use vegas-credentials exec or export when a tool needs the variables`,
    `FOUND ${powershell}: AWS_SECRET_ACCESS_KEY set on line 1. Fix: remove the line, and use vegas-credentials exec or export when a tool needs the variables`,
    `FOUND ${homeEnv}: AWS_SESSION_TOKEN set on line 2. Fix: remove the line, and run the tool through vegas-credentials exec -p PROFILE instead`,
    `FOUND ${workEnv}: AWS_SECRET_ACCESS_KEY set on line 2. Fix: remove the line, and run the tool through vegas-credentials exec -p PROFILE instead`,
  ]);
});

test("a clean home (keys in the keystore, secrets read at run time) finds nothing and exits 0", async () => {
  sandbox = new Sandbox(readmeConfig());
  writeFileSync(join(sandbox.home, ".aws", "credentials"), "[default]\nregion = us-west-1\n");
  plant(sandbox.home, ".bashrc", 'export AWS_SECRET_ACCESS_KEY="$(op read op://aws/secret)"\n# export AWS_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLEEXAMPLE\nexport AWS_PROFILE=frank@concerts\n');
  plant(sandbox.home, ".env", "AWS_REGION=us-west-1\nAWS_PROFILE=frank@concerts\n");
  const result = await sandbox.run([BINARY, "doctor", "--secrets", "--no-color"]);
  expect(result).toEqual({ exitCode: 0, stdout: "ok    no plaintext AWS secret in the credentials file, the sign-in caches, the shells' start-up files or .env files\n", stderr: "" });
});

test("keys in the config file, and assignments written with quotes or as PowerShell calls", async () => {
  sandbox = new Sandbox(`${readmeConfig()}\n[profile legacy]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\n`);
  writeFileSync(join(sandbox.home, ".aws", "credentials"), "");
  chmodSync(join(sandbox.home, ".aws", "config"), 0o600);
  const zshrc = plant(sandbox.home, ".zshrc", `export "AWS_SECRET_ACCESS_KEY=${SOURCE_KEY.secret}"\n`);
  const powershell = plant(sandbox.home, "Documents/PowerShell/Microsoft.PowerShell_profile.ps1", `[Environment]::SetEnvironmentVariable('AWS_SESSION_TOKEN','${TOKEN}','User')\n`);
  const result = await sandbox.run([BINARY, "doctor", "--secrets", "--no-color"]);
  for (const secret of SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
  expect(result.exitCode).toBe(1);
  expect(result.stdout.trimEnd().split("\n")).toEqual([
    `FOUND ${join(sandbox.home, ".aws", "config")}: a long-term key AKIA…MPLE of [profile legacy]. Fix: vegas-credentials keys add -p legacy (it asks for the key), then delete aws_access_key_id and aws_secret_access_key from that section`,
    `FOUND ${zshrc}: AWS_SECRET_ACCESS_KEY set on line 1. Fix: remove the line, and use vegas-credentials exec or export when a tool needs the variables`,
    `FOUND ${powershell}: AWS_SESSION_TOKEN set on line 1. Fix: remove the line, and use vegas-credentials exec or export when a tool needs the variables`,
  ]);
});
