import type { KeyStoreKind } from "../config/settingChecks.ts";
import { joinPath } from "../files/joinPath.ts";
import { stateFolder } from "../files/privateFolder.ts";
import { UserError } from "../userError.ts";
import { type Asking, passphraseAsker } from "./askSecret.ts";
import type { KeyStore } from "./keyStore.ts";

export const KEYS_FILE = "keys.sealed";

export interface KeyStorePlace extends Asking {
  /** The state folder (see stateFolderPath): the keys file lives there. */
  readonly stateFolder: string | undefined;
  readonly platform?: NodeJS.Platform;
}

/** The store `vegas_keys` names, on this OS. Opening one starts nothing: each call does its own work. */
export async function openKeyStore(kind: KeyStoreKind, place: KeyStorePlace): Promise<KeyStore> {
  if (kind === "file") {
    const path = keysFilePath(place.stateFolder);
    const [{ sealedKeyFile }, { ensurePrivateFolder }] = await Promise.all([import("./sealedKeyFile.ts"), import("../cache/ensurePrivateFolder.ts")]);
    // The state folder as the log checks it: made 0700, refused if someone else controls it.
    ensurePrivateFolder(stateFolder(place.stateFolder ?? ""));
    return sealedKeyFile(path, passphraseAsker(path, place));
  }
  const platform = place.platform ?? process.platform;
  if (platform === "win32") return (await import("./windowsCredentialStore.ts")).windowsCredentialStore();
  if (platform === "darwin") return (await import("./macKeychainStore.ts")).macKeychainStore();
  return (await import("./secretServiceStore.ts")).secretServiceStore(place.env);
}

/** Where the keys file is; a line to fix when there is no state folder (no home and no XDG_STATE_HOME). */
export function keysFilePath(stateFolder: string | undefined): string {
  if (stateFolder === undefined) throw new UserError("the keys file has no place: there is no home folder and XDG_STATE_HOME is not set; set XDG_STATE_HOME to a folder of yours");
  return joinPath(stateFolder, KEYS_FILE);
}

/** As messages and `config list` name the OS's store. */
export function osStoreName(platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") return "the Windows Credential Manager";
  if (platform === "darwin") return "the macOS login Keychain";
  return "the Secret Service";
}
