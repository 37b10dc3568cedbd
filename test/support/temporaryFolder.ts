/**
 * Temp folders for tests, removed when the run ends (test/support/testRun.ts): a test that leaves one behind is
 * a test that fills /tmp on every run. Kept on globalThis, so every test file's copy of this module shares them.
 */
import { lstatSync, mkdtempSync, readdirSync, rmdirSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const KEY = Symbol.for("vegas-credentials.test.temporaryFolders");
const shared = globalThis as Record<symbol, Set<string> | undefined>;
shared[KEY] = shared[KEY] ?? new Set();
const made: Set<string> = shared[KEY];

/** A new empty folder under the run's TMPDIR, named `prefix` and six random characters. */
export function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  made.add(folder);
  return folder;
}

export function removeTemporaryFolders(): void {
  for (const folder of made) removeFolder(folder);
  made.clear();
}

/** rmSync's recursive removal, or a walk of the folder where that fails (Bun's under wine: EFAULT). */
export function removeFolder(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true });
  } catch (error) {
    if ((error as { code?: string }).code !== "EFAULT") throw error;
    removeWalking(folder);
  }
}

function removeWalking(path: string): void {
  if (!lstatSync(path).isDirectory()) {
    unlinkSync(path);
    return;
  }
  for (const name of readdirSync(path)) removeWalking(join(path, name));
  rmdirSync(path);
}
