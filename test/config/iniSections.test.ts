import { describe, expect, test } from "bun:test";
import { readSection, withSetting, withoutSettings } from "../../src/config/iniSections.ts";

const CONFIG = "# mine\n[default]\nmfa_serial = arn:aws:iam::111111111111:mfa/Frank\n\n[profile work]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 4\n";

describe("one setting changed in an AWS file, every other byte kept", () => {
  test("a new key goes right after the section's header", () => {
    expect(withSetting(CONFIG, "default", "config", "vegas_keys", "os")).toBe(CONFIG.replace("[default]\n", "[default]\nvegas_keys = os\n"));
    expect(withSetting(CONFIG, "work", "config", "vegas_keys", "file")).toBe(CONFIG.replace("[profile work]\n", "[profile work]\nvegas_keys = file\n"));
  });

  test("a key that is there has its value replaced, spacing and line ending kept", () => {
    const text = "[default]\r\nvegas_keys=file\r\nregion = us-east-1\r\n";
    expect(withSetting(text, "default", "config", "vegas_keys", "os")).toBe("[default]\r\nvegas_keys=os\r\nregion = us-east-1\r\n");
  });

  test("a profile without a section gets one at the end; [profile default] is default's too", () => {
    expect(withSetting(CONFIG, "new", "config", "vegas_keys", "os")).toBe(`${CONFIG}\n[profile new]\nvegas_keys = os\n`);
    expect(withSetting("[profile default]\nregion = x\n", "default", "config", "vegas_keys", "os")).toBe("[profile default]\nvegas_keys = os\nregion = x\n");
    expect(withSetting("", "default", "credentials", "aws_access_key_id", "AKIA")).toBe("[default]\naws_access_key_id = AKIA\n");
  });

  test("the credentials file names sections without 'profile'", () => {
    const credentials = "[default]\naws_access_key_id = A\naws_secret_access_key = S\nregion = x\n[work]\naws_access_key_id = B\naws_secret_access_key = T\n";
    expect(withoutSettings(credentials, "default", "credentials", ["aws_access_key_id", "aws_secret_access_key"])).toBe("[default]\nregion = x\n[work]\naws_access_key_id = B\naws_secret_access_key = T\n");
    expect(withoutSettings(credentials, "nobody", "credentials", ["aws_access_key_id"])).toBe(credentials);
    expect(readSection(credentials, "work", "credentials")).toEqual({ aws_access_key_id: "B", aws_secret_access_key: "T" });
    expect(readSection(credentials, "nobody", "credentials")).toBeUndefined();
  });

  test("indented lines belong to a nested block, not to the profile", () => {
    expect(readSection(CONFIG, "work", "config")).toEqual({ region: "eu-west-1", s3: "" });
    expect(withoutSettings(CONFIG, "work", "config", ["max_concurrent_requests"])).toBe(CONFIG);
  });
});
