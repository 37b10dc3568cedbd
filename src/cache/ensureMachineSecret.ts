import { randomBytes } from "@noble/ciphers/utils.js";
import { joinPath } from "../files/joinPath.ts";
import { UserError } from "../userError.ts";
import { listFolder } from "./ensurePrivateFolder.ts";
import { MACHINE_SECRET_LENGTH, type MachineSecret, readMachineSecret } from "./machineSecret.ts";
import { linkNewFile, unlinkQuietly } from "./writeFileAtomically.ts";

/**
 * The 32-byte random machine secret, created once per user atomically (two runs never make two). A secret
 * that group or others could read is not used: the entries sealed under it are removed with it and a new
 * cache starts, which `warn` says.
 */
export function ensureMachineSecret(folder: string, path: string, warn: (message: string) => void): Uint8Array {
  const found = readMachineSecret(path);
  return found.state === "usable" ? found.bytes : replaceMachineSecret(folder, path, found, warn);
}

/**
 * Makes the secret that `found` (read a moment ago) says is missing or unusable. Other runs may be doing the
 * same right now: whichever links its secret first wins, and the rest take that one.
 */
export function replaceMachineSecret(folder: string, path: string, found: Exclude<MachineSecret, { state: "usable" }>, warn: (message: string) => void): Uint8Array {
  if (found.state === "exposed") {
    warn(`the machine secret ${path} could be read by other users: not using it; starting a new cache (the next runs ask for MFA codes again)`);
    removeSealedFiles(folder);
  }
  // Another run may have made or replaced it since `found` was read: removing theirs would leave two secrets in
  // use at once (two keys, two lock names: two prompts). Take theirs; remove only what is still unusable.
  const now = readMachineSecret(path);
  if (now.state === "usable") return now.bytes;
  if (now.state !== "missing") unlinkQuietly(path);
  // Whichever run links its secret first wins; the others read that one.
  linkNewFile(path, randomBytes(MACHINE_SECRET_LENGTH));
  const made = readMachineSecret(path);
  if (made.state !== "usable") throw new UserError(`the machine secret ${path} could not be created: check the cache folder ${folder}`);
  return made.bytes;
}

/** Everything sealed under a secret that is being replaced: it could be read, so nothing under it is trusted. */
function removeSealedFiles(folder: string): void {
  for (const name of listFolder(folder)) {
    if (/\.(entry|failed)$/.test(name)) unlinkQuietly(joinPath(folder, name));
  }
}
