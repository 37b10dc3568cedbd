import { describe, expect, test } from "bun:test";
import { describeProfile } from "../../src/commands/showProfile.ts";
import { parseProfiles } from "../../src/config/readConfigFile.ts";

const SOURCE = "[default]\nmfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra\nvegas_mfa_session = true\n";
const ROLE = "[profile frank@concerts]\ncredential_process = vegas-credentials assume --profile=frank@concerts\nvegas_role_arn = arn:aws:iam::222222222222:role/SingerRole\nvegas_source_profile = default\n";
const configOf = (text: string) => ({ path: "/home/frank/.aws/config", profiles: parseProfiles(text) });
const row = (description: ReturnType<typeof describeProfile>, key: string) => description.rows.find((entry) => entry.key === key);

describe("config show-profile", () => {
  test("every setting with where it came from, a checksum, no problems", () => {
    const description = describeProfile(configOf(`${SOURCE}${ROLE}`), "frank@concerts", { AWS_REGION: "eu-west-1" });
    expect(description.problems).toEqual([]);
    expect(description.checksum).toMatch(/^[0-9a-f]{16}$/);
    expect(row(description, "vegas_role_arn")).toEqual({ key: "vegas_role_arn", value: "arn:aws:iam::222222222222:role/SingerRole", from: "[profile frank@concerts]" });
    expect(row(description, "mfa_serial")?.from).toBe("[default]");
    expect(row(description, "duration_seconds")).toEqual({ key: "duration_seconds", value: "3600", from: "default" });
    expect(row(description, "region")).toEqual({ key: "region", value: "eu-west-1", from: "environment AWS_REGION" });
    expect(row(description, "endpoint_url")?.value).toBe("https://sts.eu-west-1.amazonaws.com");
    expect(row(description, "vegas_mfa_session_duration")).toEqual({ key: "vegas_mfa_session_duration", value: "43200", from: "default" });
  });

  test("through an MFA session, what is asked of STS is at most an hour, and it says why", () => {
    const description = describeProfile(configOf(`${SOURCE}${ROLE}duration_seconds = 7200\n`), "frank@concerts", {});
    expect(row(description, "duration_seconds")?.value).toBe("7200");
    expect(row(description, "  asked of STS")).toEqual({ key: "  asked of STS", value: "3600", from: "at most 3600 through the MFA session (role chaining); refreshed from the session" });
    const withoutSession = describeProfile(configOf(`${SOURCE.replace("vegas_mfa_session = true\n", "")}${ROLE}duration_seconds = 7200\n`), "frank@concerts", {});
    expect(row(withoutSession, "  asked of STS")).toBeUndefined();
  });

  test("the endpoint shown is the one used: aws-cn's own host and default region", () => {
    const description = describeProfile(configOf(`${SOURCE}${ROLE.replace("arn:aws:iam::", "arn:aws-cn:iam::")}`), "frank@concerts", {});
    expect(row(description, "region")).toEqual({ key: "region", value: "cn-north-1", from: "default of the role's partition" });
    expect(row(description, "endpoint_url")).toEqual({ key: "endpoint_url", value: "https://sts.cn-north-1.amazonaws.com.cn", from: "default (regional endpoint)" });
  });

  test("the checksum changes with any setting that keys the cache", () => {
    const before = describeProfile(configOf(`${SOURCE}${ROLE}`), "frank@concerts", {}).checksum;
    const after = describeProfile(configOf(`${SOURCE}${ROLE}duration_seconds = 7200\n`), "frank@concerts", {}).checksum;
    expect(after).not.toBe(before);
  });

  test("a broken profile lists each problem: the invalid value, a typo'd key, a credential_process for another profile", () => {
    const broken = ROLE.replace("SingerRole\n", "SingerRole\nvegas_rol_arn = x\n").replace("--profile=frank@concerts", "--profile=frank").replace("default\n", "default\nduration_seconds = 99\n");
    const description = describeProfile(configOf(`${SOURCE}${broken}`), "frank@concerts", {});
    expect(description.checksum).toBeUndefined();
    expect(description.problems).toEqual([
      expect.stringContaining("duration_seconds"),
      expect.stringContaining('asks for profile "frank", not "frank@concerts"'),
      expect.stringContaining("vegas_rol_arn is not a setting of vegas-credentials (did you mean vegas_role_arn?)"),
    ]);
  });

  test("a missing profile is one problem and no rows", () => {
    const description = describeProfile(configOf(SOURCE), "frank@concert", {});
    expect(description.rows).toEqual([]);
    expect(description.problems).toEqual([expect.stringContaining('profile "frank@concert" not found')]);
  });

  test("no credential_process: the AWS tools would never call us", () => {
    const description = describeProfile(configOf(`${SOURCE}${ROLE.replace(/credential_process.*\n/, "")}`), "frank@concerts", {});
    expect(description.problems).toEqual([expect.stringContaining("credential_process is missing")]);
  });
});
