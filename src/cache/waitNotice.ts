import { readFileNoFollow } from "../files/readFileNoFollow.ts";

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
 * waiting on one terminal (terraform plan), one line is enough. A claim left by an earlier holder is taken
 * over. Loads node:fs only when a run has waited (this module sits on the cache-hit path's import graph).
 */
export function claimWaitNotice(lockPath: string, holder: Holder | undefined): boolean {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = waitNoticePath(lockPath);
  const claim = holder === undefined ? "unknown" : `${holder.pid}:${holder.since}`;
  // Written whole beside it, then linked into place: link() fails if a claim is there, and a claim is never
  // seen half written (an empty one read too early would look like an earlier holder's, and be taken over).
  const candidate = `${path}.new-${process.pid}`;
  try {
    fs.writeFileSync(candidate, claim, { mode: 0o600, flag: "wx" });
    fs.linkSync(candidate, path);
    return true;
  } catch (error) {
    // Anything but "another run claimed it": telling twice is better than not telling.
    if ((error as { code?: string }).code !== "EEXIST") return true;
  } finally {
    fs.rmSync(candidate, { force: true });
  }
  let existing: string | undefined;
  try {
    existing = new TextDecoder().decode(readFileNoFollow(path)?.bytes);
  } catch {
    existing = undefined;
  }
  if (existing === claim) return false;
  try {
    const next = `${path}.new-${process.pid}`;
    fs.writeFileSync(next, claim, { mode: 0o600, flag: "wx" });
    fs.renameSync(next, path);
  } catch {
    // As above.
  }
  return true;
}
