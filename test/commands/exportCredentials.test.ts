import { describe, expect, test } from "bun:test";
import { credentialVariables, fishQuote, formatExport, powershellQuote, shQuote } from "../../src/commands/exportCredentials.ts";

const credentials = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "se/cr+et=", sessionToken: "to'ken\\x", expiration: new Date("2026-11-26T10:00:00.123Z") };

describe("export formats", () => {
  test("the variables, with the region only where it is known", () => {
    expect(credentialVariables(credentials, undefined).map(([name]) => name)).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"]);
    expect(credentialVariables(credentials, "eu-west-1").slice(3)).toEqual([
      ["AWS_CREDENTIAL_EXPIRATION", "2026-11-26T10:00:00Z"],
      ["AWS_REGION", "eu-west-1"],
      ["AWS_DEFAULT_REGION", "eu-west-1"],
    ]);
  });

  test.each([
    ["plain", "abc", "'abc'", "'abc'", "'abc'"],
    ["a single quote", "a'b", "'a'\\''b'", "'a\\'b'", "'a''b'"],
    ["a backslash", "a\\b", "'a\\b'", "'a\\\\b'", "'a\\b'"],
    ["$ and backticks", "$(rm -rf /)`x`$HOME", "'$(rm -rf /)`x`$HOME'", "'$(rm -rf /)`x`$HOME'", "'$(rm -rf /)`x`$HOME'"],
    ["a typographic quote", "a\u2019b", "'a\u2019b'", "'a\u2019b'", "'a\u2019\u2019b'"],
  ])("quoting %s", (_name, value, sh, fish, powershell) => {
    expect([shQuote(value), fishQuote(value), powershellQuote(value)]).toEqual([sh, fish, powershell]);
  });

  test("sh unsets the profile variables an SDK would prefer", () => {
    expect(formatExport("sh", [["A", "1"]], "{}")).toBe("export A='1'\nunset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN");
  });

  test("env refuses a value with a line break instead of writing two lines", () => {
    expect(() => formatExport("env", [["A", "1\n2"]], "{}")).toThrow("A holds a line break");
  });

  test("windows-cmd: set \"NAME=value\" lines as aws configure export-credentials prints them, the stale ones emptied; a value cmd.exe would expand is refused", () => {
    const variables = credentialVariables({ ...credentials, sessionToken: "to&ken|x^y" }, "eu-west-1");
    expect(formatExport("windows-cmd", variables, "{}").split("\n")).toEqual([
      'set "AWS_ACCESS_KEY_ID=ASIAEXAMPLE"',
      'set "AWS_SECRET_ACCESS_KEY=se/cr+et="',
      'set "AWS_SESSION_TOKEN=to&ken|x^y"',
      'set "AWS_CREDENTIAL_EXPIRATION=2026-11-26T10:00:00Z"',
      'set "AWS_REGION=eu-west-1"',
      'set "AWS_DEFAULT_REGION=eu-west-1"',
      'set "AWS_PROFILE="',
      'set "AWS_DEFAULT_PROFILE="',
      'set "AWS_SECURITY_TOKEN="',
    ]);
    for (const value of ["a%PATH%", "a!x!", 'a"b', "a\r\nb"]) expect(() => formatExport("windows-cmd", [["A", value]], "{}")).toThrow("A holds a character cmd.exe would expand or cut");
  });

  test("ini: a credentials-file section named after the profile, the expiry as a comment", () => {
    expect(formatExport("ini", credentialVariables(credentials, "eu-west-1"), "{}", "frank@concerts")).toBe(
      "[frank@concerts]\n# expires 2026-11-26T10:00:00Z\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = se/cr+et=\naws_session_token = to'ken\\x\nregion = eu-west-1",
    );
    expect(() => formatExport("ini", [["A", "1"]], "{}", "a]b")).toThrow('profile "a]b" cannot name a credentials-file section');
  });
});
