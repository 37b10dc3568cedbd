/**
 * The compiled binary, end to end, against the STS double (which counts calls and checks SigV4 and MFA codes):
 * a real terminal types the code, stdout and stderr are files as under the AWS tools.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BINARY, PROMPT, ROLE_ARN, Sandbox, SOURCE_KEY, credentialDocument, ensureBinary, readmeConfig, startReadmeSts } from "../support/sandbox.ts";
import { ageCachedCredentials } from "../support/cacheAging.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const ASSUME = [BINARY, "assume", "--profile", "frank@concerts"];
let sts: StsDouble;
let sandbox: Sandbox;
/** Each test types codes no other test used: the double, like STS, accepts a code once per device. */
let nextCode = 100_000;
const freshCode = () => String(nextCode++);

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
});

afterAll(() => sts.stop());

afterEach(() => {
  sandbox?.remove();
  sts.setCredentialLifetime(undefined);
});

function newSandbox(extra = ""): Sandbox {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n${extra}`));
  return sandbox;
}

/** One run that prompts: waits for the prompt, types the code, returns what the run printed. */
async function assumeTyping(code: string, args = ASSUME, env: Record<string, string> = {}) {
  const run = await sandbox.inTerminal(args, env);
  await run.waitForText(PROMPT.trimEnd());
  await run.type(code);
  await run.pressEnter();
  return run.done();
}

function assumeCalls(): number {
  return sts.count("AssumeRole");
}

describe("assume, first call then cached", () => {
  test("asks once at the terminal, calls STS once, then answers from the cache without a terminal", async () => {
    newSandbox();
    const before = assumeCalls();
    const code = freshCode();
    const first = await assumeTyping(code);
    expect(first.stderr).toBe("");
    expect(first.exitCode).toBe(0);
    const credentials = credentialDocument(first.stdout);
    expect(assumeCalls()).toBe(before + 1);

    const call = sts.calls.filter((each) => each.action === "AssumeRole" && each.error === undefined).at(-1);
    expect(call?.accessKeyId).toBe(SOURCE_KEY.id);
    expect(call?.params).toMatchObject({
      RoleArn: ROLE_ARN,
      RoleSessionName: "SinatraAtTheSands",
      DurationSeconds: "4383",
      ExternalId: "0093624694724",
      SerialNumber: "arn:aws:iam::111111111111:mfa/FrankSinatra",
      TokenCode: code,
    });
    const lifetimeS = (Date.parse(credentials.Expiration) - Date.now()) / 1000;
    expect(lifetimeS).toBeGreaterThan(4383 - 60);
    expect(lifetimeS).toBeLessThanOrEqual(4383);

    // No terminal at all now: a prompt would fail, so success means the cache answered.
    const second = await sandbox.run(ASSUME);
    expect(second).toEqual({ exitCode: 0, stdout: first.stdout, stderr: "" });
    expect(assumeCalls()).toBe(before + 1);
  });

  test("every spelling of the profile option reaches the same cache entry", async () => {
    newSandbox();
    const first = await assumeTyping(freshCode(), [BINARY, "assume", "--profile=frank@concerts"]);
    expect(first.exitCode).toBe(0);
    for (const args of [["-p", "frank@concerts"], ["-p=frank@concerts"], ["--profile", "frank@concerts", "--verbose"], ["--no-color", "--profile", "frank@concerts"]]) {
      const again = await sandbox.run([BINARY, "assume", ...args]);
      expect(again.exitCode).toBe(0);
      expect(again.stdout).toBe(first.stdout);
    }
  });

  test("credentials of an hour with less than 15 minutes left are fetched again, with a new prompt", async () => {
    newSandbox();
    const first = await assumeTyping(freshCode());
    expect(first.exitCode).toBe(0);
    await ageCachedCredentials(sandbox, "frank@concerts", 14 * 60);
    const before = assumeCalls();
    const second = await assumeTyping(freshCode());
    expect(second.exitCode).toBe(0);
    expect(assumeCalls()).toBe(before + 1);
    expect(credentialDocument(second.stdout).AccessKeyId).not.toBe(credentialDocument(first.stdout).AccessKeyId);
    // And the refreshed entry replaced the old one.
    expect((await sandbox.run(ASSUME)).stdout).toBe(second.stdout);
  });

  test("credentials STS hands out nearly expired by this machine's clock: one line about the clock, nothing cached", async () => {
    newSandbox();
    sts.setCredentialLifetime(60);
    const result = await assumeTyping(freshCode());
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^vegas-credentials: profile "frank@concerts": STS handed out credentials that expire at \S+, in \d+ s by this machine's clock \(\S+\): check the clock and time zone of this machine, then run the command again\n$/);
    expect(readdirSync(sandbox.cacheFolder).filter((name) => name.endsWith(".entry"))).toEqual([]);
  });

  test("the endpoint can come from AWS_ENDPOINT_URL_STS instead of the profile", async () => {
    sandbox = new Sandbox(readmeConfig());
    const before = assumeCalls();
    const result = await assumeTyping(freshCode(), ASSUME, { AWS_ENDPOINT_URL_STS: sts.url });
    expect(result.exitCode).toBe(0);
    expect(assumeCalls()).toBe(before + 1);
  });

  test("without role_session_name, a name from this machine's user is sent", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`).replace("role_session_name = SinatraAtTheSands\n", ""));
    const result = await assumeTyping(freshCode());
    expect(result.exitCode).toBe(0);
    const call = sts.calls.filter((each) => each.action === "AssumeRole").at(-1);
    expect(call?.params.RoleSessionName).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

