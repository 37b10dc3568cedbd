/**
 * A machine whose clock was wrong and is then set right: STS refuses every signature made more than 15
 * minutes off its clock, and once the clock is right nothing of that time may keep a profile locked out. The
 * binary runs under libfaketime (see wrongClock.ts); the STS double keeps the real time, as STS does.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { countingCodeProgram, withCodeProgram } from "../support/codeProgram.ts";
import { BINARY, type Result, Sandbox, credentialDocument, ensureBinary, readmeConfig, startAnyRoleSts, startReadmeSts } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";
import { clockOff } from "../support/wrongClock.ts";

const ASSUME = [BINARY, "assume", "--profile=frank@concerts"];
const CLOCK_LINE = /\nvegas-credentials: profile "frank@concerts": STS says this machine's clock is off \(Signature not yet current: \d{8}T\d{6}Z is still later than .*\): set the clock and time zone right \(enable NTP\), then run the command again\n$/;
let sts: StsDouble;
let sessionSts: StsDouble;
let sandbox: Sandbox;
let nextCode = 610_000;

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
  sessionSts = await startAnyRoleSts({ maxSessionDuration: 43_200, requireMfa: true });
});
afterAll(async () => {
  await sts.stop();
  await sessionSts.stop();
});
afterEach(() => sandbox?.remove());

/** The README's profile with the code from a program that counts how often it ran. */
function sandboxWithCodes(endpoint: string, sourceLines = ""): { codesGiven: () => number } {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${endpoint}\n`));
  const program = countingCodeProgram(sandbox, nextCode);
  nextCode += 100;
  sandbox.writeConfig(withCodeProgram(readmeConfig(`endpoint_url = ${endpoint}\n`), program, sourceLines));
  return { codesGiven: program.given };
}

/** A run that got its credentials (the line that says where the code came from is all it may print). */
function answered(result: Result): void {
  expect(result.stderr.split("\n").filter((line) => line !== "" && !line.includes("MFA code for"))).toEqual([]);
  expect(result.exitCode).toBe(0);
  credentialDocument(result.stdout);
}

const failureNotes = () => readdirSync(sandbox.cacheFolder).filter((name) => name.endsWith(".failed"));

describe("a clock that was wrong and is set right", () => {
  test("2 hours ahead: one line about the clock, nothing remembered; with the clock right, the next run works", async () => {
    const { codesGiven } = sandboxWithCodes(sts.url);
    const ahead = await sandbox.run(ASSUME, clockOff("+2h"));
    expect(ahead.exitCode).toBe(1);
    expect(ahead.stdout).toBe("");
    expect(ahead.stderr).toMatch(CLOCK_LINE);
    expect(failureNotes()).toEqual([]);
    const before = sts.count("AssumeRole");
    answered(await sandbox.run(ASSUME));
    expect(sts.count("AssumeRole")).toBe(before + 1);
    expect(codesGiven()).toBe(2);
  });

  test("a failure met while the clock ran 10 minutes ahead (STS still takes it) is not replayed once the clock is set back", async () => {
    sandboxWithCodes(sts.url);
    sts.failNext("AssumeRole", { status: 403, code: "AccessDenied", message: "User: arn:aws:iam::111111111111:user/FrankSinatra is not authorized to perform: sts:AssumeRole" });
    const denied = await sandbox.run(ASSUME, clockOff("+10m"));
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain("may not assume");
    expect(failureNotes()).toHaveLength(1);
    // `cache` lists the note, dated by the clock that wrote it.
    const listing = await sandbox.run([BINARY, "cache", "--no-color"]);
    expect(listing.stdout).toContain("frank@concerts");
    expect(listing.stdout).toContain("last failure");
    expect(listing.stdout).not.toContain("The cache is empty");
    const before = sts.count("AssumeRole");
    answered(await sandbox.run(ASSUME));
    expect(sts.count("AssumeRole")).toBe(before + 1);
    expect(failureNotes()).toEqual([]);
  });

  test("with an MFA session: the clock's failure neither ends the session nor asks for a code; with the clock right the session serves again", async () => {
    const { codesGiven } = sandboxWithCodes(sessionSts.url, "vegas_mfa_session = true\n");
    sandbox.writeConfig(readFileSync(sandbox.env.AWS_CONFIG_FILE ?? "", "utf8").replace("duration_seconds = 4383", "duration_seconds = 3600"));
    answered(await sandbox.run(ASSUME));
    expect(codesGiven()).toBe(1);
    // Two hours on, the role's credentials are over by the machine's clock, the 12-hour session is not.
    const ahead = await sandbox.run(ASSUME, clockOff("+2h"));
    expect(ahead.exitCode).toBe(1);
    // The SDK corrects its signing clock by STS's on the retry a session's call gets: the role's credentials then
    // look expired by this clock, and that line says so.
    expect(ahead.stderr).toMatch(/^vegas-credentials: profile "frank@concerts": STS handed out credentials that expire at \S+, \d+ s ago by this machine's clock \(\S+\): check the clock and time zone of this machine, then run the command again\n$/);
    expect(codesGiven()).toBe(1);
    expect(failureNotes()).toEqual([]);
    const sessions = sessionSts.count("GetSessionToken");
    // Set right: the cached role credentials still answer, and once they are gone the session assumes the role.
    answered(await sandbox.run(ASSUME));
    expect(codesGiven()).toBe(1);
    expect(sessionSts.count("GetSessionToken")).toBe(sessions);
  });
});
