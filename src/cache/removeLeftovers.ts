import { readdirSync } from "node:fs";
import { linkStatus } from "../files/linkStatus.ts";
import { joinPath } from "../files/joinPath.ts";
import { FAILURE_SUFFIX, LOCK_SUFFIX, MEMO_SUFFIX } from "./cacheFileNames.ts";
import { removeStaleLock } from "./fileLock.ts";
import { unlinkQuietly } from "./writeFileAtomically.ts";

/**
 * What runs leave beside the entries: notes of failed fetches, memos of resolved profiles, and lock files that no live run holds (left by
 * a run that was killed, or named under an older machine secret). A held lock is never touched. Returns how
 * many files went; none when there is no folder.
 */
export function removeLeftovers(folder: string): number {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = joinPath(folder, name);
    if (name.endsWith(FAILURE_SUFFIX) || name.endsWith(MEMO_SUFFIX) || (name.endsWith(`${LOCK_SUFFIX}.told`) && linkStatus(path.slice(0, -".told".length)) === undefined)) {
      unlinkQuietly(path);
      if (linkStatus(path) === undefined) removed++;
    } else if (name.endsWith(LOCK_SUFFIX) && removeStaleLock(path) && linkStatus(path) === undefined) {
      removed++;
    }
  }
  return removed;
}
