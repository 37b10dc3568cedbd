import type { ConsoleSettings } from "../config/roleProfile.ts";
import type { Env } from "../environment.ts";
import { joinPath } from "../files/joinPath.ts";
import type { Reporter } from "../output/reporter.ts";
import { UserError } from "../userError.ts";
import { type Browser, findBrowser } from "./browsers.ts";
import { CONSOLE_FOLDER, prepareBrowserProfileFolder } from "./browserProfileFolder.ts";
import { openInBrowser } from "./openInBrowser.ts";

export interface ConsoleOpening {
  /** The AWS profile signed in (messages; the default browser's note of who was last). */
  readonly profile: string;
  readonly settings: ConsoleSettings;
  /** --browser-profile, over the setting. */
  readonly browserProfile: string | undefined;
  readonly env: Env;
  readonly stateFolder: string | undefined;
  readonly reporter: Reporter;
  readonly platform?: NodeJS.Platform;
}

/** How long a browser started directly may take to fail (a bad flag, no display) before it is left to run. */
const BROWSER_PATIENCE_MS = 2_000;
/** Sign-ins of two profiles in the default browser within this long: the second replaced the first. */
const SAME_SITTING_MS = 12 * 3600_000;

/** What `login` tells the person it did: where the console opened. undefined: nothing could be opened (the reason). */
export type Opened = { readonly where: string } | { readonly problem: string };

/**
 * Opens the sign-in URL: in the profile's own browser profile when vegas_browser is set (a user-data folder
 * for Chromium's kin, a container or a profile of ours for Firefox), else in the default browser, which
 * keeps one console session for every profile. The URL is one argument, never through a shell.
 */
export async function openConsole(url: string, opening: ConsoleOpening): Promise<Opened> {
  const { settings, env } = opening;
  const browserProfile = opening.browserProfile ?? settings.browserProfile;
  if (settings.browser === undefined) {
    if (opening.browserProfile !== undefined) throw new UserError(`login --browser-profile: profile "${opening.profile}" has no vegas_browser: set it (chrome, chromium, brave, edge or firefox) to open the console in a browser profile`, 2);
    const problem = await openInBrowser(url, env, opening.platform);
    if (problem !== undefined) return { problem };
    noteSharedSession(opening, "your default browser");
    return { where: "your default browser" };
  }
  const browser = findBrowser(settings.browser, env, opening.platform);
  if ("unavailable" in browser) throw new UserError(`profile "${opening.profile}": vegas_browser = ${settings.browser}: ${browser.unavailable}`);
  const { argv, where } = browserCommand(browser, url, browserProfile ?? opening.profile, opening);
  const problem = await startBrowser(argv);
  if (problem !== undefined) return { problem: `${browser.name} ${problem}` };
  if (browser.kind === "safari") noteSharedSession(opening, "Safari");
  return { where };
}

/** The browser's argv for `url` in `browserProfile`, and where that is, for the person. */
export function browserCommand(browser: Browser, url: string, browserProfile: string, opening: Pick<ConsoleOpening, "settings" | "stateFolder" | "reporter">): { argv: string[]; where: string } {
  if (browser.kind === "safari") return { argv: ["open", "-a", browser.program, url], where: "Safari (which keeps one console session for every profile)" };
  if (browser.kind === "firefox" && opening.settings.firefoxContainers !== "off") {
    const addon = opening.settings.firefoxContainers;
    const scheme = addon === "granted" ? "ext+granted-containers" : "ext+container";
    const containerUrl = `${scheme}:name=${encodeURIComponent(browserProfile)}&url=${encodeURIComponent(url)}`;
    return { argv: [browser.program, containerUrl], where: `Firefox, container "${browserProfile}" (if Firefox asks what to do with the link, install ${addonName(addon)})` };
  }
  if (opening.stateFolder === undefined) throw new UserError("login: there is no state folder to keep browser profiles in (no home folder and no XDG_STATE_HOME): set XDG_STATE_HOME");
  const folder = prepareBrowserProfileFolder(opening.stateFolder, browserProfile);
  if (browser.kind === "firefox") return { argv: [browser.program, "-no-remote", "-profile", folder, url], where: `Firefox, profile "${browserProfile}" (${folder})` };
  return { argv: [browser.program, `--user-data-dir=${folder}`, "--no-first-run", "--no-default-browser-check", url], where: `${browser.name}, profile "${browserProfile}" (${folder})` };
}

/** The add-on that opens the container URL, and where to get it: Firefox cannot tell us whether it is there. */
function addonName(addon: "open-url-in-container" | "granted"): string {
  return addon === "granted" ? "the Granted add-on: addons.mozilla.org/firefox/addon/granted" : 'the "Open external links in a container" add-on: addons.mozilla.org/firefox/addon/open-url-in-container';
}

/**
 * Starts the browser on its own (its own session, no terminal, its output dropped: a browser may print the
 * URL, a credential). An exit with an error within BROWSER_PATIENCE_MS is the problem; a browser that hands
 * the URL to one already running exits 0.
 */
async function startBrowser(argv: readonly string[]): Promise<string | undefined> {
  let child: ReturnType<typeof Bun.spawn>;
  try {
    child = Bun.spawn([...argv], { stdin: "ignore", stdout: "ignore", stderr: "ignore", detached: true });
  } catch (error) {
    return (error as { code?: string }).code === "ENOENT" ? "is not installed" : "could not be started";
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const patience = new Promise<"running">((resolve) => {
    timer = setTimeout(() => resolve("running"), BROWSER_PATIENCE_MS);
  });
  const exitCode = await Promise.race([child.exited, patience]);
  clearTimeout(timer);
  if (exitCode === "running") {
    child.unref();
    return undefined;
  }
  return exitCode === 0 ? undefined : `exited with ${exitCode}`;
}

/**
 * A browser without profiles of ours keeps one console session: a sign-in as another profile replaces the
 * last one's. Said when it happens (another profile signed in there within the same sitting).
 */
function noteSharedSession(opening: ConsoleOpening, browser: string): void {
  if (opening.stateFolder === undefined) return;
  const fs = require("node:fs") as typeof import("node:fs");
  const path = joinPath(opening.stateFolder, CONSOLE_FOLDER, "shared-session");
  try {
    const last = JSON.parse(fs.readFileSync(path, "utf8")) as { profile?: unknown; at?: unknown };
    if (typeof last.profile === "string" && last.profile !== opening.profile && typeof last.at === "number" && Date.now() - last.at < SAME_SITTING_MS) {
      opening.reporter.notice(`${browser} keeps one console session: this sign-in replaced profile "${last.profile}"'s. To keep profiles side by side, set vegas_browser (chrome, chromium, brave, edge or firefox) on them`);
    }
  } catch {
    // No sign-in noted yet.
  }
  try {
    prepareSharedNote(opening.stateFolder);
    fs.writeFileSync(path, JSON.stringify({ profile: opening.profile, at: Date.now() }), { mode: 0o600 });
  } catch {
    // Only a note: login works without it.
  }
}

function prepareSharedNote(stateFolder: string): void {
  const fs = require("node:fs") as typeof import("node:fs");
  fs.mkdirSync(joinPath(stateFolder, CONSOLE_FOLDER), { recursive: true, mode: 0o700 });
}
