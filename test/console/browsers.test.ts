import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { browserProfileFolder } from "../../src/console/browserProfileFolder.ts";
import { findBrowser, kindOfPath } from "../../src/console/browsers.ts";
import { browserCommand } from "../../src/console/openConsole.ts";
import { removeFolder, temporaryFolder } from "../support/temporaryFolder.ts";

const quiet = { verbose() {}, warn() {}, notice() {}, record() {} } as never;
const settings = (firefoxContainers: "open-url-in-container" | "granted" | "off") => ({ browser: "x", browserProfile: "p", firefoxContainers });
const URL = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=a%2Bb&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F";

describe("which browser", () => {
  test("a path's kind from its file name", () => {
    expect(kindOfPath("/usr/bin/google-chrome-stable")).toBe("chromium");
    expect(kindOfPath("C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe")).toBe("chromium");
    expect(kindOfPath("/Applications/Brave Browser.app/Contents/MacOS/Brave Browser")).toBe("chromium");
    expect(kindOfPath("/usr/lib/firefox-esr/firefox-esr")).toBe("firefox");
    expect(kindOfPath("/usr/bin/links")).toBeUndefined();
  });

  test("a name is looked for where its installer puts it, then on PATH", () => {
    const folder = temporaryFolder("browsers-");
    try {
      mkdirSync(join(folder, "bin"));
      writeFileSync(join(folder, "bin", "brave-browser"), "#!/bin/sh\n");
      chmodSync(join(folder, "bin", "brave-browser"), 0o755);
      expect(findBrowser("brave", { PATH: join(folder, "bin") }, "linux")).toEqual({ kind: "chromium", name: "brave", program: join(folder, "bin", "brave-browser") });
      expect(findBrowser("edge", { PATH: join(folder, "bin") }, "linux")).toEqual({ unavailable: "edge is not installed (looked in the usual places and on PATH): install it, or set vegas_browser to its full path" });
      expect(findBrowser("safari", {}, "linux")).toEqual({ unavailable: "Safari is only on macOS" });
      expect(findBrowser("/usr/bin/links", {}, "linux")).toMatchObject({ unavailable: expect.stringContaining("cannot tell which browser /usr/bin/links is") });
    } finally {
      removeFolder(folder);
    }
  });
});

describe("the browser's command line", () => {
  test("Chromium's kin: a user-data folder of ours per profile, the URL as one argument", () => {
    const state = temporaryFolder("state-");
    try {
      const { argv } = browserCommand({ kind: "chromium", name: "chromium", program: "/usr/bin/chromium" }, URL, "frank@concerts", { settings: settings("off"), stateFolder: state, reporter: quiet });
      expect(argv).toEqual(["/usr/bin/chromium", `--user-data-dir=${join(state, "console", "frank@concerts")}`, "--no-first-run", "--no-default-browser-check", URL]);
    } finally {
      removeFolder(state);
    }
  });

  test("Firefox: the container add-on's URL (or granted's), or a profile of ours", () => {
    const firefox = { kind: "firefox" as const, name: "firefox", program: "/usr/bin/firefox" };
    const container = browserCommand(firefox, URL, "prod admin", { settings: settings("open-url-in-container"), stateFolder: undefined, reporter: quiet }).argv;
    expect(container).toEqual(["/usr/bin/firefox", `ext+container:name=prod%20admin&url=${encodeURIComponent(URL)}`]);
    const granted = browserCommand(firefox, URL, "prod", { settings: settings("granted"), stateFolder: undefined, reporter: quiet }).argv;
    expect(granted).toEqual(["/usr/bin/firefox", `ext+granted-containers:name=prod&url=${encodeURIComponent(URL)}`]);
    const state = temporaryFolder("state-");
    try {
      expect(browserCommand(firefox, URL, "prod", { settings: settings("off"), stateFolder: state, reporter: quiet }).argv).toEqual(["/usr/bin/firefox", "-no-remote", "-profile", join(state, "console", "prod"), URL]);
    } finally {
      removeFolder(state);
    }
  });

  test("a profile's folder name keeps plain characters and encodes the rest", () => {
    expect(browserProfileFolder("/s", "frank@concerts")).toBe(join("/s", "console", "frank@concerts"));
    expect(browserProfileFolder("/s", "../x y/é")).toBe(join("/s", "console", "%2E.%2Fx%20y%2F%C3%A9"));
    expect(browserProfileFolder("/s", "..")).toBe(join("/s", "console", "%2E."));
  });
});
