import { describe, expect, test } from "bun:test";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DialogQuestion } from "../../src/mfa/dialog.ts";
import { findDialog } from "../../src/mfa/findDialog.ts";
import { kdialogDialog } from "../../src/mfa/kdialogDialog.ts";
import { osascriptDialog } from "../../src/mfa/osascriptDialog.ts";
import { powershellDialog } from "../../src/mfa/powershellDialog.ts";
import { zenityDialog } from "../../src/mfa/zenityDialog.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

/** A profile name with every character that could break quoting in a shell, AppleScript, PowerShell or markup. */
const ODD = `MFA code for arn:aws:iam::111111111111:mfa/Frank (fr"ank's <b>&$(rm -rf ~)\`x\` \\ %PATH%):`;
const question = (text: string, hidden = false): DialogQuestion => ({ title: "vegas-credentials", text, hidden, timeoutSeconds: 60 });

describe("zenity", () => {
  test("an entry dialog, closing itself at the timeout; the text is Pango markup, so it is escaped", () => {
    expect(zenityDialog.command("/usr/bin/zenity", question(ODD)).argv).toEqual([
      "/usr/bin/zenity",
      "--entry",
      "--title=vegas-credentials",
      `--text=MFA code for arn:aws:iam::111111111111:mfa/Frank (fr"ank's &lt;b&gt;&amp;$(rm -rf ~)\`x\` \\ %PATH%):`,
      "--timeout=60",
    ]);
  });

  test("a password hides what is typed", () => {
    expect(zenityDialog.command("zenity", question("OATH password:", true)).argv.at(-1)).toBe("--hide-text");
  });
});

describe("kdialog", () => {
  test("an input box with the text as one argument, or a password box", () => {
    expect(kdialogDialog.command("/usr/bin/kdialog", question(ODD)).argv).toEqual(["/usr/bin/kdialog", "--title", "vegas-credentials", "--inputbox", ODD]);
    expect(kdialogDialog.command("kdialog", question("OATH password:", true)).argv).toEqual(["kdialog", "--title", "vegas-credentials", "--password", "OATH password:"]);
  });
});

describe("osascript", () => {
  test("the text and title are arguments of the script, never part of its source", () => {
    const { argv } = osascriptDialog.command("/usr/bin/osascript", question(ODD));
    expect(argv.slice(-2)).toEqual([ODD, "vegas-credentials"]);
    const script = argv.slice(1, -2).filter((_, index) => index % 2 === 1);
    expect(argv.slice(1, -2).filter((_, index) => index % 2 === 0).every((flag) => flag === "-e")).toBe(true);
    expect(script.join("\n")).not.toContain("Frank");
    expect(script[1]).toContain("display dialog (item 1 of argv) with title (item 2 of argv)");
    expect(script[1]).toContain("giving up after 60");
    expect(script[1]).not.toContain("hidden answer");
  });

  test("a password is a hidden answer", () => {
    expect(osascriptDialog.command("osascript", question("OATH password:", true)).argv.join(" ")).toContain('default answer "" with hidden answer');
  });
});

describe("PowerShell", () => {
  const decode = (argv: readonly string[]) => Buffer.from(argv.at(-1) ?? "", "base64").toString("utf16le");

  test("an encoded script that reads the text from the environment: nothing the user wrote is parsed", () => {
    const command = powershellDialog.command("powershell.exe", question(ODD));
    expect(command.argv.slice(0, -1)).toEqual(["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand"]);
    expect(command.env).toEqual({ VEGAS_DIALOG_TEXT: ODD, VEGAS_DIALOG_TITLE: "vegas-credentials" });
    const script = decode(command.argv);
    expect(script).not.toContain("Frank");
    expect(script).toContain("$label.Text = $env:VEGAS_DIALOG_TEXT");
    expect(script).toContain("$box.UseSystemPasswordChar = $false");
    expect(script).toContain("$timer.Interval = 60000");
  });

  test("a password box hides what is typed", () => {
    expect(decode(powershellDialog.command("powershell.exe", question("OATH password:", true)).argv)).toContain("$box.UseSystemPasswordChar = $true");
  });
});

describe("findDialog", () => {
  const withPrograms = (names: string[], run: (path: string) => void) => {
    const folder = temporaryFolder("dialog-programs-");
    try {
      for (const name of names) {
        writeFileSync(join(folder, name), "#!/bin/sh\n");
        chmodSync(join(folder, name), 0o755);
      }
      run(folder);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };

  test("Linux: zenity first, else kdialog, only with a display", () => {
    withPrograms(["zenity", "kdialog"], (path) => {
      expect(findDialog({ PATH: path, DISPLAY: ":0" }, true, "linux")).toEqual({ driver: zenityDialog, path: join(path, "zenity") });
      expect(findDialog({ PATH: path, WAYLAND_DISPLAY: "wayland-0" }, true, "linux")).toEqual({ driver: zenityDialog, path: join(path, "zenity") });
      expect(findDialog({ PATH: path }, true, "linux")).toEqual({ unavailable: "no dialog (neither DISPLAY nor WAYLAND_DISPLAY is set)" });
    });
    withPrograms(["kdialog"], (path) => {
      expect(findDialog({ PATH: path, DISPLAY: ":0" }, true, "linux")).toEqual({ driver: kdialogDialog, path: join(path, "kdialog") });
    });
    withPrograms([], (path) => {
      expect(findDialog({ PATH: path, DISPLAY: ":0" }, true, "linux")).toEqual({ unavailable: "no dialog (zenity or kdialog not found)" });
    });
  });

  test("a file that is not executable is not a program", () => {
    withPrograms([], (path) => {
      writeFileSync(join(path, "zenity"), "not a program");
      expect(findDialog({ PATH: path, DISPLAY: ":0" }, true, "linux")).toEqual({ unavailable: "no dialog (zenity or kdialog not found)" });
    });
  });

  test("macOS uses osascript, which needs no DISPLAY", () => {
    withPrograms(["osascript"], (path) => {
      expect(findDialog({ PATH: path }, true, "darwin")).toEqual({ driver: osascriptDialog, path: join(path, "osascript") });
    });
  });

  test("turned off: no dialog whatever is installed", () => {
    withPrograms(["zenity"], (path) => {
      expect(findDialog({ PATH: path, DISPLAY: ":0" }, false, "linux")).toEqual({ unavailable: "dialogs turned off (--no-gui or VEGAS_CREDENTIALS_NO_GUI)" });
    });
  });
});
