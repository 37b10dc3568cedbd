import type { Env } from "../environment.ts";
import { joinPath } from "../files/joinPath.ts";
import type { Reporter } from "../output/reporter.ts";
import { prepareBrowserProfileFolder, prepareConsoleFolder } from "./browserProfileFolder.ts";
import type { ConsoleChoice } from "./consoleChoice.ts";
import { openInBrowser, startProgram } from "./openInBrowser.ts";

export interface ConsoleOpening {
  /** The AWS profile signed in, and its account (the default browser's note of who was last). */
  readonly profile: string;
  readonly account: string;
  readonly choice: ConsoleChoice;
  readonly env: Env;
  readonly stateFolder: string | undefined;
  readonly reporter: Reporter;
}

/** How long a browser started directly may take to fail (a bad flag, no display) before it is left to run. */
const BROWSER_PATIENCE_MS = 2_000;
/** Sign-ins of two profiles in a shared browser within this long: the second met the first's session. */
const SAME_SITTING_MS = 12 * 3600_000;
/** The page in a profile folder that sends the browser on to the sign-in URL (see launcherPage). */
export const LAUNCHER_PAGE = ".vegas-credentials-sign-in.html";

/** Where the console opened, for the person; or why nothing could be opened. */
export type Opened = { readonly where: string } | { readonly problem: string };

/**
 * Opens the sign-in URL: in the profile's own browser profile when vegas_browser is set (a user-data folder
 * for Chromium's kin, a container or a profile of ours for Firefox), else in the default browser, which keeps
 * one console session for every profile.
 */
export async function openConsole(url: string, opening: ConsoleOpening): Promise<Opened> {
  const { choice } = opening;
  if (choice.kind === "default") {
    const problem = await openInBrowser(url, opening.env);
    if (problem !== undefined) return { problem };
    noteSharedSession(opening, "default", "your default browser");
    return { where: "your default browser" };
  }
  const { argv, where } = browserCommand(choice, url, opening.stateFolder);
  // On its own (its own session, no terminal): it lives as long as the person keeps it.
  const problem = await startProgram(argv, { env: opening.env, patienceMs: BROWSER_PATIENCE_MS, detached: true });
  if (problem !== undefined) return { problem: `${choice.browser.name} ${problem}` };
  if (choice.kind === "safari") noteSharedSession(opening, "safari", "Safari");
  return { where };
}

/**
 * The browser's argv, and where that is, for the person. A browser started now runs as long as the person
 * keeps it, and its argv is readable by every user of the machine (ps): the sign-in URL, a credential, goes
 * into a page in the profile's own 0700 folder (beside the cookies it becomes), and the browser gets that
 * page's file URL. Firefox's container add-on takes only the URL itself.
 */
export function browserCommand(choice: Exclude<ConsoleChoice, { kind: "default" }>, url: string, stateFolder: string | undefined): { argv: string[]; where: string } {
  const { browser } = choice;
  if (choice.kind === "safari") return { argv: ["open", "-a", browser.program, url], where: "Safari (which keeps one console session for every profile)" };
  if (choice.kind === "container") {
    const scheme = choice.addon === "granted" ? "ext+granted-containers" : "ext+container";
    const containerUrl = `${scheme}:name=${encodeURIComponent(choice.browserProfile)}&url=${encodeURIComponent(url)}`;
    return { argv: [browser.program, containerUrl], where: `Firefox, container "${choice.browserProfile}" (if Firefox asks what to do with the link, install ${addonName(choice.addon)})` };
  }
  const folder = prepareBrowserProfileFolder(stateFolder ?? "", choice.browserKey, choice.browserProfile);
  const page = launcherPage(folder, url);
  if (browser.kind === "firefox") return { argv: [browser.program, "-profile", folder, page], where: `Firefox, profile "${choice.browserProfile}" (${folder})` };
  return { argv: [browser.program, `--user-data-dir=${folder}`, "--no-first-run", "--no-default-browser-check", page], where: `${browser.name}, profile "${choice.browserProfile}" (${folder})` };
}

/** A page (0600, in the profile's folder) that sends the browser straight on to `url`; its file:// URL. */
function launcherPage(folder: string, url: string): string {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = joinPath(folder, LAUNCHER_PAGE);
  // The last sign-in's page goes first: a new file, never written through a link left in its place.
  fs.rmSync(path, { force: true });
  const target = JSON.stringify(url).replace(/</g, "\\u003c");
  fs.writeFileSync(path, `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Signing in to the AWS console</title><script>location.replace(${target})</script>\n`, { mode: 0o600, flag: "wx" });
  return (require("node:url") as typeof import("node:url")).pathToFileURL(path).href;
}

/** The add-on that opens the container URL, and where to get it: Firefox cannot tell us whether it is there. */
function addonName(addon: "open-url-in-container" | "granted"): string {
  return addon === "granted" ? "the Granted add-on: addons.mozilla.org/firefox/addon/granted" : 'the "Open external links in a container" add-on: addons.mozilla.org/firefox/addon/open-url-in-container';
}

/**
 * A browser without profiles of ours keeps one console session: a sign-in as another profile replaces the last
 * one's, and the console refuses one of another account over it. Said when it happens (another profile signed
 * in to that browser within the same sitting); noted per browser, in the console folder.
 */
function noteSharedSession(opening: ConsoleOpening, key: string, browser: string): void {
  if (opening.stateFolder === undefined) return;
  const fs = require("node:fs") as typeof import("node:fs");
  let path: string;
  try {
    path = joinPath(prepareConsoleFolder(opening.stateFolder), `.shared-session-${key}`);
  } catch {
    // Only a note: login works without it.
    return;
  }
  try {
    const last = JSON.parse(fs.readFileSync(path, "utf8")) as { profile?: unknown; account?: unknown; at?: unknown };
    if (typeof last.profile === "string" && last.profile !== opening.profile && typeof last.at === "number" && Date.now() - last.at < SAME_SITTING_MS) {
      const otherAccount = last.account !== opening.account;
      opening.reporter.notice(
        otherAccount
          ? `${browser} keeps one console session, and it is profile "${last.profile}"'s, of another account: if the console refuses this sign-in, run login again with --logout-first. To keep profiles side by side, set vegas_browser (chrome, chromium, brave, edge or firefox) on them`
          : `${browser} keeps one console session: this sign-in replaced profile "${last.profile}"'s. To keep profiles side by side, set vegas_browser (chrome, chromium, brave, edge or firefox) on them`,
      );
    }
  } catch {
    // No sign-in noted yet.
  }
  try {
    fs.rmSync(path, { force: true });
    fs.writeFileSync(path, JSON.stringify({ profile: opening.profile, account: opening.account, at: Date.now() }), { mode: 0o600, flag: "wx" });
  } catch {
    // Only a note.
  }
}
