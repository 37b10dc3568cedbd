import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { browserProfileFolder } from "../../src/console/browserProfileFolder.ts";
import { joinPath } from "../../src/files/joinPath.ts";
import { findBrowser, kindOfPath } from "../../src/console/browsers.ts";
import { chooseConsole } from "../../src/console/consoleChoice.ts";
import { browserCommand, LAUNCHER_PAGE } from "../../src/console/openConsole.ts";
import type { RoleProfile } from "../../src/config/roleProfile.ts";
import { removeFolder, temporaryFolder } from "../support/temporaryFolder.ts";

const URL = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=a%2Bb&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F";
const chromium = { kind: "chromium" as const, name: "chromium", program: "/usr/bin/chromium" };
const firefox = { kind: "firefox" as const, name: "firefox", program: "/usr/bin/firefox" };

describe("which browser", () => {
  test("a path's kind from its file name", () => {
    expect(kindOfPath("/usr/bin/google-chrome-stable")).toBe("chromium");
    expect(kindOfPath("C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe")).toBe("chromium");
    expect(kindOfPath("/Applications/Brave Browser.app/Contents/MacOS/Brave Browser")).toBe("chromium");
    expect(kindOfPath("/usr/lib/firefox-esr/firefox-esr")).toBe("firefox");
    expect(kindOfPath("/usr/bin/links")).toBeUndefined();
  });

  test("a name is looked for where its installer puts it, then on PATH; a command name on PATH says its kind", () => {
    const folder = temporaryFolder("browsers-");
    try {
      mkdirSync(join(folder, "bin"));
      writeFileSync(join(folder, "bin", "brave-browser"), "#!/bin/sh\n");
      chmodSync(join(folder, "bin", "brave-browser"), 0o755);
      const env = { PATH: join(folder, "bin") };
      expect(findBrowser("brave", env, "linux")).toEqual({ kind: "chromium", name: "brave", program: join(folder, "bin", "brave-browser") });
      expect(findBrowser("brave-browser", env, "linux")).toEqual({ kind: "chromium", name: "brave-browser", program: join(folder, "bin", "brave-browser") });
      expect(findBrowser("edge", env, "linux")).toEqual({ unavailable: "edge is not installed (looked in the usual places and on PATH): install it, or set vegas_browser to its full path" });
      expect(findBrowser("google-chrome", env, "linux")).toEqual({ unavailable: "google-chrome is not on PATH: install it, or set vegas_browser to its full path" });
      expect(findBrowser("netscape", env, "linux")).toMatchObject({ unavailable: expect.stringContaining('"netscape" is not a browser this tool knows') });
      expect(findBrowser("safari", {}, "linux")).toEqual({ unavailable: "Safari is only on macOS" });
      expect(findBrowser("/usr/bin/links", {}, "linux")).toMatchObject({ unavailable: expect.stringContaining("cannot tell which browser /usr/bin/links is") });
    } finally {
      removeFolder(folder);
    }
  });
});

