import { describe, expect, test } from "bun:test";
import { withSetting, withoutSettings } from "../../src/config/iniSections.ts";
import { parseAwsConfig, parseCredentialsFile } from "../../src/config/parseAwsConfig.ts";

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
    expect(parseCredentialsFile(credentials, "c").get("work")).toEqual({ aws_access_key_id: "B", aws_secret_access_key: "T" });
  });

  test("indented lines belong to a nested block, not to the profile", () => {
    expect(withoutSettings(CONFIG, "work", "config", ["max_concurrent_requests"])).toBe(CONFIG);
  });

  test("the section that counts is the last of the profile's, as the file is read; names are read as headers are", () => {
    const shadowed = "[default]\nregion = a\n[profile default]\nregion = b\n";
    const changed = withSetting(shadowed, "default", "config", "vegas_keys", "os");
    expect(changed).toBe("[default]\nregion = a\n[profile default]\nvegas_keys = os\nregion = b\n");
    expect(parseAwsConfig(changed, "c").get("default")?.vegas_keys).toBe("os");
    const spaced = '[profile  "dev"]\nmfa_serial = x\n';
    expect(withSetting(spaced, "dev", "config", "vegas_keys", "os")).toBe('[profile  "dev"]\nvegas_keys = os\nmfa_serial = x\n');
  });

  test("keys are matched as the file is read: any case, = or :", () => {
    expect(withSetting("[default]\nVEGAS_KEYS: file\n", "default", "config", "vegas_keys", "os")).toBe("[default]\nVEGAS_KEYS: os\n");
    expect(withoutSettings("[a]\nAWS_ACCESS_KEY_ID=A\nkeep = 1\n", "a", "credentials", ["aws_access_key_id"])).toBe("[a]\nkeep = 1\n");
  });

  test("a CRLF file gets CRLF lines", () => {
    expect(withSetting("[default]\r\nregion = x\r\n", "default", "config", "vegas_keys", "os")).toBe("[default]\r\nvegas_keys = os\r\nregion = x\r\n");
  });
});
