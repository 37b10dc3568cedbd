import { requireHome } from "../files/homeFolder.ts";
import { isAbsolutePath, joinPathOn } from "../files/joinPath.ts";

/**
 * Where entries live: `$XDG_CACHE_HOME/vegas-credentials` when set (any OS), else the platform's own cache
 * folder: ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows.
 */
export function cacheFolderPath(env: Record<string, string | undefined>, home: string | undefined, platform = process.platform): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says relative paths are invalid and must be ignored.
  if (xdg && isAbsolutePath(xdg)) return joinPathOn(platform, xdg, "vegas-credentials");
  if (platform === "win32" && env.LOCALAPPDATA && isAbsolutePath(env.LOCALAPPDATA)) return joinPathOn(platform, env.LOCALAPPDATA, "vegas-credentials", "cache");
  const base = requireHome(home, "XDG_CACHE_HOME to a folder of yours");
  if (platform === "darwin") return joinPathOn(platform, base, "Library", "Caches", "vegas-credentials");
  if (platform === "win32") return joinPathOn(platform, base, "AppData", "Local", "vegas-credentials", "cache");
  return joinPathOn(platform, base, ".cache", "vegas-credentials");
}
