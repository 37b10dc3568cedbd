import { ensurePrivateFolder } from "../cache/ensurePrivateFolder.ts";
import { joinPath } from "../files/joinPath.ts";
import type { PrivateFolder } from "../files/privateFolder.ts";

/** Where the browser profiles live, under the state folder: one folder each, never shared with the person's own. */
export const CONSOLE_FOLDER = "console";
/** Folder names longer than this are cut and given a digest of the whole name (file systems stop at 255 bytes). */
const MAX_NAME_LENGTH = 80;
/** Names Windows keeps for devices, whatever their extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * The folder of one browser profile (a Chromium user-data folder, a Firefox profile), under a folder per
 * browser (two browsers never share a profile's files): `console/BROWSER/NAME`. The name is made from the
 * profile's so that no two names meet, on any file system: lower-case letters, digits and _ @ + = , - . kept;
 * capitals, every other byte, a leading or trailing dot and a device name's first letter as %XX; a long name cut
 * and given a digest.
 */
export function browserProfileFolder(stateFolder: string, browserKey: string, browserProfile: string): string {
  const bytes = new TextEncoder().encode(browserProfile);
  let name = "";
  for (const [index, byte] of bytes.entries()) {
    const char = String.fromCharCode(byte);
    const edgeDot = char === "." && (index === 0 || index === bytes.length - 1);
    const plain = byte < 0x80 && /[a-z0-9_@+=,.-]/.test(char) && !edgeDot && !(index === 0 && RESERVED.test(browserProfile));
    name += plain ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  if (name.length > MAX_NAME_LENGTH) {
    const digest = new Bun.CryptoHasher("sha256").update(browserProfile).digest("hex").slice(0, 16);
    name = `${name.slice(0, MAX_NAME_LENGTH - 17).replace(/%[0-9A-F]?$/, "")}~${digest}`;
  }
  return joinPath(stateFolder, CONSOLE_FOLDER, browserKey, name);
}

/**
 * Makes the folder (and the folders above it, up to the state folder's console folder) 0700, and refuses any
 * that is a symbolic link or someone else's, as the cache folder is refused: whoever controls it controls the
 * console sessions in it.
 */
export function prepareBrowserProfileFolder(stateFolder: string, browserKey: string, browserProfile: string): string {
  const folder = browserProfileFolder(stateFolder, browserKey, browserProfile);
  prepareConsoleFolder(stateFolder);
  ensurePrivateFolder(privateFolder(joinPath(stateFolder, CONSOLE_FOLDER, browserKey), `${browserKey} profiles folder`));
  ensurePrivateFolder(privateFolder(folder, `browser profile folder of "${browserProfile}"`));
  return folder;
}

/** The console folder itself (it also holds the note of the default browser's last sign-in). */
export function prepareConsoleFolder(stateFolder: string): string {
  const folder = joinPath(stateFolder, CONSOLE_FOLDER);
  ensurePrivateFolder(privateFolder(folder, "console folder"));
  return folder;
}

function privateFolder(path: string, name: string): PrivateFolder {
  return { path, name, movedBy: "XDG_STATE_HOME" };
}
