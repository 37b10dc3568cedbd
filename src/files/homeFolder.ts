import { UserError } from "../userError.ts";
import { isAbsolutePath } from "./joinPath.ts";
import type { Env } from "../environment.ts";

/**
 * The user's home folder: HOME (Windows: USERPROFILE), else the user's passwd entry. undefined when neither
 * gives an absolute path, as in a container that runs as an arbitrary uid: a relative one would put the
 * config and the cache in whatever directory the AWS tool was started from.
 */
export function homeFolder(env: Env): string | undefined {
  const fromEnv = process.platform === "win32" ? (env.USERPROFILE ?? env.HOME) : env.HOME;
  if (fromEnv) return isAbsolutePath(fromEnv) ? fromEnv : undefined;
  try {
    const fromPasswd = (require("node:os") as typeof import("node:os")).homedir();
    return fromPasswd && isAbsolutePath(fromPasswd) ? fromPasswd : undefined;
  } catch {
    return undefined;
  }
}

/** The home folder, or the one line that says what to set instead: `instead` names the variable (AWS_CONFIG_FILE…). */
export function requireHome(home: string | undefined, instead: string): string {
  if (home !== undefined) return home;
  const variable = process.platform === "win32" ? "USERPROFILE" : "HOME";
  throw new UserError(`${variable} is not set (or not an absolute path) and this user has no home folder: set ${variable}, or ${instead}`);
}
