import { readFileText } from "../files/readFileBytes.ts";
import type { SessionNameSources } from "./defaultRoleSessionName.ts";

/** The real machine's answers: the full name from the passwd entry (GECOS) or macOS's `id -F`. */
export function machineSessionNameSources(): SessionNameSources {
  const os = require("node:os") as typeof import("node:os");
  return {
    fullName: () => fullNameOfCurrentUser(),
    userName: () => os.userInfo().username,
    hostName: () => os.hostname().split(".")[0],
    platform: process.platform,
    arch: process.arch,
  };
}

function fullNameOfCurrentUser(): string | undefined {
  if (process.platform === "darwin") {
    const result = Bun.spawnSync(["id", "-F"], { stdout: "pipe", stderr: "ignore" });
    return result.success ? result.stdout.toString().trim() || undefined : undefined;
  }
  if (process.platform === "win32" || typeof process.getuid !== "function") return undefined;
  const uid = String(process.getuid());
  for (const line of (readFileText("/etc/passwd") ?? "").split("\n")) {
    const fields = line.split(":");
    if (fields[2] === uid) return fields[4]?.split(",")[0]?.trim() || undefined;
  }
  return undefined;
}
