/**
 * `doctor` through the compiled binary against the strict STS double: a healthy setup passes every check
 * without asking for a code, and each check fails, with its fix, when one fault is planted for it.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, ROLE_ARN, SOURCE_KEY, Sandbox, readmeConfig, readmeStsForThisFile } from "../support/sandbox.ts";
import { clockOff } from "../support/wrongClock.ts";

let sandbox: Sandbox;
const readme = readmeStsForThisFile();
afterEach(() => sandbox?.remove());

/** The README's profiles against the double, with a program for the code, so that no terminal is needed. */
function healthyConfig(): string {
  return readmeConfig(`endpoint_url = ${readme.sts.url}\n`).replace("[default]\n", "[default]\nvegas_mfa_process = /bin/echo 123456\n");
}

async function doctor(env: Record<string, string> = {}, args: string[] = []): Promise<{ exitCode: number; stdout: string; stderr: string; lines: string[] }> {
  const result = await sandbox.run([BINARY, "doctor", "--no-color", ...args], env);
  for (const text of [result.stdout, result.stderr]) expect(text).not.toContain(SOURCE_KEY.secret);
  return { ...result, lines: result.stdout.split("\n") };
}

/** The one line of a check, by the start of its name. */
function lineOf(lines: readonly string[], name: string): string {
  const found = lines.filter((line) => line.slice(6).startsWith(name));
  expect(found.length).toBeGreaterThan(0);
  return found[0] ?? "";
}

function expectFailure(result: { exitCode: number; stderr: string; lines: string[] }, name: string, ...texts: string[]): void {
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toMatch(/^vegas-credentials: doctor: \d+ of \d+ checks failed/);
  const line = lineOf(result.lines, name);
  expect(line.startsWith("FAIL  ")).toBe(true);
  for (const text of texts) expect(line).toContain(text);
}

