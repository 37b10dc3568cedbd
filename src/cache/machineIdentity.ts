import { readHostUuid } from "../files/hostUuid.ts";
import { readFileBytes } from "../files/readFileBytes.ts";
import { readMachineGuid } from "../files/windowsMachineGuid.ts";
import { UserError } from "../userError.ts";

/** Where each platform's machine id comes from; tests give their own. */
export interface MachineIdSources {
  readonly platform: NodeJS.Platform;
  readBytes(path: string): Uint8Array | undefined;
  /** macOS: gethostuuid(2). */
  hostUuid(): string | undefined;
  /** Windows: MachineGuid from the registry. */
  machineGuid(): string | undefined;
  /** The user: the uid where there is one, else the account name. */
  user(): string;
}

const ID_FILES = ["/etc/machine-id", "/var/lib/dbus/machine-id", "/etc/hostid"];

/**
 * Binds the cache key to this machine and this user, so a copied cache folder (secret included) does not
 * open elsewhere: the OS's machine id plus the user. Read without starting a program (a cache hit reads it).
 * A machine id that cannot be read is one line: keying the cache from anything that changes (the host name)
 * would silently lose it whenever the read failed once.
 */
export function machineIdentity(sources: MachineIdSources = systemSources()): string {
  return `machine=${machineId(sources)};user=${sources.user()}`;
}

function machineId(sources: MachineIdSources): string {
  const { platform } = sources;
  let id: string | undefined;
  let where: string;
  if (platform === "darwin") {
    id = sources.hostUuid();
    where = "the host UUID (gethostuuid)";
  } else if (platform === "win32") {
    id = sources.machineGuid();
    where = "MachineGuid in HKLM\\SOFTWARE\\Microsoft\\Cryptography";
  } else {
    id = ID_FILES.map((path) => idFromFile(sources.readBytes(path))).find((text) => text !== undefined);
    where = ID_FILES.join(" or ");
  }
  if (id !== undefined && /^[\x21-\x7e]{8,128}$/.test(id)) return id;
  throw new UserError(`cannot read this machine's id from ${where}, which keys the cache: ${FIXES[platform] ?? "run on a system that has one"}`);
}

/**
 * A file's id: its text (machine-id, FreeBSD's hostid), or its bytes in hex (glibc's 4-byte binary hostid,
 * even when those bytes happen to be printable).
 */
function idFromFile(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  const text = new TextDecoder().decode(bytes).trim();
  if (text === "") return undefined;
  if (/^[\x21-\x7e]{8,}$/.test(text)) return text;
  return bytes.some((byte) => byte !== 0) ? Buffer.from(bytes).toString("hex") : undefined;
}

const FIXES: Partial<Record<NodeJS.Platform, string>> = {
  linux: "create it with systemd-machine-id-setup or dbus-uuidgen --ensure=/etc/machine-id (in a container image: at build time, or mount the host's /etc/machine-id read-only)",
  darwin: "report this with the output of vegas-credentials version --full",
  win32: "check that this account can read that registry key (reg query HKLM\\SOFTWARE\\Microsoft\\Cryptography /v MachineGuid)",
};

function systemSources(): MachineIdSources {
  return {
    platform: process.platform,
    readBytes: readFileBytes,
    hostUuid: readHostUuid,
    machineGuid: readMachineGuid,
    user: () => {
      if (process.platform !== "win32" && typeof process.getuid === "function") return String(process.getuid());
      const os = require("node:os") as typeof import("node:os");
      return `${os.userInfo().username}@${process.env.USERDOMAIN ?? ""}`;
    },
  };
}
