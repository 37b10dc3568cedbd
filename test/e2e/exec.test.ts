/**
 * `exec`: a program run with the role's credentials in its environment, its exit code (or 128 + signal)
 * handed back; the AWS CLI as that program against the STS double; nested exec for another profile refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, PROMPT, Sandbox, ensureBinary, readmeConfig, startReadmeSts, succeeded, zenityAnswering } from "../support/sandbox.ts";
import { runInTerminal } from "../support/terminal.ts";
import type { StsDouble } from "../support/stsDouble.ts";

let sts: StsDouble;
let sandbox: Sandbox;
let document: ReturnType<typeof succeeded>;

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`)).putFakesOnPath("zenity");
  const first = await sandbox.run([BINARY, "assume", "--profile", "frank@concerts"], zenityAnswering(991_001));
  document = succeeded({ ...first, stderr: "" });
});

afterAll(() => {
  sts?.stop();
  sandbox?.remove();
});

/** A child that prints its AWS_ environment and exits 7. */
function envPrinter(): string {
  const path = join(sandbox.home, "print-env");
  writeFileSync(path, '#!/bin/sh\nenv | grep -E "^(AWS_|VEGAS_CREDENTIALS_PROFILE)" | sort\necho "args: $*"\nexit 7\n');
  chmodSync(path, 0o755);
  return path;
}

describe("exec", () => {
  test("the child gets the keys and the region, not AWS_PROFILE nor a stale AWS_SECURITY_TOKEN, its arguments as given, and its exit code comes back", async () => {
    const result = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts", "--", envPrinter(), "one two", "--three"], { AWS_PROFILE: "frank@concerts", AWS_SECURITY_TOKEN: "stale-token" });
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toBe("");
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toContain(`AWS_ACCESS_KEY_ID=${document.AccessKeyId}`);
    expect(lines).toContain(`AWS_SECRET_ACCESS_KEY=${document.SecretAccessKey}`);
    expect(lines).toContain(`AWS_SESSION_TOKEN=${document.SessionToken}`);
    expect(lines).toContain(`AWS_CREDENTIAL_EXPIRATION=${document.Expiration}`);
    expect(lines).toContain("AWS_REGION=us-west-1");
    expect(lines).toContain("VEGAS_CREDENTIALS_PROFILE=frank@concerts");
    expect(lines.some((line) => line.startsWith("AWS_PROFILE="))).toBe(false);
    // botocore reads AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN: a stale one would go out with the new key.
    expect(lines.some((line) => line.startsWith("AWS_SECURITY_TOKEN="))).toBe(false);
    expect(lines.at(-1)).toBe("args: one two --three");
  });

  test("exec -- aws sts get-caller-identity: the AWS CLI answers as the role", async () => {
    const result = await sandbox.run([BINARY, "exec", "-p", "frank@concerts", "--", "aws", "sts", "get-caller-identity", "--endpoint-url", sts.url, "--output", "json"]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).Arn).toBe("arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands");
  });

  test("with no command it starts $SHELL", async () => {
    const shell = join(sandbox.home, "fake-shell");
    writeFileSync(shell, '#!/bin/sh\necho "shell for $VEGAS_CREDENTIALS_PROFILE"\n');
    chmodSync(shell, 0o755);
    const result = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts"], { SHELL: shell });
    expect(result).toEqual({ exitCode: 0, stdout: "shell for frank@concerts\n", stderr: "" });
  });

  test("a child ended by a signal: 128 + its number", async () => {
    const result = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts", "--", "sh", "-c", "kill -TERM $$"]);
    expect(result.exitCode).toBe(143);
  });

  test("SIGTERM to exec goes on to the child", async () => {
    const marker = join(sandbox.home, "got-term");
    const child = Bun.spawn(["setsid", "--wait", BINARY, "exec", "--profile", "frank@concerts", "--", "sh", "-c", `trap 'echo term > ${marker}; exit 3' TERM; echo ready; while :; do sleep 0.1; done`], { env: sandbox.env, stdout: "pipe", stderr: "pipe" });
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe("ready\n");
    const exec = Number(Bun.spawnSync(["pgrep", "-f", "-n", `${BINARY} exec`]).stdout.toString().trim());
    process.kill(exec, "SIGTERM");
    expect(await child.exited).toBe(3);
    expect(readFileSync(marker, "utf8")).toBe("term\n");
  });

  test("--verbose after -- (or after the command) is the command's, not exec's", async () => {
    for (const argv of [["--", envPrinter(), "--verbose"], [envPrinter(), "--verbose", "--no-color"]]) {
      const result = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts", ...argv]);
      expect(result.exitCode).toBe(7);
      expect(result.stderr).toBe("");
      expect(result.stdout.trimEnd().split("\n").at(-1)).toStartWith("args: --verbose");
    }
    const ours = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts", "--verbose", "--", envPrinter()]);
    expect(ours.stderr).toContain("cache hit");
  });

  test("nested exec for another profile refuses with one line; a program not on PATH, or a path to no file, is one line too", async () => {
    const nested = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts", "--", "true"], { VEGAS_CREDENTIALS_PROFILE: "frank@movies" });
    expect(nested).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: 'vegas-credentials: this shell already holds the credentials of profile "frank@movies" (from vegas-credentials exec): leave it (exit) before running exec for profile "frank@concerts"\n',
    });
    const missing = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts", "--", "no-such-program-here"]);
    expect(missing).toEqual({ exitCode: 127, stdout: "", stderr: "vegas-credentials: cannot run no-such-program-here: not found on PATH\n" });
    const noFile = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts", "--", "/nonexistent/prog"]);
    expect(noFile).toEqual({ exitCode: 127, stdout: "", stderr: "vegas-credentials: cannot run /nonexistent/prog: no such file\n" });
  });
});

describe("exec at a terminal", () => {
  test("after the code is typed at the prompt, the first line typed goes to the program, not to the prompt's reader", async () => {
    const person = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    const run = await runInTerminal([BINARY, "exec", "--profile", "frank@concerts", "--", "sh", "-c", "echo ready >&2; read line; echo got:$line"], { env: person.env, stdin: "terminal" });
    try {
      await run.waitForText(PROMPT.trimEnd(), 30_000);
      await run.type("993001");
      await run.pressEnter();
      // "ready" is on stderr (a file): wait for it there, so the line is typed once sh reads.
      const deadline = Date.now() + 30_000;
      while (!readFileSync(join(run.directory, "stderr"), "utf8").includes("ready") && Date.now() < deadline) await Bun.sleep(25);
      await run.type("hello");
      await run.pressEnter();
      const result = await run.done();
      expect(result.stdout).toBe("got:hello\n");
      expect(result.exitCode).toBe(0);
    } finally {
      await run.kill();
      person.remove();
    }
  }, 60_000);
});
