import { describe, expect, test } from "bun:test";
import { isTruthy, outputStyle, paint, wantsVerbose } from "../../src/output/outputStyle.ts";

const on = { color: true, emoji: true };

describe("colour and emoji", () => {
  test("both on for a terminal when nothing turns them off", () => {
    expect(outputStyle(on, {}, true)).toEqual({ color: true, emoji: true });
  });

  test("colour only on a terminal; emoji anywhere", () => {
    expect(outputStyle(on, {}, false)).toEqual({ color: false, emoji: true });
  });

  test.each([
    [{ color: false, emoji: true }, {}, { color: false, emoji: true }],
    [{ color: true, emoji: false }, {}, { color: true, emoji: false }],
    [on, { NO_COLOR: "1" }, { color: false, emoji: true }],
    [on, { NO_COLOR: "anything" }, { color: false, emoji: true }],
    [on, { VEGAS_CREDENTIALS_NO_COLOR: "true" }, { color: false, emoji: true }],
    [on, { VEGAS_CREDENTIALS_NO_COLOR: "0" }, { color: true, emoji: true }],
    [on, { NO_EMOJI: "1" }, { color: true, emoji: false }],
    [on, { VEGAS_CREDENTIALS_NO_EMOJI: "yes" }, { color: true, emoji: false }],
    [on, { TERM: "dumb" }, { color: false, emoji: false }],
  ])("flags %j with env %j → %j", (flags, env, expected) => {
    expect(outputStyle(flags, env as Record<string, string>, true)).toEqual(expected);
  });

  test("paint wraps in ANSI codes only when colour is on", () => {
    expect(paint({ color: true, emoji: false }, "red", "expired")).toBe("\u001b[31mexpired\u001b[0m");
    expect(paint({ color: false, emoji: false }, "red", "expired")).toBe("expired");
  });
});

describe("verbose", () => {
  test.each([
    [false, {}, false],
    [true, {}, true],
    [false, { VERBOSE: "1" }, true],
    [false, { VEGAS_CREDENTIALS_VERBOSE: "true" }, true],
    [false, { VERBOSE: "false" }, false],
    [false, { VERBOSE: "" }, false],
  ])("--verbose %p with %j → %p", (flag, env, expected) => {
    expect(wantsVerbose(flag, env as Record<string, string>)).toBe(expected);
  });

  test("switches: set and not 0/false/no/off", () => {
    expect(["1", "true", "YES", "on", "x"].map(isTruthy)).toEqual([true, true, true, true, true]);
    expect(["0", "false", "No", "off", "", undefined].map(isTruthy)).toEqual([false, false, false, false, false, false]);
  });
});
