import { readFileText } from "../files/readFileBytes.ts";

/**
 * Binds the cache key to this machine and this user, so a copied cache folder (secret included) does not
 * open elsewhere: the OS's machine id plus the user id.
 */
export function machineIdentity(platform = process.platform): string {
  return `machine=${machineId(platform)};user=${userId(platform)}`;
}

function machineId(platform: string): string {
  if (platform === "linux" || platform === "freebsd" || platform === "openbsd") {
    for (const path of ["/etc/machine-id", "/var/lib/dbus/machine-id", "/etc/hostid"]) {
      const id = readFileText(path)?.trim();
      if (id) return id;
    }
  }
  if (platform === "darwin") return commandOutputMatch(["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"], /"IOPlatformUUID" = "([^"]+)"/);
  if (platform === "win32") {
    return commandOutputMatch(["reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid"], /MachineGuid\s+REG_SZ\s+(\S+)/);
  }
  return hostName();
}

function commandOutputMatch(command: string[], pattern: RegExp): string {
  try {
    const result = Bun.spawnSync(command, { stdout: "pipe", stderr: "ignore" });
    const match = pattern.exec(result.stdout.toString());
    if (match?.[1]) return match[1];
  } catch {
    // Fall through to the host name: weaker, but the cache still works.
  }
  return hostName();
}

function hostName(): string {
  const os = require("node:os") as typeof import("node:os");
  return `host:${os.hostname()}`;
}

function userId(platform: string): string {
  if (platform !== "win32" && typeof process.getuid === "function") return String(process.getuid());
  const os = require("node:os") as typeof import("node:os");
  return `${os.userInfo().username}@${process.env.USERDOMAIN ?? ""}`;
}
