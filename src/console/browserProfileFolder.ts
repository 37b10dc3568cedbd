import { ensurePrivateFolder } from "../cache/ensurePrivateFolder.ts";
import { joinPath } from "../files/joinPath.ts";
import type { PrivateFolder } from "../files/privateFolder.ts";

/** Where the browser profiles live, under the state folder: one folder each, never shared with the person's own. */
export const CONSOLE_FOLDER = "console";

/**
 * The folder of one browser profile (a Chromium user-data folder, a Firefox profile): its name made from the
 * profile's, letters, digits and . _ @ + = , - kept, every other byte (and a leading dot) as %XX.
 */
export function browserProfileFolder(stateFolder: string, browserProfile: string): string {
  const bytes = new TextEncoder().encode(browserProfile);
  let name = "";
  for (const [index, byte] of bytes.entries()) {
    const char = String.fromCharCode(byte);
    name += byte < 0x80 && /[A-Za-z0-9_@+=,.-]/.test(char) && !(index === 0 && char === ".") ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return joinPath(stateFolder, CONSOLE_FOLDER, name);
}

/**
 * Makes the folder (and the console folder above it) 0700, and refuses one that is a symbolic link or someone
 * else's, as the cache folder is refused: whoever controls it controls the console sessions in it.
 */
export function prepareBrowserProfileFolder(stateFolder: string, browserProfile: string): string {
  const folder = browserProfileFolder(stateFolder, browserProfile);
  ensurePrivateFolder(privateFolder(joinPath(stateFolder, CONSOLE_FOLDER), "console folder"));
  ensurePrivateFolder(privateFolder(folder, `browser profile folder of "${browserProfile}"`));
  return folder;
}

function privateFolder(path: string, name: string): PrivateFolder {
  return { path, name, movedBy: "XDG_STATE_HOME" };
}
