/** The AWS config file the AWS tools use: `AWS_CONFIG_FILE` (with `~` expanded, as botocore does), else `~/.aws/config`. */
export function configFilePath(env: Record<string, string | undefined>, home: string): string {
  const configured = env.AWS_CONFIG_FILE;
  if (configured) return expandHome(configured, home);
  return joinPath(home, ".aws", "config");
}

export function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/") || path.startsWith("~\\")) return joinPath(home, path.slice(2));
  return path;
}

/** `node:path` costs start-up time on the cache-hit path; this is all it is needed for. */
export function joinPath(...parts: string[]): string {
  const separator = process.platform === "win32" ? "\\" : "/";
  return parts
    .filter((part) => part !== "")
    .map((part, index) => (index === 0 ? part.replace(/[\\/]+$/, "") : part.replace(/^[\\/]+|[\\/]+$/g, "")))
    .join(separator);
}

export function homeFolder(env: Record<string, string | undefined>): string {
  const home = process.platform === "win32" ? (env.USERPROFILE ?? env.HOME) : env.HOME;
  if (home) return home;
  const os = require("node:os") as typeof import("node:os");
  return os.homedir();
}
