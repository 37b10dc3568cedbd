import { homeFolder } from "../files/homeFolder.ts";
import type { Env } from "../environment.ts";
import { UserError } from "../userError.ts";
import { credentialsFilePath } from "./configFilePath.ts";
import { MAX_CONFIG_BYTES } from "./readConfigFile.ts";

/** The empty file `exec --server` hands its child: a device, and the one that is meant. */
const EMPTY_FILES = new Set(["/dev/null", "NUL"]);

/**
 * The AWS credentials file, held to the config file's limits before the SDK reads it on a miss: the SDK reads
 * whatever the path names whole (/dev/zero took 3 GB in 5 s; a FIFO hangs). Looked at with stat, which opens
 * nothing. A missing or unreadable file, or a folder, is left to the SDK and its own line.
 */
export function checkCredentialsFile(env: Env): void {
  const path = credentialsFilePath(env, homeFolder(env));
  if (path === undefined || EMPTY_FILES.has(path)) return;
  const fs = require("node:fs") as typeof import("node:fs");
  let status: import("node:fs").Stats;
  try {
    status = fs.statSync(path);
  } catch {
    return;
  }
  const fix = "point AWS_SHARED_CREDENTIALS_FILE at your credentials file";
  if (status.isDirectory()) return;
  if (!status.isFile()) throw new UserError(`AWS credentials file ${path} is not a regular file (a device, FIFO or socket): ${fix}`);
  if (status.size > MAX_CONFIG_BYTES) throw new UserError(`AWS credentials file ${path} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB, which no credentials file is: ${fix}`);
}
