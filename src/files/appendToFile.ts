/**
 * Appends text to a file (created 0600), one write(2) on an O_APPEND descriptor so that parallel runs never
 * interleave their lines. `node:fs` costs ~5 ms at start-up in a compiled binary and every cache hit writes a
 * log line, so on Linux the file is opened through bun:ffi (~1 ms) and written by Bun itself.
 * False when the file cannot be opened (its folder is missing, say).
 */
export async function appendToFile(path: string, text: string): Promise<boolean> {
  const open = loadOpen();
  if (open === undefined) return appendWithNodeFs(path, text);
  const fd = open(path);
  if (fd < 0) return false;
  await Bun.write(Bun.file(fd), text);
  return true;
}

type OpenForAppend = (path: string) => number;

const O_WRONLY = 0o1;
const O_CREAT = 0o100;
const O_APPEND = 0o2000;
const O_CLOEXEC = 0o2000000;
// Linux only: open(2) is variadic, which macOS arm64 passes on the stack (so not through a fixed FFI signature).
const LIBRARIES = ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc.so"];

function loadOpen(): OpenForAppend | undefined {
  if (process.platform !== "linux") return undefined;
  const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
  for (const library of LIBRARIES) {
    try {
      const { symbols } = dlopen(library, { open: { args: [FFIType.cstring, FFIType.i32, FFIType.u32], returns: FFIType.i32 } });
      return (path) => symbols.open(Buffer.from(`${path}\0`), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600);
    } catch {
      // Not this name: try the next.
    }
  }
  return undefined;
}

function appendWithNodeFs(path: string, text: string): boolean {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    fs.appendFileSync(path, text, { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}
