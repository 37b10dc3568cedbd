/**
 * `config add`: a role profile appended to a config the user wrote by hand (comments and all), every other
 * byte left as it was; refused for a name that exists; the new profile then works through `assume`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, ROLE_ARN, Sandbox, ensureBinary, startReadmeSts, succeeded, zenityAnswering } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const HAND_WRITTEN = `# my AWS config; keep these comments
[default]
output = json   ; not a comment for the AWS CLI, and kept as it is
; the work account
[profile work]
aws_access_key_id_note = see the credentials file
`;
let sts: StsDouble;
let sandbox: Sandbox;

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
});
afterAll(() => sts?.stop());
afterEach(() => sandbox?.remove());

const configPath = () => join(sandbox.home, ".aws", "config");
const add = (...args: string[]) => sandbox.run([BINARY, "config", "add", ...args]);

describe("config add", () => {
  test("appends the profile and adds mfa_serial to the source; the rest of the file is byte for byte the same", async () => {
    sandbox = new Sandbox(HAND_WRITTEN).putFakesOnPath("zenity");
    writeFileSync(configPath(), HAND_WRITTEN);
    chmodSync(configPath(), 0o640);
    const result = await add("--profile", "frank@concerts", "--role-arn", ROLE_ARN, "--source-profile", "default", "--mfa-serial", MFA_SERIAL, "--region", "us-west-1", "--external-id", "0093624694724", "--duration-seconds", "4383");
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const after = readFileSync(configPath(), "utf8");
    const added = `[profile frank@concerts]\ncredential_process = ${BINARY} assume --profile=frank@concerts\nvegas_role_arn = ${ROLE_ARN}\nvegas_source_profile = default\nregion = us-west-1\nduration_seconds = 4383\nexternal_id = 0093624694724\n`;
    expect(after).toBe(HAND_WRITTEN.replace("[default]\n", `[default]\nmfa_serial = ${MFA_SERIAL}\n`) + `\n${added}`);
    expect(result.stdout).toContain(added);
    expect(statSync(configPath()).mode & 0o777).toBe(0o640);
    // And it works: the endpoint comes from the environment here.
    const assumed = await sandbox.run([BINARY, "assume", "--profile", "frank@concerts"], { ...zenityAnswering(992_001), AWS_ENDPOINT_URL_STS: sts.url });
    succeeded({ ...assumed, stderr: "" });
  });

  test("an existing name is refused, and the file is untouched", async () => {
    sandbox = new Sandbox(HAND_WRITTEN);
    const result = await add("--profile", "work", "--role-arn", ROLE_ARN, "--source-profile", "default", "--mfa-serial", MFA_SERIAL);
    expect(result).toEqual({ exitCode: 1, stdout: "", stderr: `vegas-credentials: profile "work" is already in ${configPath()}: choose another name, or edit it there (config show-profile -p work)\n` });
    expect(readFileSync(configPath(), "utf8")).toBe(HAND_WRITTEN);
  });

  test("an invalid value gets the line show-profile and assume give, and nothing is written", async () => {
    sandbox = new Sandbox(HAND_WRITTEN);
    const result = await add("--profile", "frank@concerts", "--role-arn", "arn:aws:iam::222222222222:user/Frank", "--source-profile", "default", "--mfa-serial", MFA_SERIAL);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("vegas_role_arn");
    expect(result.stderr).toContain("is a user ARN, not a role ARN");
    expect(readFileSync(configPath(), "utf8")).toBe(HAND_WRITTEN);
  });

  test("a source profile without mfa_serial, and no --mfa-serial: refused with the line to fix", async () => {
    sandbox = new Sandbox(HAND_WRITTEN);
    const result = await add("--profile", "frank@concerts", "--role-arn", ROLE_ARN, "--source-profile", "work");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("mfa_serial is missing");
    expect(readFileSync(configPath(), "utf8")).toBe(HAND_WRITTEN);
  });
});
