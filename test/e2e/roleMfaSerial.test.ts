/**
 * `mfa_serial` on the role profile, where the AWS CLI's documentation puts it: the code is asked for that
 * device, STS gets it as SerialNumber, and show-profile says where it came from.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { BINARY, MFA_SERIAL, ROLE_ARN, Sandbox, ensureBinary, startReadmeSts, succeeded } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";

let sts: StsDouble;
let sandbox: Sandbox;
beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
});
afterAll(() => sts.stop());
afterEach(() => sandbox?.remove());

const ON_ROLE = "arn:aws:iam::111111111111:mfa/OnTheRole";

function config(sourceLines: string): string {
  return `[default]\n${sourceLines}region = us-west-1\n\n[profile frank@concerts]\ncredential_process = ${BINARY} assume --profile=frank@concerts\nvegas_role_arn = ${ROLE_ARN}\nvegas_source_profile = default\nmfa_serial = ${ON_ROLE}\nexternal_id = 0093624694724\nendpoint_url = ${sts.url}\n`;
}

test("the role profile's mfa_serial is the device asked for and sent to STS, over the source profile's", async () => {
  sandbox = new Sandbox(config(`mfa_serial = ${MFA_SERIAL}\n`));
  const result = await sandbox.assumeTyping("frank@concerts", "741852", {}, ON_ROLE);
  succeeded({ exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr });
  expect(sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.SerialNumber).toBe(ON_ROLE);
  const shown = await sandbox.run([BINARY, "config", "show-profile", "-p", "frank@concerts"]);
  expect(shown.exitCode).toBe(0);
  expect(shown.stdout).toMatch(new RegExp(`mfa_serial\\s+${ON_ROLE}\\s+\\[profile frank@concerts\\] \\(over \\[default\\]'s ${MFA_SERIAL}\\)`));
});

test("a source profile with no mfa_serial of its own: the role's serves", async () => {
  sandbox = new Sandbox(config(""));
  const result = await sandbox.assumeTyping("frank@concerts", "852963", {}, ON_ROLE);
  succeeded({ exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr });
  expect(sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.SerialNumber).toBe(ON_ROLE);
});
