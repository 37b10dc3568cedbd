import { linkSync } from "node:fs";
import { randomBytes } from "@noble/ciphers/utils.js";
import { joinPath } from "../files/joinPath.ts";
import { FileError } from "../files/fileError.ts";
import { UserError } from "../userError.ts";
import { listFolder } from "./ensurePrivateFolder.ts";
import { MACHINE_SECRET_LENGTH, readMachineSecret } from "./machineSecret.ts";
import { unlinkQuietly, writeFileAtomically } from "./writeFileAtomically.ts";

/**
 * The 32-byte random machine secret, created once per user atomically (two runs never make two). A secret
 * that group or others could read is not used: the entries sealed under it are removed with it and a new
 * cache starts, which `warn` says.
 */
export function ensureMachineSecret(folder: string, path: string, warn: (message: string) => void): Uint8Array {
  const found = readMachineSecret(path);
  if (found.state === "usable") return found.bytes;
  if (found.state === "exposed") {
    warn(`the machine secret ${path} could be read by other users: not using it; starting a new cache (the next runs ask for MFA codes again)`);
    removeSealedFiles(folder);
  }
  unlinkQuietly(path);
  const candidate = `${path}.new-${process.pid}`;
  writeFileAtomically(candidate, randomBytes(MACHINE_SECRET_LENGTH));
  try {
    linkSync(candidate, path);
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw new FileError((error as { code?: string }).code ?? "EIO", path, "create");
  } finally {
    unlinkQuietly(candidate);
  }
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
