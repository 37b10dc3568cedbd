import { readFileNoFollow } from "../files/readFileNoFollow.ts";
import { linkNewFile, writeFileAtomically } from "./writeFileAtomically.ts";

/** Who holds a lock (as fileLock.ts records it): the part a wait notice is about. */
interface Holder {
  readonly pid: number;
  readonly since: number;
}

/** Beside a lock: which holder the waiting runs have already told the user about. Its holder removes it. */
export function waitNoticePath(lockPath: string): string {
  return `${lockPath}.told`;
}

/**
 * True for the first waiting run to claim telling the user that `holder` has the lock: with a hundred runs
 * waiting on one terminal (terraform plan), one line is enough. The claim is linked into place whole, so a
 * claim is never read half written; one left by an earlier holder is taken over.
 */
export function claimWaitNotice(lockPath: string, holder: Holder): boolean {
  const path = waitNoticePath(lockPath);
  const claim = new TextEncoder().encode(`${holder.pid}:${holder.since}`);
  try {
    if (linkNewFile(path, claim)) return true;
    const existing = readFileNoFollow(path)?.bytes;
    if (existing !== undefined && Buffer.from(existing).equals(claim)) return false;
    writeFileAtomically(path, claim);
  } catch {
    // Telling twice is better than not telling.
  }
  return true;
}
