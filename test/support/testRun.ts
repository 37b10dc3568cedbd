/**
 * Preloaded by `bun test` (bunfig.toml): the whole run gets a TMPDIR of its own, and when it ends every temp
 * folder the tests made is removed; anything else still there is a leak, and fails the run by name.
 */
import { chmodSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "bun:test";
import { removeFolder, removeTemporaryFolders } from "./temporaryFolder.ts";

const runFolder = mkdtempSync(join(tmpdir(), "vegas-test-run-"));
// As /tmp is: tests run the binary as other users (a uid with no passwd entry), who must reach their folders.
chmodSync(runFolder, 0o1777);
process.env.TMPDIR = runFolder;

afterAll(() => {
  removeTemporaryFolders();
  const left = readdirSync(runFolder);
  removeFolder(runFolder);
  if (left.length > 0) throw new Error(`the tests left ${left.length} temp ${left.length === 1 ? "file or folder" : "files or folders"} behind: ${left.slice(0, 10).join(", ")}`);
});
