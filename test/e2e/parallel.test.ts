/**
 * Many runs at once, as Terraform, CDK and kubectl start them: one prompt and one STS call per role and
 * MFA device, every run answered, no run waiting on another device, a killed prompter taken over at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, ROLE_ARN, Sandbox, SOURCE_KEY, credentialDocument, ensureBinary, readmeConfig } from "../support/sandbox.ts";
import { type StsDouble, startStsDouble } from "../support/stsDouble.ts";
import type { TerminalRun } from "../support/terminal.ts";

const HOBBY_KEY = { id: "AKIAHOBBYHOBBYHOBBY1", secret: "hobby-secret-hobby-secret-hobby-secret-00" };
const HOBBY_SERIAL = "arn:aws:iam::333333333333:mfa/FrankHobby";
let sts: StsDouble;
let sandbox: Sandbox;
const runs: TerminalRun[] = [];
let nextCode = 300_000;
const freshCode = () => String(nextCode++);

beforeAll(async () => {
  ensureBinary();
  sts = await startStsDouble({
    users: {
      [SOURCE_KEY.id]: { secretAccessKey: SOURCE_KEY.secret, arn: "arn:aws:iam::111111111111:user/FrankSinatra" },
      [HOBBY_KEY.id]: { secretAccessKey: HOBBY_KEY.secret, arn: "arn:aws:iam::333333333333:user/FrankHobby" },
    },
    mfa: "any",
    anyRole: { maxSessionDuration: 43_200 },
  });
});
afterAll(() => sts.stop());
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.kill()));
  sandbox?.remove();
});

/** Three role profiles: two behind the work device, one behind the hobby device. */
function threeProfiles(): string {
  const role = (name: string, roleArn: string, source: string) =>
    `[profile ${name}]\ncredential_process = ${BINARY} assume --profile=${name}\nvegas_role_arn = ${roleArn}\nvegas_source_profile = ${source}\nendpoint_url = ${sts.url}\n`;
  return [
    `[profile work]\nmfa_serial = ${MFA_SERIAL}\n`,
    `[profile hobby]\nmfa_serial = ${HOBBY_SERIAL}\n`,
    role("work-a", "arn:aws:iam::222222222222:role/SingerRole", "work"),
    role("work-b", "arn:aws:iam::222222222222:role/ActorRole", "work"),
    role("hobby-c", "arn:aws:iam::444444444444:role/PainterRole", "hobby"),
  ].join("\n");
}

/** A shell in a terminal that starts `count` runs per profile at once, each writing its own files. */
async function startParallel(profiles: string[], count: number, outputs: string): Promise<TerminalRun> {
  const script = profiles
    .flatMap((profile) => Array.from({ length: count }, (_, index) => `${BINARY} assume --profile=${profile} >${outputs}/${profile}.${index}.out 2>${outputs}/${profile}.${index}.err & `))
    .join("");
  const run = await sandbox.inTerminal(["/bin/sh", "-c", `${script} wait`]);
  runs.push(run);
  return run;
}

function outputsOf(folder: string, profile: string) {
  return readdirSync(folder)
    .filter((name) => name.startsWith(`${profile}.`) && name.endsWith(".out"))
    .map((name) => ({ stdout: readFileSync(join(folder, name), "utf8"), stderr: readFileSync(join(folder, name.replace(/\.out$/, ".err")), "utf8") }));
}

const prompts = (screen: string, serial: string) => screen.split(`MFA code for ${serial}`).length - 1;

async function typeCode(run: TerminalRun, code = freshCode()): Promise<void> {
  await run.type(code);
  await run.pressEnter();
}

