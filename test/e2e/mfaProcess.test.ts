/**
 * `vegas_mfa_process`: the code from a program (a password manager's CLI), with no terminal and no display at
 * all, as under cron, CI or an IDE: the binary runs under setsid with stdin from /dev/null and no DISPLAY.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, Sandbox, ensureBinary, readmeConfig, startReadmeSts, succeeded } from "../support/sandbox.ts";
import { processGone } from "../support/processGone.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const ASSUME = [BINARY, "assume", "--profile", "frank@concerts"];
let sts: StsDouble;
let sandbox: Sandbox;
let nextCode = 910_000;

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
});
afterAll(() => sts?.stop());
afterEach(() => sandbox?.remove());

/** A sandbox whose source profile names `script` (written as an executable in a folder with a space). */
function withProgram(script: string, argsInConfig = ""): { program: string; argsFile: string } {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
  const folder = join(sandbox.home, "password manager");
  mkdirSync(folder);
  const program = join(folder, "otp");
  const argsFile = join(sandbox.home, "args");
  writeFileSync(program, `#!/bin/sh\nprintf '%s\\n' "$@" > "${argsFile}"\n${script}\n`);
  chmodSync(program, 0o755);
  const config = readmeConfig(`endpoint_url = ${sts.url}\n`).replace(`mfa_serial = ${MFA_SERIAL}\n`, `mfa_serial = ${MFA_SERIAL}\nvegas_mfa_process = "${program}" ${argsInConfig}\n`);
  sandbox.writeConfig(config);
  return { program, argsFile };
}

const lastTokenCode = () => sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.TokenCode;
const failureLines = (stderr: string) => stderr.split("\n").filter((line) => line !== "" && !line.includes("MFA code for"));

describe("vegas_mfa_process", () => {
  test("the first 6-digit code it prints is used; its words are split like a shell's, not run by one", async () => {
    const code = String(nextCode++);
    const { argsFile } = withProgram(`echo "warming up the vault" >&2\necho "otp for AWS: ${code} (30 s left) 1234567"`, `item get "AWS prod" --otp '$HOME'`);
    const result = await sandbox.run(ASSUME);
    expect(failureLines(result.stderr)).toEqual([]);
    succeeded({ ...result, stderr: "" });
    expect(lastTokenCode()).toBe(code);
    expect(readFileSync(argsFile, "utf8")).toBe("item\nget\nAWS prod\n--otp\n$HOME\n");
  });

  test("its stderr shows only with --verbose", async () => {
    withProgram(`echo "vault unlocked" >&2\necho ${nextCode++}`);
    const quiet = await sandbox.run(ASSUME);
    expect(quiet.stderr).not.toContain("vault unlocked");
    withProgram(`echo "vault unlocked" >&2\necho ${nextCode++}`);
    const verbose = await sandbox.run([...ASSUME, "--verbose"]);
    expect(verbose.exitCode).toBe(0);
    expect(verbose.stderr).toContain("says: vault unlocked");
  });

  test.each([
    ["fails", "exit 3", "exited with 3"],
    ["prints no code", "echo 'no otp configured for this item'", "printed no 6-digit code"],
  ])("a program that %s gives up with its reason in the final line", async (_name, script, reason) => {
    const { program } = withProgram(script);
    const result = await sandbox.run(ASSUME);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(failureLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(`vegas_mfa_process ${program} ${reason}`);
  });

  test("a program that hangs is stopped when the MFA timeout ends the race, with the children it started", async () => {
    withProgram(`sleep 60 &\necho "$$ $!" > "$HOME/pids"\nwait`);
    const result = await sandbox.run(ASSUME, { VEGAS_CREDENTIALS_MFA_TIMEOUT: "5" });
    expect(result.exitCode).toBe(1);
    for (const pid of readFileSync(join(sandbox.home, "pids"), "utf8").trim().split(" ").map(Number)) expect(await processGone(pid, 20_000)).toBe(true);
  }, 40_000);

  test("a code printed by a program that keeps running (a child holding its stdout) is taken at once; the program and its child are stopped", async () => {
    const code = String(nextCode++);
    withProgram(`sleep 60 &\necho "$$ $!" > "$HOME/pids"\necho "${code}"\nsleep 60`);
    const result = await sandbox.run(ASSUME, { VEGAS_CREDENTIALS_MFA_TIMEOUT: "25" });
    expect(failureLines(result.stderr)).toEqual([]);
    succeeded({ ...result, stderr: "" });
    expect(lastTokenCode()).toBe(code);
    for (const pid of readFileSync(join(sandbox.home, "pids"), "utf8").trim().split(" ").map(Number)) expect(await processGone(pid, 20_000)).toBe(true);
  }, 40_000);

  test("a code is taken whole: digits split over two writes wait for the rest; seven digits are no code; a code at the very end counts", async () => {
    const code = String(nextCode++);
    withProgram(`printf '${code.slice(0, 3)}'\nsleep 0.3\nprintf '${code.slice(3)} '\nsleep 60`);
    succeeded({ ...(await sandbox.run(ASSUME, { VEGAS_CREDENTIALS_MFA_TIMEOUT: "25" })), stderr: "" });
    expect(lastTokenCode()).toBe(code);
    const last = String(nextCode++);
    withProgram(`printf '1234567 '\nsleep 0.3\nprintf '${last}'`);
    succeeded({ ...(await sandbox.run(ASSUME)), stderr: "" });
    expect(lastTokenCode()).toBe(last);
  }, 40_000);

  test("an unclosed quote is one line naming the profile and the key", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`).replace(`mfa_serial = ${MFA_SERIAL}\n`, `mfa_serial = ${MFA_SERIAL}\nvegas_mfa_process = op item get "AWS\n`));
    const result = await sandbox.run(ASSUME);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^vegas-credentials: profile "default" .*vegas_mfa_process .*unclosed quote.*\n$/);
  });
});