test("a healthy setup: every check passes, the key is checked with STS, and no MFA code is asked for or used", async () => {
  sandbox = new Sandbox(healthyConfig());
  const before = readme.sts.calls.length;
  const result = await doctor();
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  expect(result.lines.filter((line) => line.startsWith("FAIL"))).toEqual([]);
  expect(lineOf(result.lines, "config file")).toContain("reads as the AWS CLI reads it: 1 role profile");
  expect(lineOf(result.lines, "profile frank@concerts")).toBe(`ok    profile frank@concerts: ${ROLE_ARN} from source profile default with ${MFA_SERIAL}`);
  expect(lineOf(result.lines, "credential_process of frank@concerts")).toBe(`ok    credential_process of frank@concerts: runs ${BINARY} assume --profile=frank@concerts`);
  expect(lineOf(result.lines, "key of default")).toBe(`ok    key of default: AKIA…MPLE (${join(sandbox.home, ".aws", "credentials")}) works: STS says it is arn:aws:iam::111111111111:user/FrankSinatra`);
  expect(lineOf(result.lines, "network to")).toBe(`ok    network to ${readme.sts.url}: STS answers directly`);
  expect(lineOf(result.lines, "clock")).toMatch(/^ok {4}clock: this machine's clock (agrees with STS's|is \d+ s (ahead of|behind) STS's)/);
  expect(lineOf(result.lines, "MFA sources of default")).toContain("vegas_mfa_process (/bin/echo)");
  expect(lineOf(result.lines, "cache folder")).toMatch(/^ok/);
  expect(lineOf(result.lines, "state folder")).toMatch(/^ok/);
  expect(lineOf(result.lines, "machine id")).toMatch(/^ok/);
  expect(lineOf(result.lines, "AWS CLI")).toMatch(/^(ok|warn)/);
  // The key's check, and the unsigned GET that reads STS's clock (no action): nothing that takes a code.
  const calls = readme.sts.calls.slice(before).map((call) => call.action);
  expect(calls.sort()).toEqual(["", "GetCallerIdentity"]);
});

describe("one fault planted per check", () => {
  test("the config: a role profile that does not resolve, and a file the AWS CLI cannot read", async () => {
    sandbox = new Sandbox(healthyConfig().replace("duration_seconds = 4383", "duration_seconds = 99999"));
    expectFailure(await doctor(), "profile frank@concerts", "duration_seconds");
    writeFileSync(join(sandbox.home, ".aws", "config"), Buffer.from([0x5b, 0x64, 0xff, 0x5d, 0x0a]));
    expectFailure(await doctor(), "config file", "is not UTF-8");
  });

  test("credential_process: by name, a missing program, another profile's name", async () => {
    sandbox = new Sandbox(healthyConfig().replace(`credential_process = ${BINARY} `, "credential_process = vegas-credentials "));
    expectFailure(await doctor(), "credential_process of frank@concerts", 'runs "vegas-credentials" by name', `Fix: set credential_process = ${BINARY} assume --profile=frank@concerts`);
    sandbox.writeConfig(healthyConfig().replace(`credential_process = ${BINARY} `, "credential_process = /opt/nowhere/vegas-credentials "));
    expectFailure(await doctor(), "credential_process of frank@concerts", "/opt/nowhere/vegas-credentials, which does not exist");
    sandbox.writeConfig(healthyConfig().replace("assume --profile=frank@concerts", "assume --profile=dean@lounge"));
    expectFailure(await doctor(), "credential_process of frank@concerts", 'asks for profile "dean@lounge"');
  });

  test("the key: one STS refuses, and none at all", async () => {
    sandbox = new Sandbox(healthyConfig());
    writeFileSync(join(sandbox.home, ".aws", "credentials"), `[default]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${"x".repeat(40)}\n`);
    expectFailure(await doctor(), "key of default", "AKIA…MPLE", "STS does not take it", "Fix: replace it with a working key");
    writeFileSync(join(sandbox.home, ".aws", "credentials"), "");
    expectFailure(await doctor(), "key of default", "no access key for default", "Fix: vegas-credentials keys add -p default");
  });

  test("the clock: two hours ahead of STS's", async () => {
    sandbox = new Sandbox(healthyConfig());
    expectFailure(await doctor(clockOff("+2h")), "clock", "2 h 0 min ahead of STS's", "Fix: set the clock right");
  });

  test("the MFA sources: vegas_mfa_process names a program that is not there; none at all", async () => {
    sandbox = new Sandbox(healthyConfig().replace("/bin/echo 123456", "/opt/nowhere/otp --aws"));
    const result = await doctor();
    expectFailure(result, "vegas_mfa_process of default", "/opt/nowhere/otp is not found");
    expectFailure(result, "MFA sources of default", "no way to get a code here", "not: no terminal");
  });

  test("the folders: a cache folder others can write to, a state folder that is a symbolic link", async () => {
    sandbox = new Sandbox(healthyConfig());
    const cache = join(sandbox.home, ".cache", "vegas-credentials");
    mkdirSync(cache, { recursive: true });
    chmodSync(cache, 0o777);
    expectFailure(await doctor(), "cache folder", "can be written by other users", `chmod 700 ${cache}`);
    chmodSync(cache, 0o700);
    const state = join(sandbox.home, ".local", "state", "vegas-credentials");
    rmSync(state, { recursive: true, force: true });
    mkdirSync(join(sandbox.home, "elsewhere"));
    mkdirSync(join(sandbox.home, ".local", "state"), { recursive: true });
    symlinkSync(join(sandbox.home, "elsewhere"), state);
    expectFailure(await doctor(), "state folder", "is a symbolic link");
  });

  test("the AWS CLI: a version that ignores AWS_ENDPOINT_URL_STS while it is set", async () => {
    sandbox = new Sandbox(healthyConfig());
    const bin = join(sandbox.home, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "aws"), "#!/bin/sh\necho 'aws-cli/2.9.19 Python/3.9.11 Linux/6.1.0 exe/x86_64.debian.12 prompt/off'\n", { mode: 0o755 });
    const env = { PATH: `${bin}:${sandbox.env.PATH}`, AWS_ENDPOINT_URL_STS: readme.sts.url };
    expectFailure(await doctor(env), "AWS CLI", "version 2.9.19, ignores AWS_ENDPOINT_URL_STS", "Fix: upgrade the AWS CLI to 2.13.0 or later");
  });

  test("the proxy: STS cannot be reached through the one the environment names, and its password is never shown", async () => {
    sandbox = new Sandbox(healthyConfig());
    const result = await doctor({ HTTP_PROXY: "http://frank:hunter2@127.0.0.1:9" });
    expectFailure(result, `network to ${readme.sts.url}`, "through the proxy http://frank:***@127.0.0.1:9", "Fix: check HTTP_PROXY");
    expect(lineOf(result.lines, "proxies")).toBe("ok    proxies: HTTP_PROXY=http://frank:***@127.0.0.1:9");
    expect(result.stdout + result.stderr).not.toContain("hunter2");
    // NO_PROXY sends the host around it: reached again.
    const around = await doctor({ HTTP_PROXY: "http://127.0.0.1:9", NO_PROXY: "127.0.0.1" });
    expect(lineOf(around.lines, `network to ${readme.sts.url}`)).toBe(`ok    network to ${readme.sts.url}: STS answers directly`);
  });
});

test("-p NAME checks that profile alone; a name that is not a role profile is one line", async () => {
  sandbox = new Sandbox(`${healthyConfig()}\n[profile other]\nvegas_role_arn = ${ROLE_ARN}\nvegas_source_profile = nowhere\n`);
  const all = await doctor();
  expectFailure(all, "profile other", '"nowhere"');
  const one = await doctor({}, ["-p", "frank@concerts"]);
  expect(one.exitCode).toBe(0);
  expect(one.stdout).not.toContain("profile other");
  const refused = await doctor({}, ["-p", "default"]);
  expect(refused.exitCode).toBe(1);
  expect(refused.stdout).toBe("");
  expect(refused.stderr).toBe(`vegas-credentials: doctor -p: profile "default" in ${join(sandbox.home, ".aws", "config")} is not a role profile (it has no vegas_role_arn)\n`);
});
