import { UserError } from "../userError.ts";

/** A folder, FIFO or device where a lock file belongs: no run can take the lock, so say it at once. */
export function notALockFile(path: string): UserError {
  return new UserError(`cannot take the lock ${path}: something other than a file stands there: remove it`);
}
