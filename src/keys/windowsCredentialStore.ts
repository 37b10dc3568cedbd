import { wideString } from "../files/windowsMachineGuid.ts";
import { UserError } from "../userError.ts";
import { KEY_SERVICE, type KeyStore } from "./keyStore.ts";
import { decodeStoredKey, encodeStoredKey, type KeyListing, listingOf, maskKeyId, type StoredKey } from "./storedKey.ts";

const NAME = "the Windows Credential Manager";
const CRED_TYPE_GENERIC = 1;
/** Kept across log-offs on this machine, never roamed to others with the profile. */
const CRED_PERSIST_LOCAL_MACHINE = 2;
const ERROR_NOT_FOUND = 1168;
const ERROR_NO_SUCH_LOGON_SESSION = 1312;
/** CREDENTIALW on 64-bit Windows (x64 and arm64): the offsets of the fields used, and its size. */
const CREDENTIAL = { type: 4, targetName: 8, comment: 16, blobSize: 32, blob: 40, persist: 48, userName: 72, size: 80 } as const;
const TARGET_PREFIX = `${KEY_SERVICE}:aws-access-key:`;

interface Advapi32 {
  CredWriteW(credential: Uint8Array, flags: number): number;
  CredReadW(target: Uint8Array, type: number, flags: number, credential: BigUint64Array): number;
  CredDeleteW(target: Uint8Array, type: number, flags: number): number;
  CredEnumerateW(filter: Uint8Array, flags: number, count: Uint32Array, credentials: BigUint64Array): number;
  CredFree(buffer: number): void;
}

/**
 * The Credential Manager (advapi32's Cred* functions through bun:ffi): one generic credential per profile,
 * named `vegas-credentials:aws-access-key:PROFILE`, its blob the key record, its user name the masked key ID
 * (what the Credential Manager window shows).
 */
export function windowsCredentialStore(): KeyStore {
  const loaded = load();
  const { advapi32, lastError, pointers } = loaded;
  const readRecord = (address: number): string => {
    const { read, toArrayBuffer } = pointers;
    const size = read.u32(address, CREDENTIAL.blobSize);
    const blob = read.ptr(address, CREDENTIAL.blob);
    return size === 0 || blob === 0 ? "" : new TextDecoder().decode(new Uint8Array(toArrayBuffer(blob, 0, size)).slice());
  };
  /** The record stored under the profile's target (matched without case, as Windows matches it); undefined: none. */
  const recordOf = (profile: string): string | undefined => {
    const found = new BigUint64Array(1);
    if (advapi32.CredReadW(wideString(TARGET_PREFIX + profile), CRED_TYPE_GENERIC, 0, found) === 0) {
      if (lastError() === ERROR_NO_SUCH_LOGON_SESSION) throw noSession();
      return undefined;
    }
    try {
      return readRecord(Number(found[0]));
    } finally {
      advapi32.CredFree(Number(found[0]));
    }
  };
  return {
    name: NAME,
    async read(profile) {
      const record = recordOf(profile);
      return record === undefined ? undefined : decodeStoredKey(record, profile);
    },
    async write(key: StoredKey) {
      // Target names are compared without case: Prod and prod would share one credential.
      const existing = recordOf(key.profile);
      const holder = existing === undefined ? undefined : listingOf(existing)?.profile;
      if (holder !== undefined && holder !== key.profile) {
        throw new UserError(`${NAME} already holds the key of profile "${holder}", whose name differs from "${key.profile}" only in case, and it tells such names apart no more than Windows does: rename one of the profiles`);
      }
      const { ptr } = pointers;
      const target = wideString(TARGET_PREFIX + key.profile);
      const comment = wideString(`AWS access key of profile ${key.profile}, for vegas-credentials`);
      const userName = wideString(maskKeyId(key.accessKeyId));
      const blob = new TextEncoder().encode(encodeStoredKey(key));
      const credential = new Uint8Array(CREDENTIAL.size);
      const view = new DataView(credential.buffer);
      view.setUint32(CREDENTIAL.type, CRED_TYPE_GENERIC, true);
      view.setBigUint64(CREDENTIAL.targetName, BigInt(ptr(target)), true);
      view.setBigUint64(CREDENTIAL.comment, BigInt(ptr(comment)), true);
      view.setUint32(CREDENTIAL.blobSize, blob.length, true);
      view.setBigUint64(CREDENTIAL.blob, BigInt(ptr(blob)), true);
      view.setUint32(CREDENTIAL.persist, CRED_PERSIST_LOCAL_MACHINE, true);
      view.setBigUint64(CREDENTIAL.userName, BigInt(ptr(userName)), true);
      const written = advapi32.CredWriteW(credential, 0);
      // The buffers the structure points into stay alive until here.
      blob.fill(0);
      if (written === 0) {
        const code = lastError();
        if (code === ERROR_NO_SUCH_LOGON_SESSION) throw noSession();
        throw new UserError(`${NAME} refused to store the key of profile "${key.profile}"${code === 0 ? "" : ` (error ${code})`}: check that your account can save credentials (Control Panel, Credential Manager)`);
      }
      void [target, comment, userName];
    },
    async remove(profile) {
      if (advapi32.CredDeleteW(wideString(TARGET_PREFIX + profile), CRED_TYPE_GENERIC, 0) !== 0) return true;
      const code = lastError();
      if (code === ERROR_NO_SUCH_LOGON_SESSION) throw noSession();
      if (code !== 0 && code !== ERROR_NOT_FOUND) throw new UserError(`${NAME} could not remove the key of profile "${profile}" (error ${code})`);
      return false;
    },
    async list(): Promise<KeyListing[]> {
      return eachCredential(loaded, `${TARGET_PREFIX}*`, (address) => listingOf(readRecord(address)));
    },
  };
}

