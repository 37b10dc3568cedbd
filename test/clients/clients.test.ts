/**
 * The clients users run, each running the compiled binary through credential_process in a temp HOME, against
 * moto_server: the AWS CLI v1 (pip) and v2 (Debian's awscli), boto3, and the JS SDK v3 under node and bun.
 * credential_process is a wrapper that counts its runs before it execs the binary.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, PROMPT, Sandbox, readmeConfig } from "../support/sandbox.ts";
import { motoForThisFile } from "../support/motoServer.ts";

const HERE = import.meta.dir;
const ASSUMED = "arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands";
const CHAINED = /^arn:aws:sts::333333333333:assumed-role\/Chained\/.+$/;
/** The AWS CLIs on this machine: v1 from pip (pyenv), v2 from Debian's awscli (.ci/run installs it). */
const CLIS = [
  { name: "AWS CLI v1", path: (Bun.which("aws") ?? "").startsWith("/usr/bin") ? undefined : Bun.which("aws"), version: /^aws-cli\/1\./ },
  { name: "AWS CLI v2", path: existsSync("/usr/bin/aws") ? "/usr/bin/aws" : undefined, version: /^aws-cli\/2\./ },
];
const moto = motoForThisFile();
let sandbox: Sandbox;
afterEach(() => sandbox?.remove());

/** The README profile behind a counting wrapper, a chained plain profile, and a profile that names a missing one. */
function newSandbox(): Sandbox {
  sandbox = new Sandbox("");
  const wrapper = join(sandbox.home, "counted-vegas-credentials");
  writeFileSync(wrapper, `#!/bin/sh\necho run >> "${join(sandbox.home, "invocations")}"\nexec "${BINARY}" "$@"\n`, { mode: 0o755 });
  sandbox.writeConfig(
    `${readmeConfig(`endpoint_url = ${moto.url}\n`).replace(`credential_process = ${BINARY}`, `credential_process = ${wrapper}`)}
[profile chained]
role_arn = arn:aws:iam::333333333333:role/Chained
source_profile = frank@concerts
region = us-east-1

[profile broken]
credential_process = ${BINARY} assume --profile=ghost
`,
  );
  return sandbox;
}

function invocations(): number {
  const path = join(sandbox.home, "invocations");
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean).length : 0;
}

function lastLogLine(): string {
  const log = readFileSync(join(sandbox.home, ".local", "state", "vegas-credentials", "application.log"), "utf8").trimEnd().split("\n");
  return log.at(-1) ?? "";
}

/** First run of any client: it prompts at the terminal; we type the code. */
async function typedAtTerminal(command: string[], env: Record<string, string> = {}) {
  const run = await sandbox.inTerminal(command, env);
  await run.waitForText(PROMPT.trimEnd(), 30_000);
  await run.type("123456");
  await run.pressEnter();
  return run.done(60_000);
}

const cliIdentity = (cli: string, profile: string) => [cli, "sts", "get-caller-identity", "--profile", profile, "--endpoint-url", moto.url, "--output", "text", "--query", "Arn"];
const botoIdentity = (profile: string, calls: number) => ["python3", join(HERE, "botoIdentity.py"), profile, String(calls), moto.url];
const sdkIdentity = (runtime: string, mode: string, profile: string, calls: number) => [runtime, join(HERE, "sdkIdentity.mjs"), mode, profile, String(calls), moto.url];

for (const cli of CLIS) {
  describe.skipIf(cli.path === undefined && process.env.CI !== "true")(cli.name, () => {
    const aws = cli.path ?? `${cli.name} is not installed`;

    test("is the version it claims", async () => {
      newSandbox();
      expect((await sandbox.run([aws, "--version"])).stdout).toMatch(cli.version);
    });

    test("prompts once at the terminal, then answers from the cache with no terminal; one process run per CLI run", async () => {
      newSandbox();
      const first = await typedAtTerminal(cliIdentity(aws, "frank@concerts"));
      expect(first.stdout.trim()).toBe(ASSUMED);
      expect(lastLogLine()).toContain("cache=miss");
      const second = await sandbox.run(cliIdentity(aws, "frank@concerts"));
      expect(second.stdout.trim()).toBe(ASSUMED);
      expect(lastLogLine()).toContain("cache=hit");
      expect(lastLogLine()).not.toContain("sts=");
      expect(invocations()).toBe(2);
    });

    // Debian's v2.9 sends its own AssumeRole to the real STS whatever the environment says (no AWS_ENDPOINT_URL_STS
    // before 2.13), so chaining is proven locally with v1 and boto3, which run the same botocore logic.
    test.skipIf(cli.name === "AWS CLI v2")("role chaining: a plain role_arn profile with our profile as source_profile", async () => {
      newSandbox();
      const chained = await typedAtTerminal(cliIdentity(aws, "chained"), { AWS_ENDPOINT_URL_STS: moto.url });
      expect(chained.stderr).toBe("");
      expect(chained.exitCode).toBe(0);
      expect(chained.stdout.trim()).toMatch(CHAINED);
    });

    test("our one-line error shows through the CLI's own error output", async () => {
      newSandbox();
      const result = await sandbox.run(cliIdentity(aws, "broken"));
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain('vegas-credentials: profile "ghost" not found in');
    });
  });
}

