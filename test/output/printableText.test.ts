import { describe, expect, test } from "bun:test";
import { cut, printableLine, printableText, quoteValue } from "../../src/output/printableText.ts";

describe("printableLine", () => {
  test.each([
    ["retitles the terminal (OSC, BEL)", "Access denied\x1b]0;pwned\x07 for you", "Access denied for you"],
    ["retitles the terminal (OSC, ST)", "a\x1b]2;title\x1b\\b", "ab"],
    ["clears the screen and moves the cursor (CSI)", "\x1b[2J\x1b[H\x1b[31mred\x1b[0m", "red"],
    ["8-bit CSI", "x\u009b2Jy", "xy"],
    ["two-character escapes", "a\x1bcb\x1b7c", "abc"],
    ["a DCS string", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"],
    ["bare control characters", "a\x00b\x07c\x08d\x7fe", "abcde"],
    ["bidirectional overrides", "role/\u202eevil\u202c/x", "role/evil/x"],
    ["line breaks and tabs", "one\ntwo\r\nthree\tfour\u2028five", "one two three four five"],
  ])("strips what %s", (_what, text, expected) => {
    expect(printableLine(text)).toBe(expected);
  });

  test("keeps ordinary text, Unicode and emoji", () => {
    expect(printableLine('profile "frank@concerts": ⚠️ Zoë’s role')).toBe('profile "frank@concerts": ⚠️ Zoë’s role');
  });

  test("cuts a long line to its limit and says how long it was", () => {
    const line = printableLine("x".repeat(100_000), 200);
    expect(line.length).toBe(200);
    expect(line).toEndWith("… (100000 characters)");
  });
});

describe("printableText", () => {
  test("keeps lines and tabs, strips escapes and controls", () => {
    expect(printableText("a\tb\n\x1b[31mc\x1b[0m\r\nd\x07")).toBe("a\tb\nc\nd");
  });
});

describe("quoteValue", () => {
  test("quotes short values as they are", () => {
    expect(quoteValue("abc#def")).toBe('"abc#def"');
  });

  test("a 100 KB value is cut, with its length", () => {
    expect(quoteValue("9".repeat(102_400))).toBe(`"${"9".repeat(80)}…" (102400 characters)`);
  });

  test("controls in a value never reach the line", () => {
    expect(quoteValue("us-\x1b[2Jeast-1")).toBe('"us-east-1"');
  });
});

test("cut leaves short text alone", () => {
  expect(cut("short", 10)).toBe("short");
});
