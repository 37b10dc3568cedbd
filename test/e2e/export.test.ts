/**
 * `export`: the role's credentials as assume gets them, as each shell reads them. Evaluated by the real shells
 * (bash, dash, fish; .ci/run installs fish); env lines and JSON parsed. Only stdout carries them, never the log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOG_FILE } from "../../src/log/runLog.ts";
import { BINARY, Sandbox, ensureBinary, readmeConfig, startReadmeSts, succeeded, zenityAnswering } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const EXPORT = [BINARY, "export", "--profile", "frank@concerts"];
let sts: StsDouble;
let sandbox: Sandbox;
let expected: Record<string, string>;

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`)).putFakesOnPath("zenity");
  sandbox.env.XDG_STATE_HOME = join(sandbox.home, ".state");
  const document = succeeded(await sandbox.run([BINARY, "assume", "--profile", "frank@concerts"], zenityAnswering(990_001)).then((result) => ({ ...result, stderr: "" })));
  expected = {
    AWS_ACCESS_KEY_ID: document.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: document.SecretAccessKey,
    AWS_SESSION_TOKEN: document.SessionToken,
    AWS_CREDENTIAL_EXPIRATION: document.Expiration,
    AWS_REGION: "us-west-1",
    AWS_DEFAULT_REGION: "us-west-1",
  };
});

afterAll(() => {
  sts?.stop();
  sandbox?.remove();
});

/** What a shell's environment holds after it took the export in, as NAME=value lines of AWS_ variables. */
async function evaluated(shell: string[], env: Record<string, string> = {}): Promise<Record<string, string>> {
  // A stale legacy token too: botocore reads AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN.
  const result = await sandbox.run(shell, { AWS_PROFILE: "frank@concerts", AWS_DEFAULT_PROFILE: "frank@concerts", AWS_SECURITY_TOKEN: "stale-token", ...env });
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  return Object.fromEntries(
    result.stdout
      .split("\n")
      .filter((line) => line.startsWith("AWS_") && !line.startsWith("AWS_CONFIG_FILE") && !line.startsWith("AWS_SHARED") && !line.startsWith("AWS_EC2") && !line.startsWith("AWS_MAX") && !line.startsWith("AWS_PAGER"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

const hasShell = (name: string) => Bun.which(name) !== null;

describe("export, as each shell takes it", () => {
  test.each(["bash", "dash"])("sh (the default) through eval in %s: the keys set, AWS_PROFILE and AWS_SECURITY_TOKEN unset", async (shell) => {
    expect(await evaluated([shell, "-c", `eval "$("$0" export --profile frank@concerts)" && env`, BINARY])).toEqual(expected);
  });

  test.skipIf(!hasShell("fish") && process.env.CI !== "true")("fish through source", async () => {
    expect(await evaluated(["fish", "-c", `${BINARY} export --profile frank@concerts --format fish | source; and env`])).toEqual(expected);
  });

  test("env: KEY=value lines, as docker --env-file and dotenv read them; the legacy token set to the session token (nothing can be unset there)", async () => {
    const result = await sandbox.run([...EXPORT, "--format", "env"]);
    expect(result.stderr).toBe("");
    expect(Object.fromEntries(result.stdout.trimEnd().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]))).toEqual({
      ...expected,
      AWS_SECURITY_TOKEN: expected.AWS_SESSION_TOKEN ?? "",
    });
  });

  test("ini: a credentials-file section botocore itself reads the keys and region from", async () => {
    const result = await sandbox.run([...EXPORT, "--format", "ini"]);
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n")[0]).toBe("[frank@concerts]");
    const file = join(sandbox.home, "exported-credentials");
    writeFileSync(file, result.stdout);
    const read = "import botocore.session; s = botocore.session.Session(profile='frank@concerts'); c = s.get_credentials(); print(c.access_key, c.secret_key, c.token, s.get_config_variable('region'))";
    const botocore = await sandbox.run(["python3", "-c", read], { AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(sandbox.home, "no-config") });
    expect(botocore.stderr).toBe("");
    expect(botocore.stdout.trim()).toBe(`${expected.AWS_ACCESS_KEY_ID} ${expected.AWS_SECRET_ACCESS_KEY} ${expected.AWS_SESSION_TOKEN} us-west-1`);
  });

  test("windows-cmd: set lines as aws configure export-credentials prints them", async () => {
    const result = await sandbox.run([...EXPORT, "--format", "windows-cmd"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(`set "AWS_SESSION_TOKEN=${expected.AWS_SESSION_TOKEN}"\n`);
    expect(result.stdout).toContain('set "AWS_PROFILE="\n');
  });

  test("json: the credential_process document", async () => {
    const result = await sandbox.run([...EXPORT, "--format", "json"]);
    const document = succeeded(result);
    expect(document.AccessKeyId).toBe(expected.AWS_ACCESS_KEY_ID ?? "");
  });

  test("powershell: quoted assignments and the profile variables removed", async () => {
    const result = await sandbox.run([...EXPORT, "--format", "powershell"]);
    expect(result.stdout).toContain(`$Env:AWS_SESSION_TOKEN = '${expected.AWS_SESSION_TOKEN}'`);
    expect(result.stdout).toContain("Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue");
    expect(result.stdout).toContain("Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue");
  });

  test("an unknown format is one line, exit 2; the keys never reach the log", async () => {
    const result = await sandbox.run([...EXPORT, "--format", "yaml"]);
    expect(result).toEqual({ exitCode: 2, stdout: "", stderr: "vegas-credentials: --format yaml is not one of sh, fish, powershell, windows-cmd, env, ini, json\n" });
    const log = readFileSync(join(sandbox.home, ".state", "vegas-credentials", LOG_FILE), "utf8");
    expect(log).toContain("command=export");
    for (const secret of [expected.AWS_SECRET_ACCESS_KEY, expected.AWS_SESSION_TOKEN]) expect(log).not.toContain(secret ?? "-");
  });
});
