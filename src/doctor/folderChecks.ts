import { machineIdentity } from "../cache/machineIdentity.ts";
import { linkStatus } from "../files/linkStatus.ts";
import { type PrivateFolder, privateFolderProblem } from "../files/privateFolder.ts";
import { isUserError } from "../userError.ts";
import { type Check, failed, ok, warned } from "./check.ts";

/**
 * A folder that holds secrets or the run log: a real folder of this user's that no one else can write to
 * (else refused at the next run, with this same line), and better 0700. Not there yet is fine: it is made so.
 */
export function checkFolder(folder: PrivateFolder): Check {
  const name = folder.name;
  const status = linkStatus(folder.path);
  if (status === undefined) return ok(name, `${folder.path} (not made yet: it is made 0700 when first needed)`);
  const problem = privateFolderProblem(folder, status);
  if (problem !== undefined) return failed(name, problem);
  if (process.platform !== "win32" && (status.mode & 0o077) !== 0) {
    return warned(name, `${folder.path} can be read by other users (mode ${(status.mode & 0o777).toString(8)})`, `chmod 700 ${folder.path}`);
  }
  return ok(name, `${folder.path}, yours, mode 700`);
}

/** The machine id the cache key is bound to: read as a cache hit reads it (the id itself is not shown). */
export function checkMachineId(): Check {
  try {
    machineIdentity();
    return ok("machine id", "readable: the cache key is bound to this machine and user");
  } catch (error) {
    if (isUserError(error)) return failed("machine id", error.message);
    throw error;
  }
}
