/** HKEY_LOCAL_MACHINE as winreg.h defines it: (HKEY)(ULONG_PTR)(LONG)0x80000002, sign-extended on 64-bit. */
const HKEY_LOCAL_MACHINE = 0xffffffff80000002n;
/** RRF_RT_REG_SZ | RRF_SUBKEY_WOW6464KEY: a string, from the 64-bit view even for a 32-bit reader. */
const FLAGS = 0x2 | 0x10000;
const ERROR_SUCCESS = 0;

/**
 * Windows: MachineGuid (HKLM\SOFTWARE\Microsoft\Cryptography), the id `reg query` shows, from RegGetValueW in
 * advapi32 through bun:ffi: no child process on the hot path. undefined when it cannot be read.
 */
export function readMachineGuid(): string | undefined {
  const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
  type RegGetValueW = (key: bigint, subKey: Uint8Array, value: Uint8Array, flags: number, type: null, data: Uint8Array, size: Uint32Array) => number;
  let library: { symbols: { RegGetValueW: RegGetValueW } };
  try {
    library = dlopen("advapi32.dll", {
      RegGetValueW: { args: [FFIType.u64, FFIType.ptr, FFIType.ptr, FFIType.u32, FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
    }) as typeof library;
  } catch {
    return undefined;
  }
  const data = new Uint8Array(256);
  const size = new Uint32Array([data.length]);
  const status = library.symbols.RegGetValueW(HKEY_LOCAL_MACHINE, wideString("SOFTWARE\\Microsoft\\Cryptography"), wideString("MachineGuid"), FLAGS, null, data, size);
  return status === ERROR_SUCCESS ? fromWideString(data.subarray(0, size[0])) : undefined;
}

/** A NUL-terminated UTF-16LE string, as the W functions take them. */
export function wideString(text: string): Uint8Array {
  const bytes = new Uint8Array((text.length + 1) * 2);
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    bytes[index * 2] = unit & 0xff;
    bytes[index * 2 + 1] = unit >> 8;
  }
  return bytes;
}

/** UTF-16LE bytes up to the first NUL; undefined when empty. */
export function fromWideString(bytes: Uint8Array): string | undefined {
  let text = "";
  for (let index = 0; index + 1 < bytes.length; index += 2) {
    const unit = (bytes[index] ?? 0) | ((bytes[index + 1] ?? 0) << 8);
    if (unit === 0) break;
    text += String.fromCharCode(unit);
  }
  return text === "" ? undefined : text;
}
