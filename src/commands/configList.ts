import { cacheFolderPath } from "../cache/cacheFolder.ts";
import { configFilePath, expandHome } from "../config/configFilePath.ts";
import { requireHome } from "../files/homeFolder.ts";
import { joinPath } from "../files/joinPath.ts";
import { isUserError, UserError } from "../userError.ts";
import { LOG_FILE } from "../log/runLog.ts";
import { findDialog } from "../mfa/findDialog.ts";
import { findYkman } from "../mfa/ykman.ts";
import { findProgram } from "../mfa/findProgram.ts";
import { osStoreName } from "../keys/openKeyStore.ts";
import { stateFolderPath } from "../log/stateFolder.ts";
import type { Env } from "../environment.ts";

/** A path, or why there is none (no home folder, and no variable that names it instead). */
export type Place = string | { readonly unknown: string };

/** Where everything is: the files read, the folders written. */
export interface Places {
  readonly configFile: Place;
  readonly credentialsFile: Place;
  readonly cacheFolder: Place;
  readonly stateFolder: Place;
  readonly logFile: Place;
}

export function places(env: Env, home: string | undefined): Places {
  const stateFolder = stateFolderPath(env, home);
  const noLog = { unknown: "none: no home folder and no XDG_STATE_HOME, so runs are not logged" };
  return {
    configFile: place(() => configFilePath(env, home)),
    credentialsFile: place(() =>
      env.AWS_SHARED_CREDENTIALS_FILE
        ? expandHome(env.AWS_SHARED_CREDENTIALS_FILE, home, "AWS_SHARED_CREDENTIALS_FILE")
        : joinPath(requireHome(home, "AWS_SHARED_CREDENTIALS_FILE"), ".aws", "credentials"),
    ),
    cacheFolder: place(() => cacheFolderPath(env, home)),
    stateFolder: stateFolder ?? noLog,
    logFile: stateFolder === undefined ? noLog : joinPath(stateFolder, LOG_FILE),
  };
}

function place(find: () => string): Place {
  try {
    return find();
  } catch (error) {
    if (isUserError(error)) return { unknown: error.message };
    throw error;
  }
}

/** The path of a place a command needs, or its one line when there is none. */
export function pathOf(where: Place): string {
  if (typeof where === "string") return where;
  throw new UserError(where.unknown);
}

/** True when a prompt could be shown: the controlling terminal opens (under an IDE or cron it does not). */
export function terminalAvailable(): boolean {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    fs.closeSync(fs.openSync(process.platform === "win32" ? "CONIN$" : "/dev/tty", "r+"));
    return true;
  } catch {
    return false;
  }
}

export function describeFile(where: Place): string {
  if (typeof where !== "string") return `unknown: ${where.unknown}`;
  const path = where;
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    const stat = fs.statSync(path);
    return stat.isDirectory() ? path : `${path} (${stat.size} bytes)`;
  } catch {
    return `${path} (not there yet)`;
  }
}

/** The dialog program a prompt would open now, or why none would. */
export function describeDialog(env: Env, gui: boolean): string {
  const dialog = findDialog(env, gui);
  return "driver" in dialog ? `${dialog.driver.program} (${dialog.path})` : `none: ${dialog.unavailable}`;
}

/** The OS's keystore and whether it can be reached from here (nothing is opened: this reads the environment). */
export function describeOsKeyStore(env: Env, platform: NodeJS.Platform = process.platform): string {
  const name = osStoreName(platform);
  if (platform === "win32") return `${name} (advapi32)`;
  if (platform === "darwin") return `${name} (/usr/bin/security)`;
  const tool = findProgram("secret-tool", env, ["/usr/bin"]);
  if (tool === undefined) return `${name}: not usable here, secret-tool not found (Debian: libsecret-tools)`;
  if (!env.DBUS_SESSION_BUS_ADDRESS && !env.DISPLAY) return `${name}: not usable here, no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS)`;
  return `${name} (${tool})`;
}

export function describeYkman(env: Env): string {
  return findYkman(env) ?? "not found: YubiKey codes need ykman (YubiKey Manager CLI) on PATH";
}
