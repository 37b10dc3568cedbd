import { cacheFolderPath } from "../cache/cacheFolder.ts";
import { configFilePath, expandHome, joinPath } from "../config/configFilePath.ts";
import { LOG_FILE } from "../log/runLog.ts";
import { findDialog } from "../mfa/findDialog.ts";
import { findYkman } from "../mfa/ykman.ts";
import { stateFolderPath } from "../log/stateFolder.ts";

type Env = Record<string, string | undefined>;

/** Where everything is: the files read, the folders written. */
export interface Places {
  readonly configFile: string;
  readonly credentialsFile: string;
  readonly cacheFolder: string;
  readonly stateFolder: string;
  readonly logFile: string;
}

export function places(env: Env, home: string): Places {
  const stateFolder = stateFolderPath(env, home);
  return {
    configFile: configFilePath(env, home),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE ? expandHome(env.AWS_SHARED_CREDENTIALS_FILE, home) : joinPath(home, ".aws", "credentials"),
    cacheFolder: cacheFolderPath(env, home),
    stateFolder,
    logFile: joinPath(stateFolder, LOG_FILE),
  };
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

export function describeFile(path: string): string {
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

export function describeYkman(env: Env): string {
  return findYkman(env) ?? "not found: YubiKey codes need ykman (YubiKey Manager CLI) on PATH";
}
