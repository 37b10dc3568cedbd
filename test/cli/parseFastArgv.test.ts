import { describe, expect, test } from "bun:test";
import type { AssumeArgs } from "../../src/cli/commandLine.ts";
import { parseFastArgv } from "../../src/cli/parseFastArgv.ts";
import { runYargsProgram } from "../../src/cli/yargsProgram.ts";

/** What yargs, built from the same definition, makes of argv: the fast parser must agree with it. */
async function viaYargs(argv: string[]): Promise<AssumeArgs | undefined> {
  let parsed: AssumeArgs | undefined;
  const context = { env: {}, reporter: { verbose: () => {}, warn: () => {}, notice: () => {}, record: () => {} }, print: () => {}, printsToTerminal: false, version: "test" };
  await runYargsProgram(
    argv,
    {
      assume: async (args) => {
        parsed = args;
      },
      export: async () => {},
      login: async () => {},
      serve: async () => {},
      pickProfile: async () => "picked",
      other: async () => {},
    },
    context,
  );
  return parsed;
}

const defaults = { verbose: false, color: true, emoji: true, gui: true };

describe("argv forms of assume", () => {
  test.each([
    [["assume", "--profile", "frank@concerts"], {}],
    [["assume", "--profile=frank@concerts"], {}],
    [["assume", "-p", "frank@concerts"], {}],
    [["assume", "-p=frank@concerts"], {}],
    [["assume", "--profile", "frank@concerts", "--verbose"], { verbose: true }],
    [["assume", "--verbose", "--profile", "frank@concerts", "--no-gui", "--no-color", "--no-emoji"], { verbose: true, gui: false, color: false, emoji: false }],
    [["assume", "--profile", "team.app/prod", "--gui=false"], { profile: "team.app/prod", gui: false }],
  ])("%j is read without yargs and as yargs reads it", async (argv, overrides) => {
    const expected = { ...defaults, profile: "frank@concerts", ...overrides };
    expect(parseFastArgv(argv)).toEqual(expected);
    expect(await viaYargs(argv)).toEqual(expected);
  });

  test.each([
    [["assume"]],
    [["assume", "-pfrank@concerts"]],
    [["assume", "--profile"]],
    [["assume", "--help"]],
    [["assume", "--profile", "a", "--profle", "b"]],
    [["assume", "--profile", "a", "--profile", "b"]],
    [["assume", "--profile", "a", "extra"]],
    [["version"]],
    [[]],
  ])("%j goes to yargs", (argv) => expect(parseFastArgv(argv)).toBeUndefined());

  test("yargs refuses a missing profile and an unknown option with one line and exit code 2", async () => {
    for (const argv of [["assume"], ["assume", "--profile", "a", "--profle", "b"], ["asume", "-p", "a"]]) {
      const failure = await viaYargs(argv).catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: "UserError", exitCode: 2 });
      expect(String((failure as Error).message)).not.toContain("\n");
    }
  });
});
