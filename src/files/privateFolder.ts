import { UserError } from "../userError.ts";
import type { FileStatus } from "./fileStatus.ts";

/** A folder that holds secrets (the cache) or what a run did (the state folder), and how to put it elsewhere. */
export interface PrivateFolder {
  readonly path: string;
  /** "cache folder", "state folder": as messages name it. */
  readonly name: string;
  /** The environment variable that moves it: XDG_CACHE_HOME, XDG_STATE_HOME. */
  readonly movedBy: string;
}

/** The state folder (the log, the keys file, the browser profiles) as its checks and their messages name it. */
export function stateFolder(path: string): PrivateFolder {
  return { path, name: "state folder", movedBy: "XDG_STATE_HOME" };
}

/**
 * What makes a folder unsafe to trust, as the one line that says how to fix it; undefined when it is a real
 * folder (not a symbolic link) that belongs to this user and that nobody else can write to. Whoever can write
 * there can plant the credentials this tool hands to the AWS tools.
 */
export function privateFolderProblem(folder: PrivateFolder, status: FileStatus, uid = process.getuid?.(), platform = process.platform): string | undefined {
  const { path, name, movedBy } = folder;
  if (status.type === "link") return `${name} ${path} is a symbolic link: replace it with a folder of your own (mkdir -m 700) or set ${movedBy} elsewhere`;
  if (status.type !== "folder") return `${name} ${path} is not a folder: remove it or set ${movedBy} elsewhere`;
  // Windows reports no owner or POSIX mode bits worth reading; its folders under %LOCALAPPDATA% are the user's.
  if (uid === undefined || platform === "win32") return undefined;
  if (status.uid !== uid) return `${name} ${path} belongs to another user (uid ${status.uid}): remove it or set ${movedBy} to a folder of yours`;
  if ((status.mode & 0o022) !== 0) return `${name} ${path} can be written by other users: run chmod 700 ${path}`;
  return undefined;
}

/** As privateFolderProblem, thrown as the run's one line. */
export function checkPrivateFolder(folder: PrivateFolder, status: FileStatus, platform = process.platform): void {
  const problem = privateFolderProblem(folder, status, undefined, platform);
  if (problem !== undefined) throw new UserError(problem);
}