describe("boto3", () => {
  test("prompts once, then three calls in one session run the process once, from the cache", async () => {
    newSandbox();
    const first = await typedAtTerminal(botoIdentity("frank@concerts", 1));
    expect(first.stdout.trim()).toBe(ASSUMED);
    const session = await sandbox.run(botoIdentity("frank@concerts", 3));
    expect(session.stdout.trim().split("\n")).toEqual([ASSUMED, ASSUMED, ASSUMED]);
    expect(invocations()).toBe(2);
    expect(lastLogLine()).toContain("cache=hit");
  });

  test("role chaining, and our error line in the exception", async () => {
    newSandbox();
    const chained = await typedAtTerminal(botoIdentity("chained", 1), { AWS_ENDPOINT_URL_STS: moto.url });
    expect(chained.stderr).toBe("");
    expect(chained.stdout.trim()).toMatch(CHAINED);
    const broken = await sandbox.run(botoIdentity("broken", 1));
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain('vegas-credentials: profile "ghost" not found in');
  });
});

describe.each(["node", "bun"])("the JS SDK v3 under %s", (runtime) => {
  const program = runtime === "bun" ? process.execPath : "node";

  test.each(["fromIni", "fromProcess"])("%s: prompts once, then three calls run the process once, from the cache", async (mode) => {
    newSandbox();
    const first = await typedAtTerminal(sdkIdentity(program, mode, "frank@concerts", 1));
    expect(first.stdout.trim()).toBe(ASSUMED);
    const session = await sandbox.run(sdkIdentity(program, mode, "frank@concerts", 3));
    expect(session.stdout.trim().split("\n")).toEqual([ASSUMED, ASSUMED, ASSUMED]);
    expect(invocations()).toBe(2);
    expect(lastLogLine()).toContain("cache=hit");
  });

  test("AWS_PROFILE with the SDK's default provider chain", async () => {
    newSandbox();
    const first = await typedAtTerminal(sdkIdentity(program, "default", "", 1), { AWS_PROFILE: "frank@concerts" });
    expect(first.stdout.trim()).toBe(ASSUMED);
    const again = await sandbox.run(sdkIdentity(program, "default", "", 2), { AWS_PROFILE: "frank@concerts" });
    expect(again.stdout.trim().split("\n")).toEqual([ASSUMED, ASSUMED]);
  });

  test("our error line in the SDK's error", async () => {
    newSandbox();
    const broken = await sandbox.run(sdkIdentity(program, "fromProcess", "broken", 1));
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain('vegas-credentials: profile "ghost" not found in');
  });
});

test("two source profiles with their own MFA devices, each asked with its own device and cached on its own", async () => {
  sandbox = new Sandbox(`[profile work]
mfa_serial = ${MFA_SERIAL}

[profile hobby]
mfa_serial = arn:aws:iam::444444444444:mfa/FrankAtHome

[profile frank@concerts]
credential_process = ${BINARY} assume --profile=frank@concerts
vegas_role_arn = arn:aws:iam::222222222222:role/SingerRole
vegas_source_profile = work
role_session_name = SinatraAtTheSands
endpoint_url = ${moto.url}

[profile frank@painting]
credential_process = ${BINARY} assume --profile=frank@painting
vegas_role_arn = arn:aws:iam::555555555555:role/PainterRole
vegas_source_profile = hobby
role_session_name = SinatraAtHome
endpoint_url = ${moto.url}
`);
  writeFileSync(
    join(sandbox.home, ".aws", "credentials"),
    "[work]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n[hobby]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n",
  );
  for (const [profile, device, arn] of [
    ["frank@concerts", MFA_SERIAL, ASSUMED],
    ["frank@painting", "arn:aws:iam::444444444444:mfa/FrankAtHome", "arn:aws:sts::555555555555:assumed-role/PainterRole/SinatraAtHome"],
  ] as const) {
    const run = await sandbox.inTerminal(botoIdentity(profile, 1));
    await run.waitForText(`MFA code for ${device} (${profile}):`, 30_000);
    await run.type("123456");
    await run.pressEnter();
    expect((await run.done(60_000)).stdout.trim()).toBe(arn);
  }
  for (const [profile, arn] of [
    ["frank@concerts", ASSUMED],
    ["frank@painting", "arn:aws:sts::555555555555:assumed-role/PainterRole/SinatraAtHome"],
  ] as const) {
    expect((await sandbox.run(botoIdentity(profile, 1))).stdout.trim()).toBe(arn);
  }
});
