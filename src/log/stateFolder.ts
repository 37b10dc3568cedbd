import { isAbsolutePath, joinPathOn } from "../files/joinPath.ts";

/**
 * Where the log lives: `$XDG_STATE_HOME/vegas-credentials` when set (any OS), else the platform's own place:
 * ~/.local/state on Linux, ~/Library/Logs on macOS, %LOCALAPPDATA% on Windows. undefined with no home
 * folder and no XDG_STATE_HOME: then there is no log.
 */
export function stateFolderPath(env: Record<string, string | undefined>, home: string | undefined, platform = process.platform): string | undefined {
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec says relative paths are invalid and must be ignored.
  if (xdg && isAbsolutePath(xdg)) return joinPathOn(platform, xdg, "vegas-credentials");
  if (platform === "win32" && env.LOCALAPPDATA && isAbsolutePath(env.LOCALAPPDATA)) return joinPathOn(platform, env.LOCALAPPDATA, "vegas-credentials", "state");
  if (home === undefined) return undefined;
  if (platform === "darwin") return joinPathOn(platform, home, "Library", "Logs", "vegas-credentials");
  if (platform === "win32") return joinPathOn(platform, home, "AppData", "Local", "vegas-credentials", "state");
  return joinPathOn(platform, home, ".local", "state", "vegas-credentials");
}