/**
 * What `visit` makes of each credential whose target matches `filter` (CredEnumerateW's: a trailing *), read
 * while the list is still allocated; undefined leaves one out.
 */
function eachCredential<T>(loaded: Loaded, filter: string, visit: (address: number) => T | undefined): T[] {
  const { advapi32, lastError, pointers } = loaded;
  const count = new Uint32Array(1);
  const list = new BigUint64Array(1);
  if (advapi32.CredEnumerateW(wideString(filter), 0, count, list) === 0) {
    if (lastError() === ERROR_NO_SUCH_LOGON_SESSION) throw noSession();
    return [];
  }
  const found: T[] = [];
  try {
    for (let index = 0; index < (count[0] ?? 0); index++) {
      const made = visit(pointers.read.ptr(Number(list[0]), index * 8));
      if (made !== undefined) found.push(made);
    }
  } finally {
    advapi32.CredFree(Number(list[0]));
  }
  return found;
}

/** A generic credential another program wrote (aws-vault's and granted's keyring library: its blob is the key). */
export interface GenericCredential {
  readonly target: string;
  readonly blob: Uint8Array;
}

/** The generic credentials whose target starts with `prefix` (exactly, as the keyring library compares it). */
export function genericCredentials(prefix: string): { list(): GenericCredential[]; remove(target: string): void } {
  const loaded = load();
  const { advapi32, lastError, pointers } = loaded;
  const { read, toArrayBuffer } = pointers;
  return {
    list() {
      return eachCredential(loaded, `${prefix}*`, (credential) => {
        if (read.u32(credential, CREDENTIAL.type) !== CRED_TYPE_GENERIC) return undefined;
        const target = wideStringAt(read.ptr(credential, CREDENTIAL.targetName), read);
        const size = read.u32(credential, CREDENTIAL.blobSize);
        const blob = read.ptr(credential, CREDENTIAL.blob);
        return target.startsWith(prefix) ? { target, blob: size === 0 || blob === 0 ? new Uint8Array() : new Uint8Array(toArrayBuffer(blob, 0, size)).slice() } : undefined;
      });
    },
    remove(target) {
      if (advapi32.CredDeleteW(wideString(target), CRED_TYPE_GENERIC, 0) !== 0) return;
      const code = lastError();
      if (code !== ERROR_NOT_FOUND) throw new UserError(`${NAME} could not remove ${target}${code === 0 ? "" : ` (error ${code})`}`);
    },
  };
}

/** A NUL-terminated UTF-16 string in native memory (a target name is at most 32767 characters). */
function wideStringAt(address: number, read: typeof import("bun:ffi").read): string {
  const units: number[] = [];
  for (let at = 0; address !== 0 && at < 32_767; at++) {
    const unit = read.u16(address, at * 2);
    if (unit === 0) break;
    units.push(unit);
  }
  return String.fromCharCode(...units);
}

function noSession(): UserError {
  return new UserError(`${NAME} has no store for this logon session (a service account, or a session without a profile): run as your own user, or use vegas_keys = file`);
}

type Loaded = ReturnType<typeof load>;

function load() {
  const ffi = require("bun:ffi") as typeof import("bun:ffi");
  const { dlopen, FFIType } = ffi;
  let advapi32: Advapi32;
  let kernel32: { GetLastError(): number };
  try {
    advapi32 = dlopen("advapi32.dll", {
      CredWriteW: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
      CredReadW: { args: [FFIType.ptr, FFIType.u32, FFIType.u32, FFIType.ptr], returns: FFIType.i32 },
      CredDeleteW: { args: [FFIType.ptr, FFIType.u32, FFIType.u32], returns: FFIType.i32 },
      CredEnumerateW: { args: [FFIType.ptr, FFIType.u32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      CredFree: { args: [FFIType.ptr], returns: FFIType.void },
    }).symbols as unknown as Advapi32;
    kernel32 = dlopen("kernel32.dll", { GetLastError: { args: [], returns: FFIType.u32 } }).symbols as unknown as { GetLastError(): number };
  } catch {
    throw new UserError(`${NAME} cannot be opened (advapi32.dll did not load): use vegas_keys = file`);
  }
  // Read at once after a failed call; the runtime may have reset it (0), which then says nothing.
  return { advapi32, lastError: () => kernel32.GetLastError(), pointers: { ptr: ffi.ptr, read: ffi.read, toArrayBuffer: ffi.toArrayBuffer } };
}
