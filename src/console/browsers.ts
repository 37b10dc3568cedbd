import { isAbsolutePath } from "../files/joinPath.ts";
import { findProgram, isExecutableFile } from "../mfa/findProgram.ts";
import type { Env } from "../environment.ts";

/** How a browser keeps AWS profiles apart: a user-data folder (Chromium's kin), a container or profile (Firefox), or not at all. */
export type BrowserKind = "chromium" | "firefox" | "safari";

/** A browser this machine has: what kind it is, its name for messages, and the program to start. */
export interface Browser {
  readonly kind: BrowserKind;
  readonly name: string;
  readonly program: string;
}

interface KnownBrowser {
  readonly kind: BrowserKind;
  /** Where installers put it, by OS (%VARIABLE% expanded from the environment on Windows). */
  readonly places: Partial<Record<NodeJS.Platform, readonly string[]>>;
  /** Its names on PATH, tried after the usual places. */
  readonly commands: readonly string[];
}

const WINDOWS_PROGRAM_FILES = ["%ProgramFiles%", "%ProgramFiles(x86)%", "%LOCALAPPDATA%"];
const onWindows = (...paths: string[]) => WINDOWS_PROGRAM_FILES.flatMap((root) => paths.map((path) => `${root}\\${path}`));

const KNOWN: Readonly<Record<string, KnownBrowser>> = {
  chrome: {
    kind: "chromium",
    places: { linux: ["/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/opt/google/chrome/chrome"], darwin: ["/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"], win32: onWindows("Google\\Chrome\\Application\\chrome.exe") },
    commands: ["google-chrome", "google-chrome-stable", "chrome"],
  },
  chromium: {
    kind: "chromium",
    places: { linux: ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium"], darwin: ["/Applications/Chromium.app/Contents/MacOS/Chromium"], win32: onWindows("Chromium\\Application\\chrome.exe") },
    commands: ["chromium", "chromium-browser"],
  },
  brave: {
    kind: "chromium",
    places: { linux: ["/usr/bin/brave-browser", "/opt/brave.com/brave/brave"], darwin: ["/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"], win32: onWindows("BraveSoftware\\Brave-Browser\\Application\\brave.exe") },
    commands: ["brave-browser", "brave"],
  },
  edge: {
    kind: "chromium",
    places: { linux: ["/usr/bin/microsoft-edge", "/usr/bin/microsoft-edge-stable", "/opt/microsoft/msedge/msedge"], darwin: ["/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"], win32: onWindows("Microsoft\\Edge\\Application\\msedge.exe") },
    commands: ["microsoft-edge", "microsoft-edge-stable", "msedge"],
  },
  firefox: {
    kind: "firefox",
    places: { linux: ["/usr/bin/firefox", "/usr/bin/firefox-esr", "/snap/bin/firefox"], darwin: ["/Applications/Firefox.app/Contents/MacOS/firefox"], win32: onWindows("Mozilla Firefox\\firefox.exe") },
    commands: ["firefox", "firefox-esr"],
  },
  safari: { kind: "safari", places: { darwin: ["/Applications/Safari.app"] }, commands: [] },
};

/**
 * The browser vegas_browser names: by name, where its installer puts it on this OS and then on PATH; or a
 * path, whose file name says what kind it is. Why none when there is none.
 */
export function findBrowser(setting: string, env: Env, platform: NodeJS.Platform = process.platform): Browser | { unavailable: string } {
  if (isAbsolutePath(setting)) {
    const kind = kindOfPath(setting);
    if (kind === undefined) return { unavailable: `cannot tell which browser ${setting} is: its file name should say (chrome, chromium, brave, edge, msedge, firefox), or set vegas_browser to one of those names` };
    if (kind === "safari" && platform !== "darwin") return { unavailable: "Safari is only on macOS" };
    if (kind !== "safari" && !isExecutableFile(setting)) return { unavailable: `${setting} is not a program that can be run` };
    return { kind, name: setting, program: setting };
  }
  const known = Object.hasOwn(KNOWN, setting) ? KNOWN[setting] : undefined;
  if (known === undefined) {
    // A command on PATH (google-chrome, brave-browser, firefox-esr…), whose name says what kind it is.
    const kind = kindOfPath(setting);
    const program = kind === undefined || kind === "safari" ? undefined : findProgram(setting, env, [], [".exe"]);
    if (kind === undefined) return { unavailable: `"${setting}" is not a browser this tool knows: write chrome, chromium, brave, edge, firefox or safari, or the full path of the browser's program` };
    if (program === undefined) return { unavailable: `${setting} is not on PATH: install it, or set vegas_browser to its full path` };
    return { kind, name: setting, program };
  }
  if (known.kind === "safari" && platform !== "darwin") return { unavailable: "Safari is only on macOS" };
  const installed = (known.places[platform] ?? known.places.linux ?? []).map((place) => expandVariables(place, env)).find((place) => place !== undefined && (known.kind === "safari" || isExecutableFile(place)));
  const program = installed ?? known.commands.map((command) => findProgram(command, env, [], [".exe"])).find((found) => found !== undefined);
  if (program === undefined) return { unavailable: `${setting} is not installed (looked in the usual places and on PATH): install it, or set vegas_browser to its full path` };
  return { kind: known.kind, name: setting, program };
}

/** What kind of browser a program is, by its file name. */
export function kindOfPath(path: string): BrowserKind | undefined {
  const name = path.split(/[\\/]/).at(-1)?.toLowerCase() ?? "";
  if (name.includes("firefox")) return "firefox";
  if (name.includes("safari")) return "safari";
  if (/chrom|brave|edge|vivaldi|opera/.test(name)) return "chromium";
  return undefined;
}

/** %NAME% from the environment (Windows' install paths); undefined when a variable is not set. */
function expandVariables(path: string, env: Env): string | undefined {
  let missing = false;
  const expanded = path.replace(/%([^%]+)%/g, (_match, name: string) => {
    const value = env[name] ?? Object.entries(env).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    if (value === undefined || value === "") missing = true;
    return value ?? "";
  });
  return missing ? undefined : expanded;
}
