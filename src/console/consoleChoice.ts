import type { RoleProfile } from "../config/roleProfile.ts";
import { checkBrowserProfile, FIREFOX_CONTAINER_ADDONS } from "../config/settingChecks.ts";
import type { Env } from "../environment.ts";
import { UserError } from "../userError.ts";
import { browserProfileFolder } from "./browserProfileFolder.ts";
import { type Browser, findBrowser } from "./browsers.ts";

/** How `login` will open the console, checked before any MFA code is asked for. */
export type ConsoleChoice =
  | { readonly kind: "default" }
  | { readonly kind: "safari"; readonly browser: Browser }
  | { readonly kind: "container"; readonly browser: Browser; readonly browserProfile: string; readonly addon: "open-url-in-container" | "granted" }
  | { readonly kind: "folder"; readonly browser: Browser; readonly browserProfile: string; readonly browserKey: string; readonly folder: string };

/**
 * The profile's console settings read and checked (each refusal names the profile, the key and the file):
 * the default browser, or a browser and the browser profile in it (`override`: --browser-profile).
 */
export function chooseConsole(profile: RoleProfile, override: string | undefined, env: Env, stateFolder: string | undefined): ConsoleChoice {
  const { browser: setting, firefoxContainers } = profile.console;
  const where = (from: string, key: string) => `profile "${from}" in ${profile.configFile}: ${key}`;
  if (setting === undefined) {
    if (override !== undefined) throw new UserError(`login --browser-profile: profile "${profile.name}" has no vegas_browser: set it (chrome, chromium, brave, edge or firefox) to open the console in a browser profile`, 2);
    return { kind: "default" };
  }
  const browser = findBrowser(setting.value, env);
  if ("unavailable" in browser) throw new UserError(`${where(setting.from, "vegas_browser")} ${browser.unavailable}`);
  if (browser.kind === "safari") return { kind: "safari", browser };
  const browserProfile = override ?? profile.console.browserProfile ?? profile.name;
  const problem = checkBrowserProfile(browserProfile);
  if (problem !== undefined) throw new UserError(override !== undefined ? `login --browser-profile: ${problem}` : `${where(profile.name, "vegas_browser_profile")} ${problem}`, 2);
  const containers = firefoxContainers?.value ?? "open-url-in-container";
  if (!(FIREFOX_CONTAINER_ADDONS as readonly string[]).includes(containers)) {
    throw new UserError(`${where(firefoxContainers?.from ?? profile.name, "vegas_firefox_containers")} "${containers.slice(0, 40)}" is not one of open-url-in-container (the "Open external links in a container" add-on), granted (granted's add-on) or off (a Firefox profile of our own per AWS profile)`);
  }
  if (browser.kind === "firefox" && containers !== "off") return { kind: "container", browser, browserProfile, addon: containers as "open-url-in-container" | "granted" };
  if (stateFolder === undefined) throw new UserError("login: there is no state folder to keep browser profiles in (no home folder and no XDG_STATE_HOME): set XDG_STATE_HOME");
  const browserKey = browserKeyOf(browser);
  return { kind: "folder", browser, browserProfile, browserKey, folder: browserProfileFolder(stateFolder, browserKey, browserProfile) };
}

/** The folder each browser keeps its profiles in: its name, or its program's file name. */
function browserKeyOf(browser: Browser): string {
  const name = browser.name.split(/[\\/]/).at(-1) ?? "browser";
  return name.replace(/\.exe$/i, "").toLowerCase().replace(/[^a-z0-9_-]/g, "-") || "browser";
}
