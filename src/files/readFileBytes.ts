import { FileError } from "./fileError.ts";

/**
 * Reads a small file without loading `node:fs`, which costs ~7 ms at start-up in a compiled binary:
 * the cache-hit path reads the config through here (following links, as the AWS tools do). Returns undefined
 * when the file does not exist; a FileError (a UserError naming the path) when it cannot be read.
 */
export function readFileBytes(path: string): Uint8Array | undefined {
  try {
    // Copy out of the mapping at once: the file may be replaced (never truncated in place) later.
    return Bun.mmap(path, { shared: false }).slice();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    // mmap refuses empty files and some file systems: fall back to an ordinary read.
    return readWithNodeFs(path);
  }
}

function readWithNodeFs(path: string): Uint8Array | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    return new Uint8Array(fs.readFileSync(path));
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EIO";
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new FileError(code, path, "read");
  }
}

export function readFileText(path: string): string | undefined {
  const bytes = readFileBytes(path);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
