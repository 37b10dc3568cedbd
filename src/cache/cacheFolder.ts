import { joinPath } from "../config/configFilePath.ts";

/**
 * Where entries live: `$XDG_CACHE_HOME/vegas-credentials` when set (any OS), else the platform's own cache
 * folder: ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows.
 */
export function cacheFolderPath(env: Record<string, string | undefined>, home: string, platform = process.platform): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says relative paths are invalid and must be ignored.
  if (xdg && (xdg.startsWith("/") || /^[A-Za-z]:[\\/]/.test(xdg))) return joinPath(xdg, "vegas-credentials");
  if (platform === "darwin") return joinPath(home, "Library", "Caches", "vegas-credentials");
  if (platform === "win32") return joinPath(env.LOCALAPPDATA || joinPath(home, "AppData", "Local"), "vegas-credentials", "cache");
  return joinPath(home, ".cache", "vegas-credentials");
}
