/**
 * macOS: the hardware UUID (what `ioreg` shows as IOPlatformUUID) from gethostuuid(2) in libSystem, through
 * bun:ffi: no child process on the hot path. undefined when the call fails.
 */
export function readHostUuid(): string | undefined {
  const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
  let library: { symbols: { gethostuuid: (id: Uint8Array, wait: BigInt64Array) => number } };
  try {
    library = dlopen("/usr/lib/libSystem.B.dylib", { gethostuuid: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 } }) as typeof library;
  } catch {
    return undefined;
  }
  const id = new Uint8Array(16);
  // struct timespec { tv_sec, tv_nsec }: wait at most 5 s for the kernel to learn the UUID at boot.
  const wait = new BigInt64Array([5n, 0n]);
  return library.symbols.gethostuuid(id, wait) === 0 ? uuidText(id) : undefined;
}

/** 16 bytes as uuid_unparse_upper writes them (and ioreg shows them): 8-4-4-4-12 upper-case hex. */
export function uuidText(bytes: Uint8Array): string | undefined {
  if (bytes.length !== 16 || bytes.every((byte) => byte === 0)) return undefined;
  const hex = Buffer.from(bytes).toString("hex").toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