describe("the browser's command line", () => {
  test("Chromium's kin: a user-data folder of ours per profile, and a 0600 page in it that goes on to the URL (never the URL in argv)", () => {
    const state = temporaryFolder("state-");
    try {
      const folder = join(state, "console", "chromium", "frank@concerts");
      const { argv } = browserCommand({ kind: "folder", browser: chromium, browserProfile: "frank@concerts", browserKey: "chromium", folder }, URL, state);
      expect(argv.slice(0, 4)).toEqual(["/usr/bin/chromium", `--user-data-dir=${folder}`, "--no-first-run", "--no-default-browser-check"]);
      expect(argv).toHaveLength(5);
      expect(argv.join(" ")).not.toContain("SigninToken");
      const page = fileURLToPath(argv[4] ?? "");
      expect(page).toBe(join(folder, LAUNCHER_PAGE));
      expect(readFileSync(page, "utf8")).toContain(`location.replace(${JSON.stringify(URL)})`);
      // Windows keeps no POSIX mode bits (the folder is the user's by its ACL).
      if (process.platform !== "win32") expect(statSync(page).mode & 0o777).toBe(0o600);
    } finally {
      removeFolder(state);
    }
  });

  test("Firefox: the container add-on's URL (or granted's), or a profile of ours (remoting kept: a second login reaches the running one)", () => {
    const container = browserCommand({ kind: "container", browser: firefox, browserProfile: "prod admin", addon: "open-url-in-container" }, URL, undefined).argv;
    expect(container).toEqual(["/usr/bin/firefox", `ext+container:name=prod%20admin&url=${encodeURIComponent(URL)}`]);
    const granted = browserCommand({ kind: "container", browser: firefox, browserProfile: "prod", addon: "granted" }, URL, undefined).argv;
    expect(granted).toEqual(["/usr/bin/firefox", `ext+granted-containers:name=prod&url=${encodeURIComponent(URL)}`]);
    const state = temporaryFolder("state-");
    try {
      const folder = join(state, "console", "firefox", "prod");
      const { argv } = browserCommand({ kind: "folder", browser: firefox, browserProfile: "prod", browserKey: "firefox", folder }, URL, state);
      expect(argv.slice(0, 3)).toEqual(["/usr/bin/firefox", "-profile", folder]);
      expect(fileURLToPath(argv[3] ?? "")).toBe(join(folder, LAUNCHER_PAGE));
    } finally {
      removeFolder(state);
    }
  });

  test("a profile's folder: per browser, plain lower-case characters kept, the rest encoded, never two names in one", () => {
    expect(browserProfileFolder("/s", "chrome", "frank@concerts")).toBe(joinPath("/s", "console", "chrome", "frank@concerts"));
    expect(browserProfileFolder("/s", "chrome", "Prod")).not.toBe(browserProfileFolder("/s", "chrome", "prod"));
    expect(browserProfileFolder("/s", "chrome", "../x y/é")).toBe(joinPath("/s", "console", "chrome", "%2E.%2Fx%20y%2F%C3%A9"));
    expect(browserProfileFolder("/s", "chrome", "..")).toBe(joinPath("/s", "console", "chrome", "%2E%2E"));
    expect(browserProfileFolder("/s", "chrome", "prod.")).toBe(joinPath("/s", "console", "chrome", "prod%2E"));
    expect(browserProfileFolder("/s", "chrome", "nul")).toBe(joinPath("/s", "console", "chrome", "%6Eul"));
    const long = browserProfileFolder("/s", "chrome", "音".repeat(30));
    expect(long.split(/[\\/]/).at(-1)?.length).toBeLessThanOrEqual(80);
    expect(long).not.toBe(browserProfileFolder("/s", "chrome", `${"音".repeat(29)}楽`));
  });
});

describe("chooseConsole: checked before a code is asked for", () => {
  const profile = (consoleSettings: RoleProfile["console"]) => ({ name: "frank@concerts", configFile: "/c", roleArn: "arn:aws:iam::2:role/R", console: consoleSettings }) as unknown as RoleProfile;

  test("no vegas_browser: the default browser, and --browser-profile is refused", () => {
    expect(chooseConsole(profile({ browser: undefined, browserProfile: undefined, firefoxContainers: undefined }), undefined, {}, "/s")).toEqual({ kind: "default" });
    expect(() => chooseConsole(profile({ browser: undefined, browserProfile: undefined, firefoxContainers: undefined }), "work", {}, "/s")).toThrow('login --browser-profile: profile "frank@concerts" has no vegas_browser');
  });

  test("a setting that is wrong is one line naming the profile that sets it", () => {
    expect(() => chooseConsole(profile({ browser: { value: "netscape", from: "default" }, browserProfile: undefined, firefoxContainers: undefined }), undefined, {}, "/s")).toThrow('profile "default" in /c: vegas_browser "netscape" is not a browser this tool knows');
    const withFirefox = (containers: string) => profile({ browser: { value: "/opt/firefox/firefox", from: "frank@concerts" }, browserProfile: undefined, firefoxContainers: { value: containers, from: "default" } });
    expect(() => chooseConsole(withFirefox("maybe"), undefined, {}, "/s")).toThrow(/vegas_firefox_containers "maybe" is not one of|is not a program that can be run/);
  });
});
