import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findYkman, listSerialsCommand, oathCodeCommand, ykmanFailure } from "../../src/mfa/ykman.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

describe("ykman command lines", () => {
  test("the code of one account of one key; the label is one argument whatever it holds", () => {
    expect(oathCodeCommand("/usr/bin/ykman", "12345678", "AWS:frank@concerts (work) $HOME")).toEqual([
      "/usr/bin/ykman",
      "--device",
      "12345678",
      "oath",
      "accounts",
      "code",
      "--single",
      "AWS:frank@concerts (work) $HOME",
    ]);
    expect(listSerialsCommand("ykman")).toEqual(["ykman", "list", "--serials"]);
  });
});

describe("ykman's failures, from its own words", () => {
  test.each([
    ["Error: Authentication to the YubiKey failed. Wrong password?", false, "password"],
    ["Error: Authentication to the YubiKey failed. Wrong password?", true, "wrong-password"],
    ["Enter the password: \nAborted!", false, "password"],
    ["Error: No matching account found.", false, "no-account"],
    ["Error: No YubiKey detected!", false, "no-device"],
    ["Error: Failed connecting to a YubiKey with serial: 123. Make sure the application has the required permissions.", false, "no-device"],
    ["Touch your YubiKey...\nError: Touch account timed out!", false, "touch-timeout"],
    ["Traceback (most recent call last): KeyError", false, "other"],
  ])("%s (password given: %s) → %s", (stderr, passwordGiven, failure) => {
    expect(ykmanFailure(stderr, passwordGiven)).toBe(failure as ReturnType<typeof ykmanFailure>);
  });
});

describe("findYkman", () => {
  test("PATH first, then the places installers put it", () => {
    const home = temporaryFolder("ykman-home-");
    try {
      const onPath = join(home, "bin");
      const userLocal = join(home, ".local", "bin");
      expect(findYkman({ PATH: onPath, HOME: home }, "linux")).toBe(existsAt("/usr/local/bin/ykman") ?? existsAt("/usr/bin/ykman") ?? existsAt("/snap/bin/ykman"));
      mkdirSync(userLocal, { recursive: true });
      writeFileSync(join(userLocal, "ykman"), "#!/bin/sh\n");
      chmodSync(join(userLocal, "ykman"), 0o755);
      expect(findYkman({ PATH: onPath, HOME: home }, "linux")).toBe(join(userLocal, "ykman"));
      mkdirSync(onPath, { recursive: true });
      writeFileSync(join(onPath, "ykman"), "#!/bin/sh\n");
      chmodSync(join(onPath, "ykman"), 0o755);
      expect(findYkman({ PATH: onPath, HOME: home }, "linux")).toBe(join(onPath, "ykman"));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

function existsAt(path: string): string | undefined {
  return Bun.spawnSync(["test", "-x", path]).exitCode === 0 ? path : undefined;
}
