import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * The full path of `program` on PATH, else in `places` (where installers put it but PATH often misses it,
 * as under a GUI app launched from the dock); undefined when it is nowhere. On Windows a name without an
 * extension is tried with each of `extensions` first.
 */
export function findProgram(program: string, env: Record<string, string | undefined>, places: readonly string[] = [], extensions: readonly string[] = [".exe", ".cmd"]): string | undefined {
  const folders = (env.PATH ?? env.Path ?? "").split(delimiter).filter((folder) => folder !== "");
  const names = process.platform === "win32" && !/\.\w+$/.test(program) ? [...extensions.map((extension) => program + extension), program] : [program];
  for (const folder of [...folders, ...places]) {
    for (const name of names) {
      const path = join(folder, name);
      if (isExecutableFile(path)) return path;
    }
  }
  return undefined;
}

/** A regular file this user may run (on Windows, where there is no execute bit, a regular file). */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
