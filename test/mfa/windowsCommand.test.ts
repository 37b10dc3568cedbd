/**
 * How vegas_mfa_process runs on Windows: the program found as CreateProcess finds it, a batch file through
 * cmd.exe with every argument escaped by the BatBadBut rules. (The wine job runs these for real.)
 */
import { describe, expect, test } from "bun:test";
import { batchArgument, windowsCommand } from "../../src/mfa/windowsCommand.ts";

const ENV = { SystemRoot: "C:\\Windows", PATH: "" };
const files = (...paths: string[]) => (path: string) => paths.includes(path);

describe("batchArgument", () => {
  const cases: [string, string][] = [
    ["plain-word_1.2", "plain-word_1.2"],
    ["C:\\Tools\\otp.cmd", "C:\\Tools\\otp.cmd"],
    ["", '""'],
    ["aws prod", '"aws prod"'],
    // cmd.exe's separators and operators are inside quotes, where they are plain characters.
    ["a & echo pwned", '"a & echo pwned"'],
    ["b^c|d<e>f", '"b^c|d<e>f"'],
    ["x,y;z=w", '"x,y;z=w"'],
    // A quote is doubled, so the quoted run never ends early.
    ['e"f', '"e""f"'],
    // Each % is followed by %cd:~,% (which expands to nothing), so %NAME% can never be a variable.
    ["%OS%", '"%%cd:~,%OS%%cd:~,%"'],
    ["100%", '"100%%cd:~,%"'],
    // Backslashes before a quote, or before the closing quote, are doubled for the C runtime.
    ['a\\"b', '"a\\\\""b"'],
    ["trailing\\ x\\", '"trailing\\ x\\\\"'],
    ["C:\\dir\\", '"C:\\dir\\\\"'],
    // A quote that would close the quoted run, then a second command: the quotes are doubled, so it stays quoted.
    ['x" & echo pwned & "', '"x"" & echo pwned & """'],
  ];
  for (const [word, line] of cases) {
    test(JSON.stringify(word), () => {
      expect(batchArgument(word)).toBe(line);
    });
  }

  test("a line break is refused: no batch file can be given one", () => {
    expect(batchArgument("a\nb")).toBeUndefined();
    expect(batchArgument("a\rb")).toBeUndefined();
  });
});

describe("windowsCommand", () => {
  test("an .exe runs directly, its arguments quoted by the runtime", () => {
    const command = windowsCommand(["C:\\Tools\\otp.exe", "--account", "aws prod"], ENV, files("C:\\Tools\\otp.exe"));
    expect(command).toEqual({ argv: ["C:\\Tools\\otp.exe", "--account", "aws prod"], file: "C:\\Tools\\otp.exe", args: ["--account", "aws prod"], verbatim: false });
  });

  test("a batch file runs through cmd.exe from the system folder, one escaped command line in quotes", () => {
    const command = windowsCommand(["C:\\Tools\\otp.cmd", "a & b", "%OS%"], ENV, files("C:\\Tools\\otp.cmd"));
    expect(command?.file).toBe("C:\\Windows\\System32\\cmd.exe");
    expect(command?.args).toEqual(["/d", "/e:on", "/v:off", "/s", "/c", '"C:\\Tools\\otp.cmd "a & b" "%%cd:~,%OS%%cd:~,%""']);
    expect(command?.verbatim).toBe(true);
    expect(command?.argv).toEqual(["C:\\Tools\\otp.cmd", "a & b", "%OS%"]);
  });

  test("an unquoted path with spaces is found as CreateProcess finds it: a word at a time, shortest first", () => {
    const command = windowsCommand(["C:\\Program", "Files\\Tools\\otp.exe", "--account", "aws"], ENV, files("C:\\Program Files\\Tools\\otp.exe"));
    expect(command?.argv).toEqual(["C:\\Program Files\\Tools\\otp.exe", "--account", "aws"]);
  });

  test("a batch file named with a trailing dot (which Windows drops) still runs through cmd.exe", () => {
    expect(windowsCommand(["C:\\Tools\\otp.cmd.", "a&b"], ENV, files("C:\\Tools\\otp.cmd."))?.verbatim).toBe(true);
  });

  test("a path without an extension gets .exe, .cmd, .bat or .com, in that order", () => {
    expect(windowsCommand(["C:\\Tools\\otp"], ENV, files("C:\\Tools\\otp.cmd", "C:\\Tools\\otp.bat"))?.argv).toEqual(["C:\\Tools\\otp.cmd"]);
  });

  test("a program that is nowhere is run as written, to fail with the system's own error", () => {
    expect(windowsCommand(["C:\\Nowhere\\otp.exe", "x"], ENV, files())?.argv).toEqual(["C:\\Nowhere\\otp.exe", "x"]);
  });

  test("a batch file that is not there is spawned as named, to fail as not found (not as cmd.exe's exit 1)", () => {
    expect(windowsCommand(["C:\\Nowhere\\otp.cmd"], ENV, files())?.file).toBe("C:\\Nowhere\\otp.cmd");
  });

  test("a batch file given a line break does not run", () => {
    expect(windowsCommand(["C:\\Tools\\otp.bat", "a\nb"], ENV, files("C:\\Tools\\otp.bat"))).toBeUndefined();
  });
});
