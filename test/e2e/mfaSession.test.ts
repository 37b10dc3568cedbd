/**
 * `vegas_mfa_session = true`: one code opens a GetSessionToken session, and every role behind the source
 * profile is assumed from it without a new code, until the session ends or STS stops taking it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, Sandbox, SOURCE_KEY, credentialDocument, ensureBinary, startAnyRoleSts, succeeded } from "../support/sandbox.ts";
import { ageCachedCredentials, ageCachedSession } from "../support/cacheAging.ts";
import type { StsDouble, } from "../support/stsDouble.ts";
import type { TerminalRun } from "../support/terminal.ts";

const ROLES = ["SingerRole", "ActorRole", "PainterRole"];
let sts: StsDouble;
let sandbox: Sandbox;
const runs: TerminalRun[] = [];
let nextCode = 800_000;

beforeAll(async () => {
  ensureBinary();
  // Roles demand MFA: assumed from the session, they get it from GetSessionToken's code.
  sts = await startAnyRoleSts({ maxSessionDuration: 43_200, requireMfa: true });
});
afterAll(() => sts.stop());
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.kill()));
  sts.setCredentialLifetime(undefined);
  sandbox?.remove();
});

/** Three role profiles behind one source profile; `sessionLines` go on the source profile. */
function config(sessionLines: string): string {
  const roles = ROLES.map(
    (role) =>
      `[profile ${role}]\ncredential_process = ${BINARY} assume --profile=${role}\nvegas_role_arn = arn:aws:iam::222222222222:role/${role}\nvegas_source_profile = default\nduration_seconds = 4383\nendpoint_url = ${sts.url}\n`,
  );
  return [`[default]\nmfa_serial = ${MFA_SERIAL}\n${sessionLines}`, ...roles].join("\n");
}

const successes = (action: string) => sts.calls.filter((call) => call.action === action && call.error === undefined);

const assumeTyping = async (role: string) => succeeded(await sandbox.assumeTyping(role, nextCode++));

/** No terminal: succeeds only if no code is needed. */
const assumeSilently = async (role: string) => succeeded(await sandbox.run([BINARY, "assume", `--profile=${role}`]));

