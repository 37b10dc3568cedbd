import { joinPath } from "../config/configFilePath.ts";

/**
 * Where the log lives: `$XDG_STATE_HOME/vegas-credentials` when set (any OS), else the platform's own place:
 * ~/.local/state on Linux, ~/Library/Logs on macOS, %LOCALAPPDATA% on Windows.
 */
export function stateFolderPath(env: Record<string, string | undefined>, home: string, platform = process.platform): string {
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec says relative paths are invalid and must be ignored.
  if (xdg && (xdg.startsWith("/") || /^[A-Za-z]:[\\/]/.test(xdg))) return joinPath(xdg, "vegas-credentials");
  if (platform === "darwin") return joinPath(home, "Library", "Logs", "vegas-credentials");
  if (platform === "win32") return joinPath(env.LOCALAPPDATA || joinPath(home, "AppData", "Local"), "vegas-credentials", "state");
  return joinPath(home, ".local", "state", "vegas-credentials");
}
