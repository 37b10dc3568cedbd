import { readFileNoFollow } from "../files/readFileNoFollow.ts";
import { UserError } from "../userError.ts";

export const MACHINE_SECRET_LENGTH = 32;

/**
 * The machine secret as found: `usable`, `missing`, `damaged` (not 32 bytes: a new one replaces it), or `exposed` (group or
 * others could read it: never used, a new cache starts). Anything that is not a regular file of this user's,
 * a symbolic link above all, is refused with the line that says what to do.
 */
export type MachineSecret = { readonly state: "usable"; readonly bytes: Uint8Array } | { readonly state: "missing" | "damaged" | "exposed" };

export function readMachineSecret(path: string, uid = process.getuid?.()): MachineSecret {
  let content: ReturnType<typeof readFileNoFollow>;
  try {
    content = readFileNoFollow(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    if (code === "ELOOP") throw new UserError(`machine secret ${path} is a symbolic link: remove it (a new cache starts)`);
    // Far larger than a secret: not one, so a new one replaces it.
    if (code === "EFBIG") return { state: "damaged" };
    throw new UserError(`cannot read the machine secret ${path} (${code}): fix its permissions (chmod 600) or remove it`);
  }
  if (content === undefined) return { state: "missing" };
  const { status, bytes } = content;
  if (bytes === undefined) throw new UserError(`machine secret ${path} is not a regular file: remove it (a new cache starts)`);
  if (process.platform !== "win32" && uid !== undefined) {
    if (status.uid !== uid) throw new UserError(`machine secret ${path} belongs to another user (uid ${status.uid}): remove it (a new cache starts)`);
    if ((status.mode & 0o077) !== 0) return { state: "exposed" };
  }
  return bytes.length === MACHINE_SECRET_LENGTH ? { state: "usable", bytes } : { state: "damaged" };
}