describe("with an MFA session", () => {
  test("three roles need one code: 1 GetSessionToken with MFA, then 3 AssumeRole signed by the session without MFA", async () => {
    sandbox = new Sandbox(config("vegas_mfa_session = true\n"));
    const [sessions, roles] = [successes("GetSessionToken").length, successes("AssumeRole").length];
    await assumeTyping("SingerRole");
    await assumeSilently("ActorRole");
    await assumeSilently("PainterRole");

    const getSessionToken = successes("GetSessionToken").slice(sessions);
    expect(getSessionToken).toHaveLength(1);
    expect(getSessionToken[0]?.accessKeyId).toBe(SOURCE_KEY.id);
    expect(getSessionToken[0]?.params).toMatchObject({ SerialNumber: MFA_SERIAL, DurationSeconds: "43200" });
    expect(getSessionToken[0]?.params.TokenCode).toMatch(/^\d{6}$/);

    const assumeRole = successes("AssumeRole").slice(roles);
    expect(assumeRole.map((call) => call.params.RoleArn)).toEqual(ROLES.map((role) => `arn:aws:iam::222222222222:role/${role}`));
    const sessionKeys = new Set(assumeRole.map((call) => call.accessKeyId));
    expect(sessionKeys.size).toBe(1);
    expect([...sessionKeys][0]).toStartWith("ASIA");
    for (const call of assumeRole) {
      expect(call.params.SerialNumber).toBeUndefined();
      expect(call.params.TokenCode).toBeUndefined();
      // AssumeRole signed by a session is role chaining to STS: one hour at most, whatever duration_seconds says.
      expect(call.params.DurationSeconds).toBe("3600");
    }
  });

  test("role credentials near their end are fetched again from the session, without a prompt", async () => {
    sandbox = new Sandbox(config("vegas_mfa_session = true\n"));
    const first = await assumeTyping("SingerRole");
    // Ten minutes left of an hour: inside the 15-minute refresh window, but plenty for the session.
    await ageCachedCredentials(sandbox, "SingerRole", 600);
    const before = successes("AssumeRole").length;
    const again = await assumeSilently("SingerRole");
    expect(again.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(successes("AssumeRole").length).toBe(before + 1);
  });

  test("an expired session costs exactly one new prompt", async () => {
    sandbox = new Sandbox(config("vegas_mfa_session = true\n"));
    await assumeTyping("SingerRole");
    await ageCachedSession(sandbox, "SingerRole", -1);
    const sessions = successes("GetSessionToken").length;
    await assumeTyping("ActorRole");
    expect(successes("GetSessionToken").length).toBe(sessions + 1);
    await assumeSilently("PainterRole");
  });

  test("a session STS rejects is dropped: exactly one new prompt, then success", async () => {
    sandbox = new Sandbox(config("vegas_mfa_session = true\n"));
    await assumeTyping("SingerRole");
    sts.failNext("AssumeRole", { status: 403, code: "ExpiredToken", message: "The security token included in the request is expired" });
    const sessions = successes("GetSessionToken").length;
    const run = await sandbox.inTerminal([BINARY, "assume", "--profile=ActorRole"]);
    runs.push(run);
    await run.waitForText(`MFA code for ${MFA_SERIAL} (ActorRole)`);
    await run.type(String(nextCode++));
    await run.pressEnter();
    const result = await run.done();
    expect(result.exitCode).toBe(0);
    expect(result.screen.split("MFA code for").length - 1).toBe(1);
    expect(successes("GetSessionToken").length).toBe(sessions + 1);
    await assumeSilently("PainterRole");
  });

  test("a role STS denies fails with its own line and keeps the session: the next role asks for nothing", async () => {
    sandbox = new Sandbox(config("vegas_mfa_session = true\n"));
    await assumeTyping("SingerRole");
    sts.failNext("AssumeRole", { status: 403, code: "AccessDenied", message: "User: x is not authorized to perform: sts:AssumeRole on resource: ActorRole" });
    const sessions = successes("GetSessionToken").length;
    const denied = await sandbox.run([BINARY, "assume", "--profile=ActorRole"]);
    expect(denied.exitCode).toBe(1);
    expect(denied.stdout).toBe("");
    expect(denied.stderr).toStartWith('vegas-credentials: profile "ActorRole": source profile "default" may not assume arn:aws:iam::222222222222:role/ActorRole');
    // No terminal: success means no code was needed, the session was still there.
    await assumeSilently("PainterRole");
    expect(successes("GetSessionToken").length).toBe(sessions);
  });

  test("parallel runs for different roles on an empty cache: one prompt in all", async () => {
    sandbox = new Sandbox(config("vegas_mfa_session = true\n"));
    const [sessions, roles] = [successes("GetSessionToken").length, successes("AssumeRole").length];
    const script = ROLES.flatMap((role) => Array.from({ length: 5 }, (_, i) => `${BINARY} assume --profile=${role} >${sandbox.home}/${role}.${i}.out 2>&1 &`)).join(" ");
    const run = await sandbox.inTerminal(["/bin/sh", "-c", `${script} wait`]);
    runs.push(run);
    await run.waitForText(`MFA code for ${MFA_SERIAL}`, 30_000);
    await run.type(String(nextCode++));
    await run.pressEnter();
    const { screen } = await run.done(60_000);
    expect(screen.split("MFA code for").length - 1).toBe(1);
    expect(successes("GetSessionToken").length).toBe(sessions + 1);
    expect(successes("AssumeRole").length).toBe(roles + 3);
    const outputs = readdirSync(sandbox.home).filter((name) => name.endsWith(".out"));
    expect(outputs).toHaveLength(15);
    for (const name of outputs) credentialDocument(readFileSync(join(sandbox.home, name), "utf8"));
  });

  test("the session is cached sealed: nothing of its keys in the cache files", async () => {
    sandbox = new Sandbox(config("vegas_mfa_session = true\n"));
    await assumeTyping("SingerRole");
    const sessionKey = successes("AssumeRole").at(-1)?.accessKeyId ?? "";
    expect(sessionKey).toStartWith("ASIA");
    for (const name of readdirSync(sandbox.cacheFolder)) {
      expect(readFileSync(join(sandbox.cacheFolder, name)).includes(Buffer.from(sessionKey))).toBe(false);
    }
  });
});

describe("without the setting", () => {
  test("every role asks for its own code and AssumeRole carries it, as before", async () => {
    sandbox = new Sandbox(config(""));
    const [sessions, roles] = [successes("GetSessionToken").length, successes("AssumeRole").length];
    await assumeTyping("SingerRole");
    await assumeTyping("ActorRole");
    expect(successes("GetSessionToken").length).toBe(sessions);
    const assumeRole = successes("AssumeRole").slice(roles);
    expect(assumeRole).toHaveLength(2);
    for (const call of assumeRole) {
      expect(call.accessKeyId).toBe(SOURCE_KEY.id);
      expect(call.params.SerialNumber).toBe(MFA_SERIAL);
      expect(call.params.TokenCode).toMatch(/^\d{6}$/);
    }
  });
});
