/** vegas_mfa_process on Windows: split as CommandLineToArgvW and the C runtime split a command line. */
import { describe, expect, test } from "bun:test";
import { resolveRoleProfile } from "../../src/config/resolveRoleProfile.ts";
import { parseProfiles } from "../../src/config/readConfigFile.ts";
import { windowsCommandWords } from "../../src/config/windowsCommandWords.ts";

describe("windowsCommandWords", () => {
  const cases: [string, string[]][] = [
    ["C:\\Tools\\otp.cmd", ["C:\\Tools\\otp.cmd"]],
    ["  C:\\Tools\\otp.exe\t--account  aws ", ["C:\\Tools\\otp.exe", "--account", "aws"]],
    ['"C:\\Program Files\\Yubico\\ykman.exe" oath accounts code -s "AWS prod"', ["C:\\Program Files\\Yubico\\ykman.exe", "oath", "accounts", "code", "-s", "AWS prod"]],
    // The program's own word takes no escapes: a trailing backslash stays.
    ['"C:\\Tools\\"x', ["C:\\Tools\\x"]],
    // Backslashes are literal unless a quote follows.
    ["otp a\\b a\\\\b", ["otp", "a\\b", "a\\\\b"]],
    // 2n backslashes and a quote: n backslashes, the quote delimits; 2n+1: n and a literal quote.
    ['otp "a\\\\" b', ["otp", "a\\", "b"]],
    ['otp a\\"b', ["otp", 'a"b']],
    ['otp a\\\\\\"b', ["otp", 'a\\"b']],
    // Inside quotes, "" is one literal quote; an empty pair is an empty word.
    ['otp "e""f" ""', ["otp", 'e"f', ""]],
    // Single quotes are plain characters; so are %, ^, & and |.
    ["otp 'a b' %OS% ^& |", ["otp", "'a", "b'", "%OS%", "^&", "|"]],
    ["", []],
    ["   ", []],
  ];
  for (const [text, words] of cases) {
    test(JSON.stringify(text), () => {
      expect(windowsCommandWords(text)).toEqual(words);
    });
  }

  test("an unclosed double quote is refused, in the program or an argument", () => {
    expect(windowsCommandWords('"C:\\Tools\\otp.exe')).toBeUndefined();
    expect(windowsCommandWords('otp "aws prod')).toBeUndefined();
  });
});

describe("resolveRoleProfile on Windows", () => {
  const config = (mfaProcess: string) => ({
    path: "C:\\Users\\frank\\.aws\\config",
    profiles: parseProfiles(
      `[default]\nmfa_serial = arn:aws:iam::111111111111:mfa/Frank\nvegas_mfa_process = ${mfaProcess}\n[profile role]\nvegas_role_arn = arn:aws:iam::222222222222:role/R\nvegas_source_profile = default\n`,
    ),
  });

  test("a path's backslashes stay on Windows (a shell's rules would drop them)", () => {
    const text = "C:\\Tools\\otp.cmd --account aws";
    expect(resolveRoleProfile(config(text), "role", {}, "win32").source.mfaProcess).toEqual(["C:\\Tools\\otp.cmd", "--account", "aws"]);
    expect(resolveRoleProfile(config(text), "role", {}, "linux").source.mfaProcess).toEqual(["C:Toolsotp.cmd", "--account", "aws"]);
  });

  test("a program in single quotes is refused on Windows, naming the fix", () => {
    expect(() => resolveRoleProfile(config("'C:\\Tools\\otp.cmd'"), "role", {}, "win32")).toThrow("use double quotes");
  });

  test("an unclosed double quote is refused on Windows, naming the fix", () => {
    expect(() => resolveRoleProfile(config('"C:\\Program Files\\otp.exe'), "role", {}, "win32")).toThrow("unclosed double quote");
  });
});
