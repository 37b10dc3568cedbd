/**
 * The real AWS CLI runs the compiled binary as its credential_process (stdin, stdout and stderr are pipes; the
 * prompt reaches the user through /dev/tty), against the real moto_server as STS.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { BINARY, MFA_SERIAL, PROMPT, Sandbox, credentialDocument, readmeConfig, startReadmeSts } from "../support/sandbox.ts";
import { motoForThisFile } from "../support/motoServer.ts";

const ASSUMED_ROLE = "arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands";
const moto = motoForThisFile();
let sandbox: Sandbox;
afterEach(() => sandbox?.remove());

function callerIdentity(profile = "frank@concerts"): string[] {
  return ["aws", "sts", "get-caller-identity", "--profile", profile, "--endpoint-url", moto.url, "--output", "json"];
}

describe("aws sts get-caller-identity through credential_process", () => {
  test("asks for the code once at the terminal, then the CLI is answered from the cache, even with STS gone", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${moto.url}\n`));
    const run = await sandbox.inTerminal(callerIdentity());
    await run.waitForText(PROMPT.trimEnd(), 20_000);
    await run.type("123456");
    await run.pressEnter();
    const first = await run.done();
    expect(first.stderr).toBe("");
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout).Arn).toBe(ASSUMED_ROLE);

    // No terminal now: only the cache can answer.
    const second = await sandbox.run(callerIdentity());
    expect(second.stderr).toBe("");
    expect(second.exitCode).toBe(0);
    expect(JSON.parse(second.stdout).Arn).toBe(ASSUMED_ROLE);

    // The binary itself no longer needs STS at all.
    const before = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
    await moto.stop();
    try {
      const after = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
      expect(after.exitCode).toBe(0);
      expect(after.stdout).toBe(before.stdout);
      credentialDocument(after.stdout);
    } finally {
      await moto.restart();
    }
  });

  test("the CLI's region and endpoint settings do not matter to the role's STS call: AWS_ENDPOINT_URL_STS does", async () => {
    sandbox = new Sandbox(readmeConfig());
    const run = await sandbox.inTerminal(callerIdentity(), { AWS_ENDPOINT_URL_STS: moto.url });
    await run.waitForText(PROMPT.trimEnd(), 20_000);
    await run.type("654321");
    await run.pressEnter();
    const result = await run.done();
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).Arn).toBe(ASSUMED_ROLE);
  });
});

test("moto_server assumes a role whose ARN has a path, and the CLI sees that role", async () => {
  const pathRole = "arn:aws:iam::222222222222:role/team/app/SingerRole";
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${moto.url}\n`).replace("arn:aws:iam::222222222222:role/SingerRole", pathRole));
  const run = await sandbox.inTerminal(callerIdentity());
  await run.waitForText(PROMPT.trimEnd(), 20_000);
  await run.type("456789");
  await run.pressEnter();
  const result = await run.done();
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout).Arn).toBe(ASSUMED_ROLE);
});

describe("errors reach the user through the CLI's own error output", () => {
  test("no terminal and an empty cache", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${moto.url}\n`));
    const result = await sandbox.run(callerIdentity());
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      'vegas-credentials: profile "frank@concerts" needs an MFA code for arn:aws:iam::111111111111:mfa/FrankSinatra, but there is no way to ask for one here',
    );
    expect(result.stderr).not.toContain("Traceback");
  });

  test("a credential_process naming a profile that does not exist", async () => {
    const config = readmeConfig(`endpoint_url = ${moto.url}\n`).replace("assume --profile=frank@concerts", "assume --profile=frank@concert");
    sandbox = new Sandbox(config);
    const result = await sandbox.run(callerIdentity());
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Error when retrieving credentials from custom-process: vegas-credentials: profile "frank@concert" not found in \S+\/\.aws\/config: did you mean "frank@concerts"\?\n/);
  });

  test("a role profile that also sets role_arn: the CLI would skip credential_process, so we say so", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${moto.url}\nrole_arn = arn:aws:iam::222222222222:role/SingerRole\n`));
    const result = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^vegas-credentials: profile "frank@concerts" in .*\/\.aws\/config: .*role_arn.*\n$/);
  });
});

describe("where the AWS CLI and this tool must read the config alike (against the STS double)", () => {
  const DEV_ROLE = "arn:aws:iam::333333333333:role/Dev";
  const PROD_ROLE = "arn:aws:iam::999999999999:role/Prod";

  test("a comment after [profile prod] does not hand dev prod's role in another account", async () => {
    const sts = await startReadmeSts({ [DEV_ROLE]: {}, [PROD_ROLE]: {} });
    try {
      const role = (name: string, arn: string, header: string) =>
        `${header}\ncredential_process = ${BINARY} assume --profile=${name}\nvegas_role_arn = ${arn}\nvegas_source_profile = default\nregion = eu-west-1\nendpoint_url = ${sts.url}\n`;
      sandbox = new Sandbox(`[default]\nmfa_serial = ${MFA_SERIAL}\n\n${role("dev", DEV_ROLE, "[profile dev]")}\n${role("prod", PROD_ROLE, "[profile prod]   # production")}`);
      const run = await sandbox.inTerminal(["aws", "sts", "get-caller-identity", "--profile", "dev", "--endpoint-url", sts.url, "--output", "json"]);
      await run.waitForText("MFA code for", 20_000);
      await run.type("234567");
      await run.pressEnter();
      const result = await run.done();
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout).Arn).toStartWith("arn:aws:sts::333333333333:assumed-role/Dev/");
      expect(sts.calls.filter((call) => call.action === "AssumeRole").map((call) => call.params.RoleArn)).toEqual([DEV_ROLE]);
    } finally {
      await sts.stop();
    }
  });

  test("duration_seconds = 900: one command asks for one code, and the next is answered from the cache", async () => {
    const sts = await startReadmeSts();
    try {
      sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`).replace("duration_seconds = 4383", "duration_seconds = 900"));
      const identity = ["aws", "sts", "get-caller-identity", "--profile", "frank@concerts", "--endpoint-url", sts.url, "--output", "json"];
      const run = await sandbox.inTerminal(identity);
      await run.waitForText(PROMPT.trimEnd(), 20_000);
      await run.type("345678");
      await run.pressEnter();
      const result = await run.done();
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
      expect(result.screen.split("MFA code for").length - 1).toBe(1);
      expect(sts.count("AssumeRole")).toBe(1);
      // No terminal: only the cache can answer.
      const again = await sandbox.run(identity);
      expect(again.stderr).toBe("");
      expect(again.exitCode).toBe(0);
      expect(sts.count("AssumeRole")).toBe(1);
    } finally {
      await sts.stop();
    }
  });
});
