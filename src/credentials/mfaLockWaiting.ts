import type { LockHolder, LockWaiting } from "../cache/fileLock.ts";
import type { Reporter } from "../output/reporter.ts";
import { hasTerminal, tellTerminal } from "../output/terminalNotice.ts";
import type { RoleProfile } from "../config/roleProfile.ts";
import { UserError } from "../userError.ts";

/** Waiting runs stay quiet this long: most waits end sooner, when the holder's user types the code. */
const QUIET_MS = 2_000;
/** Beyond the MFA timeout, the holder may still be calling STS and writing the cache. */
const MARGIN_MS = 30_000;

/** How a run waits for another that asks the same MFA device for a code (see CacheSlot.lock). */
export function mfaLockWaiting(profile: RoleProfile, mfaTimeoutMs: number, reporter: Reporter): LockWaiting {
  let told = false;
  const device = `the MFA code of ${profile.source.mfaSerial}`;
  return {
    timeoutMs: mfaTimeoutMs + MARGIN_MS,
    onWait(holder: LockHolder | undefined, waitedMs: number, firstToTell: () => boolean) {
      // Until the holder's record can be read (it is being written), waiters could not agree on who tells.
      if (told || waitedMs < QUIET_MS || holder === undefined) return;
      told = true;
      const message = `${profile.name}: waiting for another run${describe(holder)} that asks for ${device}`;
      // A hundred runs waiting on one terminal (terraform plan) would print a hundred lines: the first tells.
      // Without a terminal each run has a stderr of its own (shown when it fails): each says it there.
      if (firstToTell() ? tellTerminal(`vegas-credentials: ${message}`) : hasTerminal()) return;
      reporter.notice(message);
    },
    timeoutError(holder: LockHolder | undefined) {
      const seconds = Math.round((mfaTimeoutMs + MARGIN_MS) / 1000);
      const end = holder === undefined ? "end it" : `end it (kill ${holder.pid})`;
      return new UserError(`profile "${profile.name}": another run${describe(holder)} has been asking for ${device} for over ${seconds} s: answer it or ${end}, then run this again`);
    },
  };
}

function describe(holder: LockHolder | undefined): string {
  return holder === undefined ? "" : ` (process ${holder.pid})`;
}
