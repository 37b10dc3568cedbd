/**
 * `mfa_serial` on the role profile, where the AWS CLI's documentation puts it: the code is asked for that
 * device, STS gets it as SerialNumber, and show-profile says where it came from.
 */
import { afterEach, expect, test } from "bun:test";
import { BINARY, MFA_SERIAL, ROLE_ARN, Sandbox, succeeded, readmeStsForThisFile } from "../support/sandbox.ts";

let sandbox: Sandbox;
const readme = readmeStsForThisFile();
afterEach(() => sandbox?.remove());

const ON_ROLE = "arn:aws:iam::111111111111:mfa/OnTheRole";

function config(sourceLines: string): string {
  return `[default]\n${sourceLines}region = us-west-1\n\n[profile frank@concerts]\ncredential_process = ${BINARY} assume --profile=frank@concerts\nvegas_role_arn = ${ROLE_ARN}\nvegas_source_profile = default\nmfa_serial = ${ON_ROLE}\nexternal_id = 0093624694724\nendpoint_url = ${readme.sts.url}\n`;
}

test("the role profile's mfa_serial is the device asked for and sent to STS, over the source profile's", async () => {
  sandbox = new Sandbox(config(`mfa_serial = ${MFA_SERIAL}\n`));
  const result = await sandbox.assumeTyping("frank@concerts", "741852", {}, ON_ROLE);
  succeeded({ exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr });
  expect(readme.sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.SerialNumber).toBe(ON_ROLE);
  const shown = await sandbox.run([BINARY, "config", "show-profile", "-p", "frank@concerts"]);
  expect(shown.exitCode).toBe(0);
  expect(shown.stdout).toMatch(new RegExp(`mfa_serial\\s+${ON_ROLE}\\s+\\[profile frank@concerts\\] \\(over \\[default\\]'s ${MFA_SERIAL}\\)`));
});

test("a source profile with no mfa_serial of its own: the role's serves", async () => {
  sandbox = new Sandbox(config(""));
  const result = await sandbox.assumeTyping("frank@concerts", "852963", {}, ON_ROLE);
  succeeded({ exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr });
  expect(readme.sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.SerialNumber).toBe(ON_ROLE);
});

test("--mfa-code on export and exec: the code given is the one used, with no terminal to ask at; a malformed one is one line", async () => {
  sandbox = new Sandbox(config(""));
  const exported = await sandbox.run([BINARY, "export", "-p", "frank@concerts", "--format", "json", "--mfa-code", "963852"]);
  expect(exported.stderr).toBe("");
  expect(exported.exitCode).toBe(0);
  const assumed = readme.sts.calls.filter((call) => call.action === "AssumeRole").at(-1);
  expect(assumed?.params.TokenCode).toBe("963852");
  expect(assumed?.params.SerialNumber).toBe(ON_ROLE);

  await sandbox.run([BINARY, "cache", "clean"]);
  const executed = await sandbox.run([BINARY, "exec", "-p", "frank@concerts", "--mfa-code=951753", "--", "sh", "-c", 'test -n "$AWS_SESSION_TOKEN" && echo has-credentials']);
  expect(executed.stdout).toBe("has-credentials\n");
  expect(executed.exitCode).toBe(0);
  expect(readme.sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.TokenCode).toBe("951753");

  for (const command of [["export", "-p", "frank@concerts", "--mfa-code", "12345"], ["exec", "-p", "frank@concerts", "--mfa-code", "abcdef", "--", "true"]]) {
    const refused = await sandbox.run([BINARY, ...command]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe("vegas-credentials: --mfa-code: give the 6-digit code your MFA device shows now\n");
  }
  // assume, which the AWS tools run, takes no code on its command line.
  const assume = await sandbox.run([BINARY, "assume", "--profile=frank@concerts", "--mfa-code", "123456"]);
  expect(assume.exitCode).toBe(2);
});