describe("the prompt", () => {
  test("a typo asks again, and the code typed next is used", async () => {
    newSandbox();
    const code = freshCode();
    const run = await sandbox.inTerminal(ASSUME);
    await run.waitForText(PROMPT.trimEnd());
    await run.type("12345");
    await run.pressEnter();
    await run.waitForText("That is not a 6-digit code; try again (2 tries left).");
    await run.type(code);
    await run.pressEnter();
    const result = await run.done();
    expect(result.exitCode).toBe(0);
    expect(sts.calls.at(-1)?.params.TokenCode).toBe(code);
  });

  test("three typos end the run with one line and nothing on stdout", async () => {
    newSandbox();
    const before = assumeCalls();
    const run = await sandbox.inTerminal(ASSUME);
    for (const typo of ["1", "abcdef", "1234567"]) {
      await run.waitForText(PROMPT.trimEnd());
      await run.type(typo);
      await run.pressEnter();
    }
    const result = await run.done();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'vegas-credentials: no valid MFA code was entered for profile "frank@concerts": enter the 6-digit code shown by arn:aws:iam::111111111111:mfa/FrankSinatra\n',
    );
    expect(assumeCalls()).toBe(before);
  });

  test("the typed code is not echoed to stdout or stderr", async () => {
    newSandbox();
    const code = freshCode();
    const result = await assumeTyping(code);
    expect(result.stdout).not.toContain(code);
    expect(result.stderr).not.toContain(code);
  });

  test("with no terminal and nothing cached, it fails at once saying why", async () => {
    newSandbox();
    const result = await sandbox.run(ASSUME);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^vegas-credentials: profile "frank@concerts" needs an MFA code for arn:aws:iam::111111111111:mfa\/FrankSinatra, but there is no way to ask for one here: no terminal \(\/dev\/tty: \w+\); no dialog \(neither DISPLAY nor WAYLAND_DISPLAY is set\); no YubiKey \(ykman not found\); no program \(vegas_mfa_process\)\. Run the command from a terminal, or in a desktop session where a dialog can open, or set vegas_mfa_process to a program that prints the code\n$/);
  });
});