describe("parallel runs", () => {
  test("30 runs of one profile on an empty cache: one prompt, one STS call, 30 identical documents", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    const outputs = sandbox.home;
    const before = sts.count("AssumeRole");
    const run = await startParallel(["frank@concerts"], 30, outputs);
    await run.waitForText(`MFA code for ${MFA_SERIAL} (frank@concerts)`, 30_000);
    await typeCode(run);
    const { screen } = await run.done(60_000);
    expect(prompts(screen, MFA_SERIAL)).toBe(1);
    expect(sts.count("AssumeRole")).toBe(before + 1);
    const results = outputsOf(outputs, "frank@concerts");
    expect(results).toHaveLength(30);
    for (const result of results) expect(result.stderr).toBe("");
    expect(new Set(results.map((result) => result.stdout)).size).toBe(1);
    credentialDocument(results[0]?.stdout ?? "");
  });

  test("3 profiles x 10 runs, two devices: one prompt per role, and the devices do not wait on each other", async () => {
    sandbox = new Sandbox(threeProfiles());
    await Bun.write(
      join(sandbox.home, ".aws", "credentials"),
      `[work]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\n[hobby]\naws_access_key_id = ${HOBBY_KEY.id}\naws_secret_access_key = ${HOBBY_KEY.secret}\n`,
    );
    const before = sts.count("AssumeRole");
    const work = await startParallel(["work-a", "work-b"], 10, sandbox.home);
    const hobby = await startParallel(["hobby-c"], 10, sandbox.home);
    // Both devices ask at the same time: neither waits for the other's answer.
    const firstWorkScreen = await work.waitForText(`MFA code for ${MFA_SERIAL}`, 30_000);
    await hobby.waitForText(`MFA code for ${HOBBY_SERIAL} (hobby-c)`, 30_000);
    expect(prompts(await work.screen(), MFA_SERIAL)).toBe(1);
    await typeCode(hobby);
    const hobbyScreen = (await hobby.done(60_000)).screen;
    // The work device still waits for its first answer; then it asks once for the other role.
    const firstRole = firstWorkScreen.includes("(work-a)") ? "work-a" : "work-b";
    const secondRole = firstRole === "work-a" ? "work-b" : "work-a";
    await typeCode(work);
    await work.waitForText(`MFA code for ${MFA_SERIAL} (${secondRole})`, 30_000);
    await typeCode(work);
    const workScreen = (await work.done(60_000)).screen;

    expect(prompts(workScreen, MFA_SERIAL)).toBe(2);
    expect(prompts(hobbyScreen, HOBBY_SERIAL)).toBe(1);
    expect(sts.count("AssumeRole")).toBe(before + 3);
    for (const profile of ["work-a", "work-b", "hobby-c"]) {
      const results = outputsOf(sandbox.home, profile);
      expect(results).toHaveLength(10);
      expect(results.every((result) => result.stderr === "")).toBe(true);
      expect(new Set(results.map((result) => result.stdout)).size).toBe(1);
    }
  });

  test("when the one run that asked fails, the 9 that waited fail with its line instead of asking again", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    sts.failNext("AssumeRole", { status: 403, code: "AccessDenied", message: "MultiFactorAuthentication failed with invalid MFA one time pass code. " });
    const run = await startParallel(["frank@concerts"], 10, sandbox.home);
    await run.waitForText(`MFA code for ${MFA_SERIAL} (frank@concerts)`, 30_000);
    await typeCode(run);
    const { screen } = await run.done(60_000);
    expect(prompts(screen, MFA_SERIAL)).toBe(1);
    const results = outputsOf(sandbox.home, "frank@concerts");
    expect(results).toHaveLength(10);
    const line =
      'vegas-credentials: profile "frank@concerts": STS rejected the MFA code for arn:aws:iam::111111111111:mfa/FrankSinatra (wrong, expired, or already used once): wait for the next code and run the command again; if several roles ran at once on one code, set vegas_mfa_session = true in [default] so one code serves them all';
    for (const result of results) expect(result.stdout).toBe("");
    // The run that asked says what STS said; the 9 that waited say so too, as that run's failure, and how to retry.
    expect(results.filter((result) => result.stderr === `${line}\n`)).toHaveLength(1);
    const replayed = results.filter((result) => result.stderr !== `${line}\n`);
    for (const result of replayed) expect(result.stderr).toMatch(/ \(the failure of another run \d+ s ago, which this run waited for: run the command again to retry now\)\n$/);
    for (const result of replayed) expect(result.stderr.startsWith(line)).toBe(true);
  });

  test("with no terminal, a waiting run says on its stderr whom it waits for (after 2 s), then answers from the cache", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    // The code comes from a program that takes 4 s, as a password manager asking for a touch may.
    const program = join(sandbox.home, "slow-otp");
    writeFileSync(program, `#!/bin/sh\nsleep 4\necho ${freshCode()}\n`);
    chmodSync(program, 0o755);
    sandbox.writeConfig(readmeConfig(`endpoint_url = ${sts.url}\n`).replace(`mfa_serial = ${MFA_SERIAL}\n`, `mfa_serial = ${MFA_SERIAL}\nvegas_mfa_process = ${program}\n`));
    const asking = sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
    await Bun.sleep(500);
    const waiting = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
    const asked = await asking;
    expect(asked.exitCode).toBe(0);
    expect(waiting.exitCode).toBe(0);
    expect(waiting.stdout).toBe(asked.stdout);
    expect(waiting.stderr).toMatch(/^vegas-credentials: frank@concerts: waiting for another run \(process \d+\) that asks for the MFA code of arn:aws:iam::111111111111:mfa\/FrankSinatra\n$/);
  }, 30_000);

  test("a waiting run says on its terminal whom it waits for, then answers from the cache", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    const first = await sandbox.inTerminal([BINARY, "assume", "--profile=frank@concerts"]);
    runs.push(first);
    await first.waitForText(`MFA code for ${MFA_SERIAL} (frank@concerts)`);
    const second = await sandbox.inTerminal([BINARY, "assume", "--profile=frank@concerts"]);
    runs.push(second);
    const screen = await second.waitForText(/waiting for another run \(process \d+\) that asks for the MFA code of/, 15_000);
    expect(screen).not.toContain("MFA code for");
    await typeCode(first);
    const [one, two] = [await first.done(), await second.done()];
    expect(one.exitCode).toBe(0);
    expect(two.exitCode).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });

  test("twenty runs waiting on one terminal print one notice between them, not twenty", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    const first = await sandbox.inTerminal([BINARY, "assume", "--profile=frank@concerts"]);
    runs.push(first);
    await first.waitForText(`MFA code for ${MFA_SERIAL} (frank@concerts)`);
    const script = `for i in $(seq 20); do "$0" assume --profile=frank@concerts > "${sandbox.home}/waiter.$i" 2>&1 & done; echo all-started > /dev/tty; wait; echo all-done > /dev/tty`;
    const waiters = await sandbox.inTerminal(["sh", "-c", script, BINARY]);
    runs.push(waiters);
    await waiters.waitForText("all-started", 15_000);
    await waiters.waitForText("waiting for another run", 15_000);
    // Every waiter is past its 2 s of quiet by now: each would have printed its own line.
    await Bun.sleep(3_000);
    await typeCode(first);
    expect((await first.done()).exitCode).toBe(0);
    const screen = await waiters.waitForText("all-done", 30_000);
    expect(screen.split("waiting for another run").length - 1).toBe(1);
    const outputs = readdirSync(sandbox.home).filter((name) => name.startsWith("waiter."));
    expect(outputs).toHaveLength(20);
    for (const name of outputs) credentialDocument(readFileSync(join(sandbox.home, name), "utf8"));
    expect(readdirSync(sandbox.cacheFolder).filter((name) => name.endsWith(".told") || name.endsWith(".lock"))).toEqual([]);
  }, 60_000);

  test("a prompting run killed with SIGKILL: the next run asks at once", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    const first = await sandbox.inTerminal([BINARY, "assume", "--profile=frank@concerts"]);
    runs.push(first);
    await first.waitForText(`MFA code for ${MFA_SERIAL} (frank@concerts)`);
    const lockFile = readdirSync(sandbox.cacheFolder).find((name) => name.endsWith(".lock"));
    expect(lockFile).toBeDefined();
    const holder = JSON.parse(readFileSync(join(sandbox.cacheFolder, lockFile ?? ""), "utf8")) as { pid: number };
    process.kill(holder.pid, "SIGKILL");
    const second = await sandbox.inTerminal([BINARY, "assume", "--profile=frank@concerts"]);
    runs.push(second);
    const screen = await second.waitForText(`MFA code for ${MFA_SERIAL} (frank@concerts)`);
    expect(screen).not.toContain("waiting for another run");
    await typeCode(second);
    const result = await second.done();
    expect(result.exitCode).toBe(0);
    credentialDocument(result.stdout);
  });
});

describe("the recursion guard", () => {
  test("a source profile whose credential_process runs the same profile fails with one line, at once", async () => {
    const config = `[profile src]\nmfa_serial = ${MFA_SERIAL}\ncredential_process = ${BINARY} assume --profile=frank@concerts\n\n[profile frank@concerts]\ncredential_process = ${BINARY} assume --profile=frank@concerts\nvegas_role_arn = ${ROLE_ARN}\nvegas_source_profile = src\nendpoint_url = ${sts.url}\n`;
    sandbox = new Sandbox(config);
    await Bun.write(join(sandbox.home, ".aws", "credentials"), "");
    const result = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'vegas-credentials: profile "frank@concerts": the credential_process of source profile "src" failed: vegas-credentials: profile "frank@concerts": its source profile "src" gets credentials by running vegas-credentials for it again (frank@concerts → frank@concerts): give "src" its own keys or SSO instead of that credential_process\n',
    );
  });
});
