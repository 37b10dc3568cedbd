/**
 * `config import`: a config written for the AWS CLI (role_arn, source_profile, mfa_serial on the role) made
 * ours in place, every other byte kept; --dry-run prints the change; profiles this tool cannot serve are refused.
 */
import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, ROLE_ARN, Sandbox, succeeded, readmeStsForThisFile } from "../support/sandbox.ts";

let sandbox: Sandbox;
const readme = readmeStsForThisFile();
afterEach(() => sandbox?.remove());

const AWS_CLI_LAYOUT = (endpoint: string) => `# written for the AWS CLI
[default]
region = us-west-1

[profile frank@concerts]
role_arn = ${ROLE_ARN}
source_profile = default
mfa_serial = ${MFA_SERIAL}
external_id = 0093624694724
endpoint_url = ${endpoint}

[profile ec2]
role_arn = arn:aws:iam::222222222222:role/Instance
credential_source = Ec2InstanceMetadata
`;

const configPath = () => join(sandbox.home, ".aws", "config");

test("one profile: --dry-run prints the change and writes nothing; then it is rewritten, every other byte kept, and assume asks for its code", async () => {
  sandbox = new Sandbox(AWS_CLI_LAYOUT(readme.sts.url));
  const before = readFileSync(configPath(), "utf8");
  const dry = await sandbox.run([BINARY, "config", "import", "-p", "frank@concerts", "--dry-run"]);
  expect(dry.exitCode).toBe(0);
  expect(dry.stdout).toBe(
    `Would change ${configPath()} (nothing written):\n\n[profile frank@concerts]\n-role_arn = ${ROLE_ARN}\n+vegas_role_arn = ${ROLE_ARN}\n-source_profile = default\n+vegas_source_profile = default\n+credential_process = ${BINARY} assume --profile=frank@concerts\n`,
  );
  expect(readFileSync(configPath(), "utf8")).toBe(before);

  const done = await sandbox.run([BINARY, "config", "import", "-p", "frank@concerts"]);
  expect(done.stderr).toBe("");
  expect(readFileSync(configPath(), "utf8")).toBe(
    before
      .replace("[profile frank@concerts]\nrole_arn", `[profile frank@concerts]\ncredential_process = ${BINARY} assume --profile=frank@concerts\nvegas_role_arn`)
      .replace("\nsource_profile = default", "\nvegas_source_profile = default"),
  );
  const result = await sandbox.assumeTyping("frank@concerts", "159357");
  succeeded({ exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr });
});

test("--all takes every role profile it can serve; a profile it cannot (credential_source) is left as it was", async () => {
  sandbox = new Sandbox(AWS_CLI_LAYOUT(readme.sts.url).replace("[profile ec2]", `[profile frank@movies]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\nmfa_serial = ${MFA_SERIAL}\n\n[profile ec2]`));
  const done = await sandbox.run([BINARY, "config", "import", "--all"]);
  expect(done.exitCode).toBe(0);
  const after = readFileSync(configPath(), "utf8");
  expect(after).toContain("[profile frank@movies]\ncredential_process");
  expect(after).toContain("[profile frank@concerts]\ncredential_process");
  expect(after).toContain("[profile ec2]\nrole_arn = arn:aws:iam::222222222222:role/Instance\ncredential_source = Ec2InstanceMetadata\n");
});

test("refusals, each one line with nothing written: no role_arn, a role no MFA device guards, credential_source, neither -p nor --all", async () => {
  sandbox = new Sandbox(AWS_CLI_LAYOUT(readme.sts.url).replace(`mfa_serial = ${MFA_SERIAL}\n`, ""));
  const before = readFileSync(configPath(), "utf8");
  const cases: [string[], string][] = [
    [["-p", "default"], `vegas-credentials: config import: profile "default" in ${configPath()} has no role_arn and source_profile: it is not a role profile of the AWS CLI's (vegas-credentials config add makes one)\n`],
    [["-p", "ec2"], `vegas-credentials: config import: profile "ec2" in ${configPath()} has credential_source, which this tool cannot stand in for: leave it to the AWS CLI\n`],
    [[], "vegas-credentials: config import: name one profile with -p NAME, or give --all\n"],
  ];
  for (const [args, stderr] of cases) {
    const result = await sandbox.run([BINARY, "config", "import", ...args]);
    expect(result.stderr).toBe(stderr);
    expect(result.exitCode).not.toBe(0);
  }
  const noMfa = await sandbox.run([BINARY, "config", "import", "-p", "frank@concerts"]);
  expect(noMfa.exitCode).toBe(1);
  expect(noMfa.stderr).toStartWith('vegas-credentials: config import: profile "frank@concerts" would not work as ours (');
  expect(noMfa.stderr).toContain("mfa_serial is missing");
  expect(readFileSync(configPath(), "utf8")).toBe(before);
});
