import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseProfiles, readConfigFile } from "../../src/config/readConfigFile.ts";
import { UserError } from "../../src/userError.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

describe("parseProfiles", () => {
  test("reads [default] and [profile NAME] sections, ignoring other section kinds", () => {
    const profiles = parseProfiles(`
[default]
mfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra

[profile frank@concerts]
vegas_role_arn = arn:aws:iam::222222222222:role/SingerRole
duration_seconds = 4383

[sso-session corp]
sso_region = us-east-1

[services local]
sts =
  endpoint_url = http://localhost:5000
`);
    expect([...profiles.keys()]).toEqual(["default", "frank@concerts"]);
    expect(profiles.get("default")?.mfa_serial).toBe("arn:aws:iam::111111111111:mfa/FrankSinatra");
    expect(profiles.get("frank@concerts")?.duration_seconds).toBe("4383");
  });

  test("keeps dots in profile names instead of nesting sections", () => {
    const profiles = parseProfiles("[profile team.app.prod]\nregion = eu-west-1\n");
    expect(profiles.get("team.app.prod")?.region).toBe("eu-west-1");
  });

  test("of [default] and [profile default], the later section wins, as in botocore", () => {
    const profiles = parseProfiles("[default]\nregion = us-east-1\n[profile default]\nregion = eu-west-1\n");
    expect(profiles.get("default")?.region).toBe("eu-west-1");
    const reversed = parseProfiles("[profile default]\nregion = eu-west-1\n[default]\nregion = us-east-1\n");
    expect(reversed.get("default")?.region).toBe("us-east-1");
    const only = parseProfiles("[profile default]\nregion = eu-west-1\n");
    expect(only.get("default")?.region).toBe("eu-west-1");
  });

  test("skips comments and trims values", () => {
    const profiles = parseProfiles("# a comment\n; another\n[profile a]\n  region =   us-west-2  \nvegas_mfa_session = true\n");
    expect(profiles.get("a")).toEqual({ region: "us-west-2", vegas_mfa_session: "true" });
  });

  test("tolerates Windows line endings", () => {
    const profiles = parseProfiles("[profile a]\r\nregion = us-west-2\r\n");
    expect(profiles.get("a")?.region).toBe("us-west-2");
  });
});

describe("readConfigFile", () => {
  test("names the missing file and how to point at another", () => {
    const missing = join(temporaryFolder("vegas-config-"), "config");
    expect(() => readConfigFile(missing)).toThrow(UserError);
    expect(() => readConfigFile(missing)).toThrow(`AWS config file ${missing} not found`);
  });

  test("reads an empty file as no profiles", () => {
    const path = join(temporaryFolder("vegas-config-"), "config");
    writeFileSync(path, "");
    expect(readConfigFile(path).profiles.size).toBe(0);
  });
});
