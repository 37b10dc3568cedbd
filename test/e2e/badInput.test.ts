/**
 * The compiled binary on bad command lines and bad configs: one line on stderr naming what to fix, nothing on
 * stdout, exit 2 for a bad command line and 1 for a bad config, no stack trace unless --verbose.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, Sandbox, ensureBinary, readmeConfig } from "../support/sandbox.ts";

let sandbox: Sandbox;

beforeAll(() => {
  ensureBinary();
  sandbox = new Sandbox(readmeConfig("endpoint_url = http://127.0.0.1:9\n"));
});
afterAll(() => sandbox.remove());

async function refusal(args: string[], config?: string) {
  if (config !== undefined) sandbox.writeConfig(config);
  try {
    const result = await sandbox.run([BINARY, ...args]);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toHaveLength(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    return result;
  } finally {
    sandbox.writeConfig(readmeConfig("endpoint_url = http://127.0.0.1:9\n"));
  }
}

describe("command line", () => {
  test.each([
    [["assume"], "vegas-credentials: Missing required argument: profile (see vegas-credentials --help)\n"],
    [["assume", "--profile"], "vegas-credentials: Not enough arguments following: profile (see vegas-credentials --help)\n"],
    [["assume", "--profile", "frank@concerts", "--bogus"], "vegas-credentials: Unknown argument: bogus (see vegas-credentials --help)\n"],
    [["frobnicate"], "vegas-credentials: Unknown argument: frobnicate (see vegas-credentials --help)\n"],
    [[], "vegas-credentials: name a command: assume, exec, export, login, serve, cache, config, keys, doctor, version or completion (see vegas-credentials --help)\n"],
    [["config"], "vegas-credentials: name a config command: list or show-profile or add or import (see vegas-credentials --help)\n"],
    [["config", "show-profile"], "vegas-credentials: Missing required argument: profile (see vegas-credentials --help)\n"],
    [["cache", "clean", "--profile"], "vegas-credentials: Not enough arguments following: profile (see vegas-credentials --help)\n"],
    [["cache", "wipe"], "vegas-credentials: Unknown argument: wipe (see vegas-credentials --help)\n"],
    [["exprot"], "vegas-credentials: Unknown argument: exprot: did you mean export? (see vegas-credentials --help)\n"],
    // 3 edits from export: no guess (yargs' own recommendCommands offered it).
    [["extra"], "vegas-credentials: Unknown argument: extra (see vegas-credentials --help)\n"],
  ])("%p is a usage error (exit 2)", async (args, message) => {
    const result = await refusal(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(message);
  });

  test("--help and assume --help describe the options, on stdout, exit 0", async () => {
    const help = await sandbox.run([BINARY, "--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("vegas-credentials assume");
    const assumeHelp = await sandbox.run([BINARY, "assume", "--help"]);
    expect(assumeHelp.exitCode).toBe(0);
    expect(assumeHelp.stdout).toContain("--profile");
    expect(assumeHelp.stdout).toContain("credential_process = vegas-credentials assume");
  });

  test("--version prints the version alone", async () => {
    const result = await sandbox.run([BINARY, "--version"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });
});

describe("configuration", () => {
  const config = (replace: [string, string][], extra = "") => replace.reduce((text, [from, to]) => text.replace(from, to), readmeConfig(extra));
  const assume = ["assume", "--profile=frank@concerts"];
  const file = () => join(sandbox.home, ".aws", "config");

  test.each([
    ["a missing profile, with close names", [], ["assume", "--profile=frank@concert"], /^vegas-credentials: profile "frank@concert" not found in (\S+): did you mean "frank@concerts"\?\n$/],
    ["a malformed role ARN", [["role/SingerRole", "SingerRole"]], assume, /^vegas-credentials: profile "frank@concerts" in (\S+): vegas_role_arn "arn:aws:iam::222222222222:SingerRole" is not an IAM role ARN: /],
    ["no vegas_role_arn", [["vegas_role_arn", "# vegas_role_arn"]], assume, /^vegas-credentials: profile "frank@concerts" in (\S+): vegas_role_arn is missing: /],
    ["no vegas_source_profile", [["vegas_source_profile", "# vegas_source_profile"]], assume, /^vegas-credentials: profile "frank@concerts" in (\S+): vegas_source_profile is missing: /],
    ["a source profile that is itself", [["vegas_source_profile = default", "vegas_source_profile = frank@concerts"]], assume, /^vegas-credentials: profile "frank@concerts" in (\S+): vegas_source_profile names this profile itself: /],
    ["no mfa_serial", [["mfa_serial", "# mfa_serial"]], assume, /^vegas-credentials: profile "default" \(the vegas_source_profile of "frank@concerts"\) in (\S+): mfa_serial is missing: /],
    ["duration_seconds too short", [["4383", "600"]], assume, /^vegas-credentials: profile "frank@concerts" in (\S+): duration_seconds 600 is /],
    ["duration_seconds not a number", [["4383", "1h"]], assume, /^vegas-credentials: profile "frank@concerts" in (\S+): duration_seconds "1h" is not a whole number of seconds: use a value from 900 to 43200\n$/],
    ["a bad role_session_name", [["SinatraAtTheSands", "Sinatra at the Sands"]], assume, /^vegas-credentials: profile "frank@concerts" in (\S+): role_session_name "Sinatra at the Sands" /],
    ["a bad external_id", [["0093624694724", "a"]], assume, /^vegas-credentials: profile "frank@concerts" in (\S+): external_id /],
    ["plain role_arn beside credential_process", [["vegas_role_arn", "role_arn"]], assume, /^vegas-credentials: profile "frank@concerts" in (\S+): role_arn /],
  ] as [string, [string, string][], string[], RegExp][])("%s", async (_, replace, args, expected) => {
    const result = await refusal(args, config(replace));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr.match(expected)?.[1]).toBe(file());
  });

  test("a missing config file says where it looked", async () => {
    const result = await refusal(assume, "");
    rmSync(file());
    const missing = await sandbox.run([BINARY, ...assume]);
    expect(result.exitCode).toBe(1);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(`vegas-credentials: AWS config file ${file()} not found: create it with your profiles, or point AWS_CONFIG_FILE at it\n`);
  });

  test("AWS_CONFIG_FILE is honoured, with ~ expanded", async () => {
    const result = await sandbox.run([BINARY, ...assume], { AWS_CONFIG_FILE: "~/elsewhere/config" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`vegas-credentials: AWS config file ${join(sandbox.home, "elsewhere", "config")} not found: create it with your profiles, or point AWS_CONFIG_FILE at it\n`);
  });
});

describe("files no AWS config or credentials file can be", () => {
  const assume = ["assume", "--profile=frank@concerts"];

  test.each([
    ["/dev/zero", () => "/dev/zero", "is not a regular file (a device, FIFO or socket)"],
    ["a FIFO (reading it would hang)", () => {
      const fifo = join(sandbox.home, "credentials.fifo");
      if (Bun.spawnSync(["mkfifo", fifo]).exitCode !== 0) throw new Error("mkfifo failed");
      return fifo;
    }, "is not a regular file (a device, FIFO or socket)"],
    ["a 2 GB sparse file", () => {
      const sparse = join(sandbox.home, "credentials.sparse");
      truncateSync(openAndClose(sparse), 2 * 1024 ** 3);
      return sparse;
    }, "is larger than 10 MB, which no credentials file is"],
  ] as [string, () => string, string][])("AWS_SHARED_CREDENTIALS_FILE as %s: one line before anything is read", async (_, make, said) => {
    sandbox.writeConfig(readmeConfig("endpoint_url = http://127.0.0.1:9\n"));
    const path = make();
    const result = await sandbox.run([BINARY, ...assume], { AWS_SHARED_CREDENTIALS_FILE: path });
    expect(result).toEqual({ exitCode: 1, stdout: "", stderr: `vegas-credentials: AWS credentials file ${path} ${said}: point AWS_SHARED_CREDENTIALS_FILE at your credentials file\n` });
  });

  test("a 100 KB profile name against a config with a 1 MB section name: the suggestion search is bounded", async () => {
    const config = readmeConfig("endpoint_url = http://127.0.0.1:9\n") + `\n[profile ${"b".repeat(1024 * 1024)}]\nregion = us-east-1\n`;
    const result = await refusal(["assume", `--profile=${"a".repeat(100 * 1024)}`], config);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^vegas-credentials: profile "a{100,}/);
  }, 20_000);
});

function openAndClose(path: string): string {
  writeFileSync(path, "");
  return path;
}
