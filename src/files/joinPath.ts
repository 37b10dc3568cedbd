/** `node:path` costs start-up time on the cache-hit path; this is all it is needed for. */
export function joinPath(...parts: string[]): string {
  return joinPathOn(process.platform, ...parts);
}

/** As joinPath, with the separator of `platform` (tests of another OS's folders). */
export function joinPathOn(platform: NodeJS.Platform, ...parts: string[]): string {
  const separator = platform === "win32" ? "\\" : "/";
  return parts
    .filter((part) => part !== "")
    .map((part, index) => (index === 0 ? part.replace(/[\\/]+$/, "") : part.replace(/^[\\/]+|[\\/]+$/g, "")))
    .join(separator);
}

/** Absolute on this OS (or a Windows drive path): a relative one would resolve in the caller's working directory. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}
