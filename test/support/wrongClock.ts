/**
 * Runs the binary with this machine's clock set wrong, as a dual-boot machine with the RTC in local time or a
 * VM resumed with an old clock has it: libfaketime (Debian's faketime, which .ci/run installs) shifts what
 * clock_gettime and time() return to the binary alone. The monotonic clock is left alone (timers keep time).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

function libfaketime(): string {
  for (const folder of readdirSync("/usr/lib").filter((name) => name.endsWith("-linux-gnu"))) {
    const library = join("/usr/lib", folder, "faketime", "libfaketime.so.1");
    if (existsSync(library)) return library;
  }
  throw new Error("libfaketime is not installed (apt-get install faketime)");
}

/** The environment of a run whose clock is `offset` off (libfaketime's syntax: "+2h", "-3d", "+10m"). */
export function clockOff(offset: string): Record<string, string> {
  return { LD_PRELOAD: libfaketime(), FAKETIME: offset, DONT_FAKE_MONOTONIC: "1", FAKETIME_DONT_FAKE_MONOTONIC: "1" };
}
