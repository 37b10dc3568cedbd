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
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith("vegas-credentials: config add --role-arn (vegas_role_arn): ");
    expect(result.stderr).toContain("is a user ARN, not a role ARN");
    expect(readFileSync(configPath(), "utf8")).toBe(HAND_WRITTEN);
  });

  test("a value with a line break is refused, naming the option: no key or section can be slipped into the file", async () => {
    sandbox = new Sandbox(HAND_WRITTEN);
    const base = ["--profile", "frank@concerts", "--role-arn", ROLE_ARN, "--source-profile", "default", "--mfa-serial", MFA_SERIAL];
    const cases: [string, string, string][] = [
      ["--external-id", "external_id", "abc123\nendpoint_url = http://127.0.0.1:9"],
      ["--region", "region", "us-east-1\n[profile pwn2]\nvegas_role_arn = arn:aws:iam::333333333333:role/X"],
      ["--role-session-name", "role_session_name", "Sinatra\rendpoint_url = http://127.0.0.1:9"],
      ["--duration-seconds", "duration_seconds", "3600\u001b[2J"],
      ["--mfa-serial", "mfa_serial", `${MFA_SERIAL}\u2028x = y`],
    ];
    for (const [flag, key, value] of cases) {
      const result = await add(...base.filter((_, index) => !(flag === "--mfa-serial" && index >= 6)), flag, value);
      expect(result).toEqual({ exitCode: 2, stdout: "", stderr: `vegas-credentials: config add ${flag} (${key}): the value has a line break or another control character: give it on one line\n` });
    }
    // A value that is one line but not what assume takes is refused too, by the same check assume makes.
    const badRegion = await add(...base, "--region", "us east 1");
    expect(badRegion.exitCode).toBe(2);
    expect(badRegion.stderr).toBe('vegas-credentials: config add --region (region): "us east 1" is not an AWS region name (like us-east-1 or eu-west-2)\n');
    const badName = await add("--profile", "pwn]\n[profile x", "--role-arn", ROLE_ARN, "--source-profile", "default");
    expect(badName.exitCode).toBe(2);
    expect(badName.stderr).toStartWith("vegas-credentials: config add --profile ");
    expect(readFileSync(configPath(), "utf8")).toBe(HAND_WRITTEN);
  });

  test("a Unicode profile name that assume takes is taken by add too, and assume then uses it", async () => {
    sandbox = new Sandbox(HAND_WRITTEN).putFakesOnPath("zenity");
    const result = await add("--profile", "café-prod@東京", "--role-arn", ROLE_ARN, "--source-profile", "default", "--mfa-serial", MFA_SERIAL, "--external-id", "0093624694724");
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(readFileSync(configPath(), "utf8")).toContain(`[profile café-prod@東京]\ncredential_process = ${BINARY} assume --profile=café-prod@東京\n`);
    const assumed = await sandbox.run([BINARY, "assume", "--profile", "café-prod@東京"], { ...zenityAnswering(992_002), AWS_ENDPOINT_URL_STS: sts.url });
    succeeded({ ...assumed, stderr: "" });
  });

  test("a first profile where no config folder is yet: the folder is made (0700) and the file written", async () => {
    sandbox = new Sandbox(HAND_WRITTEN);
    const fresh = join(sandbox.home, "new-folder", "config");
    const result = await sandbox.run([BINARY, "config", "add", "--profile", "frank@concerts", "--role-arn", ROLE_ARN, "--source-profile", "default", "--mfa-serial", MFA_SERIAL], { AWS_CONFIG_FILE: fresh });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(readFileSync(fresh, "utf8")).toContain("[profile frank@concerts]\n");
    expect(statSync(join(sandbox.home, "new-folder")).mode & 0o777).toBe(0o700);
  });

  test("a read-only config file is not rewritten: one line, as aws configure set fails", async () => {
    sandbox = new Sandbox(HAND_WRITTEN);
    chmodSync(configPath(), 0o444);
    const result = await add("--profile", "frank@concerts", "--role-arn", ROLE_ARN, "--source-profile", "default", "--mfa-serial", MFA_SERIAL);
    expect(result).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: `vegas-credentials: the AWS config file ${configPath()} is read-only (mode 0444): make it writable (chmod u+w), or change it by hand\n`,
    });
    expect(readFileSync(configPath(), "utf8")).toBe(HAND_WRITTEN);
    expect(statSync(configPath()).mode & 0o777).toBe(0o444);
  });

  test("thirty runs at once on one file: every run that says Added is in the file, and the file parses", async () => {
    sandbox = new Sandbox(`[default]\nmfa_serial = ${MFA_SERIAL}\n`);
    const results = await Promise.all(Array.from({ length: 30 }, (_, index) => add("--profile", `c${index}`, "--role-arn", ROLE_ARN, "--source-profile", "default")));
    const added = results.flatMap((result, index) => (result.exitCode === 0 && result.stdout.startsWith("Added to") ? [`c${index}`] : []));
    for (const result of results.filter((each) => each.exitCode !== 0)) expect(result.stderr).toMatch(/^vegas-credentials: .*(changed while this run was changing it|has been changing).*\n$/);
    expect(added.length).toBeGreaterThan(0);
    const text = readFileSync(configPath(), "utf8");
    for (const name of added) expect(text).toContain(`[profile ${name}]\n`);
    expect(text.match(/^\[profile c\d+\]$/gm)?.length).toBe(added.length);
    const botocore = Bun.spawnSync(["python3", "-c", "import botocore.session,sys; print(len([p for p in botocore.session.Session().full_config['profiles'] if p.startswith('c')]))"], { env: { ...sandbox.env } });
    if (botocore.exitCode === 0) expect(Number(botocore.stdout.toString().trim())).toBe(added.length);
  });

  test("a source profile without mfa_serial, and no --mfa-serial: refused with the line to fix", async () => {
    sandbox = new Sandbox(HAND_WRITTEN);
    const result = await add("--profile", "frank@concerts", "--role-arn", ROLE_ARN, "--source-profile", "work");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("mfa_serial is missing");
    expect(readFileSync(configPath(), "utf8")).toBe(HAND_WRITTEN);
  });
});