describe("STS failures are one line each", () => {
  test("a code STS rejects", async () => {
    newSandbox();
    sts.failNext("AssumeRole", { status: 403, code: "AccessDenied", message: "MultiFactorAuthentication failed with invalid MFA one time pass code. " });
    const result = await assumeTyping(freshCode());
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'vegas-credentials: profile "frank@concerts": STS rejected the MFA code for arn:aws:iam::111111111111:mfa/FrankSinatra (wrong, expired, or already used once): wait for the next code and run the command again; if several roles ran at once on one code, set vegas_mfa_session = true in [default] so one code serves them all\n',
    );
    expect(await readdirOrEmpty(sandbox.cacheFolder).then((names) => names.filter((name) => name.endsWith(".entry")))).toEqual([]);
  });

  test("a duration above the role's maximum", async () => {
    newSandbox().writeConfig(readmeConfig(`endpoint_url = ${sts.url}\n`).replace("duration_seconds = 4383", "duration_seconds = 7201"));
    const result = await assumeTyping(freshCode());
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^vegas-credentials: profile "frank@concerts": duration_seconds 7201 is above the role's maximum session duration: lower duration_seconds in .*\/\.aws\/config or raise the role's MaxSessionDuration\n$/);
  });

  test("a source key STS does not know", async () => {
    newSandbox();
    const credentials = join(sandbox.home, ".aws", "credentials");
    await Bun.write(credentials, "[default]\naws_access_key_id = AKIAUNKNOWNUNKNOWN00\naws_secret_access_key = some-secret-value\n");
    const result = await assumeTyping(freshCode());
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'vegas-credentials: profile "frank@concerts": the access key of source profile "default" is not valid (deleted, deactivated or mistyped): put a working key for that profile in your AWS credentials\n',
    );
    expect(result.stderr).not.toContain("some-secret-value");
  });

  test("no keys for the source profile at all: said before anyone is asked for a code", async () => {
    newSandbox();
    await Bun.write(join(sandbox.home, ".aws", "credentials"), "");
    // No terminal: the run must fail on the missing keys, not on the missing prompt.
    const result = await sandbox.run(ASSUME);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toStartWith('vegas-credentials: profile "frank@concerts": no credentials found for source profile "default": add aws_access_key_id and aws_secret_access_key for [default]');
    expect(result.stderr.split("\n")).toHaveLength(2);
  });

  test("STS out of reach", async () => {
    sandbox = new Sandbox(readmeConfig("endpoint_url = http://127.0.0.1:9\n"));
    const result = await assumeTyping(freshCode());
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^vegas-credentials: profile "frank@concerts": cannot reach STS at http:\/\/127\.0\.0\.1:9 \(.+\): check your network, proxy \(HTTPS_PROXY, HTTP_PROXY, NO_PROXY\), region and endpoint_url\n$/);
  });

  test("throttling: a call that carries a single-use code is not retried, and the line says to wait", async () => {
    newSandbox();
    sts.failNext("AssumeRole", { status: 400, code: "Throttling", message: "Rate exceeded" });
    const result = await assumeTyping(freshCode());
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('vegas-credentials: profile "frank@concerts": STS is throttling requests (Rate exceeded): wait a minute and run the command again\n');
  });
});

describe("the cache on disk", () => {
  test("0700 folder, 0600 files, names and contents that give nothing away", async () => {
    newSandbox();
    const result = await assumeTyping(freshCode());
    const credentials = credentialDocument(result.stdout);
    expect(statSync(sandbox.cacheFolder).mode & 0o777).toBe(0o700);
    const names = readdirSync(sandbox.cacheFolder);
    expect(names.filter((name) => name.endsWith(".entry"))).toHaveLength(1);
    for (const name of names) {
      const path = join(sandbox.cacheFolder, name);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(name).not.toMatch(/frank|concerts|Singer|222222222222/);
      const bytes = readFileSync(path);
      for (const secret of [credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken, "SingerRole", "frank@concerts"]) {
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
        expect(bytes.includes(Buffer.from(Buffer.from(secret).toString("base64")))).toBe(false);
      }
    }
  });

  test("a different role in the same profile is a different entry, and asks again", async () => {
    newSandbox();
    expect((await assumeTyping(freshCode())).exitCode).toBe(0);
    sandbox.writeConfig(readmeConfig(`endpoint_url = ${sts.url}\n`).replace("role_session_name = SinatraAtTheSands", "role_session_name = SinatraAtTheCopa"));
    const before = assumeCalls();
    expect((await assumeTyping(freshCode())).exitCode).toBe(0);
    expect(assumeCalls()).toBe(before + 1);
    expect(readdirSync(sandbox.cacheFolder).filter((name) => name.endsWith(".entry"))).toHaveLength(2);
  });
});

async function readdirOrEmpty(folder: string): Promise<string[]> {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}
