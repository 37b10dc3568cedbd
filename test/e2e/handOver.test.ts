/**
 * The credentials must reach the caller: a stdout that cannot take them (a full disk, a reader that is gone,
 * a pipe nobody drains) fails the run, with one line and a non-zero exit, and the log says so.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOG_FILE } from "../../src/log/runLog.ts";
import { BINARY, PROMPT, Sandbox, credentialDocument, ensureBinary, readmeConfig, startReadmeSts } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const ASSUME = [BINARY, "assume", "--profile", "frank@concerts"];
let sts: StsDouble;
let sandbox: Sandbox;

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
  sandbox.env.XDG_STATE_HOME = join(sandbox.home, ".state");
  const run = await sandbox.inTerminal(ASSUME);
  await run.waitForText(PROMPT.trimEnd());
  await run.type("710000");
  await run.pressEnter();
  credentialDocument((await run.done()).stdout);
});

afterAll(() => {
  sts?.stop();
  sandbox?.remove();
});

/** Runs the cached assume under sh with stdout set up by `plumbing` ("$@" is the command); "rc=N" comes on fd 3. */
async function withStdout(plumbing: string): Promise<{ exitCode: number; stderr: string }> {
  const script = `exec 3>&1; ${plumbing}`;
  const result = await sandbox.run(["sh", "-c", script, "sh", ...ASSUME]);
  const exitCode = Number(/rc=(\d+)/.exec(result.stdout)?.[1] ?? Number.NaN);
  return { exitCode, stderr: result.stderr };
}

const lastLogLine = () => readFileSync(join(sandbox.home, ".state", "vegas-credentials", LOG_FILE), "utf8").trimEnd().split("\n").at(-1) ?? "";

describe("a stdout that cannot take the credentials", () => {
  test("a full disk (/dev/full): exit 74, one line, and the log records the failure", async () => {
    const result = await withStdout(`"$@" >/dev/full; echo "rc=$?" >&3`);
    expect(result.exitCode).toBe(74);
    expect(result.stderr).toBe("vegas-credentials: could not hand the credentials over on stdout (ENOSPC: the disk is full): whatever runs this command must read its output\n");
    expect(lastLogLine()).toContain(" cache=hit exit=74 ");
  });

  test("a closed stdout (>&-): exit 74 with the line of its kind, while >/dev/null still takes the document", async () => {
    const closed = await withStdout(`"$@" >&-; echo "rc=$?" >&3`);
    expect(closed.exitCode).toBe(74);
    expect(closed.stderr).toBe("vegas-credentials: could not hand the credentials over on stdout (EBADF: it is closed): whatever runs this command must read its output\n");
    const discarded = await withStdout(`"$@" >/dev/null; echo "rc=$?" >&3`);
    expect(discarded).toEqual({ exitCode: 0, stderr: "" });
  });

  test("a reader that is gone (a broken pipe)", async () => {
    const result = await withStdout(`(sleep 0.3; "$@"; echo "rc=$?" >&3) | true`);
    expect(result.exitCode).toBe(74);
    expect(result.stderr).toContain("(EPIPE: nothing reads it any more)");
  });

  test("a full pipe nobody drains: the run gives up after 10 s instead of hanging", async () => {
    // Fill the pipe without blocking, then let the binary try to add its document.
    const fill = `python3 -c 'import os, fcntl
flags = fcntl.fcntl(1, fcntl.F_GETFL)
fcntl.fcntl(1, fcntl.F_SETFL, flags | os.O_NONBLOCK)
try:
    while True: os.write(1, b"x" * 4096)
except BlockingIOError:
    pass
fcntl.fcntl(1, fcntl.F_SETFL, flags)'`;
    const result = await withStdout(`(${fill}; start=$(date +%s); "$@"; rc=$?; echo "rc=$rc after=$(($(date +%s) - start))" >&3) | sleep 14`);
    expect(result.exitCode).toBe(74);
    expect(result.stderr).toContain("(ETIMEDOUT: nothing read it within 10 s)");
  }, 40_000);
});
