import { existsSync, readFileSync } from "node:fs";
import { joinPath } from "../files/joinPath.ts";
import { UserError } from "../userError.ts";
import { isSessionEntry, keyOfCredentials, keyOfKeyringItem, type RecordReading } from "./awsVaultRecord.ts";
import { keyringFiles } from "./keyringFiles.ts";
import { type CollectionItem, openSecretServiceCollection } from "./secretServiceCollection.ts";

export const OTHER_TOOLS = ["aws-vault", "granted"] as const;
export type OtherTool = (typeof OTHER_TOOLS)[number];

/** The long-term keys another tool keeps, where it keeps them on this machine. */
export interface OtherToolKeys {
  readonly tool: OtherTool;
  /** As messages name it: `aws-vault (the Secret Service collection "awsvault")`. */
  readonly name: string;
  /** The profiles it holds a key for (its cached sessions and tokens left out). */
  profiles(): Promise<string[]>;
  /** The profile's key, or what is wrong with its entry; undefined when it holds none. */
  read(profile: string): Promise<RecordReading | undefined>;
  remove(profile: string): Promise<void>;
  close(): void;
}

export interface OtherToolPlace {
  readonly env: Record<string, string | undefined>;
  readonly home: string | undefined;
  readonly platform?: NodeJS.Platform;
  /** Asks the person for a secret (not shown); `cannot` is the line when nothing can ask. */
  readonly ask: (prompt: string, cannot: string) => Promise<string>;
}

/**
 * Where `tool` keeps its keys here, as its keyring configuration says (aws-vault: AWS_VAULT_BACKEND and
 * AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME; granted: the [Keyring] table of its config file). Backends this
 * tool does not read get the line that moves a key through the tool itself.
 */
export async function openOtherToolKeys(tool: OtherTool, place: OtherToolPlace): Promise<OtherToolKeys> {
  const platform = place.platform ?? process.platform;
  const settings = tool === "aws-vault" ? awsVaultSettings(place) : grantedSettings(place);
  const backend = settings.backend ?? (platform === "linux" ? "secret-service" : platform === "darwin" ? "keychain" : platform === "win32" ? "wincred" : "file");
  if (backend === "file") return fileBackend(tool, settings, place);
  if (backend === "wincred" && platform === "win32") return credentialManager(tool, settings);
  if (backend === "keychain" && platform === "darwin") return macKeychain(tool, settings);
  if (backend !== "secret-service") throw notRead(tool, backend);
  const collection = await openSecretServiceCollection(settings.collection, place.env);
  const name = `${tool} (the Secret Service collection "${settings.collection}")`;
  if (collection === undefined) {
    throw new UserError(`${tool} has no keys here: the Secret Service has no collection "${settings.collection}"${tool === "aws-vault" ? " (AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME names another)" : ""}; if ${tool} keeps them elsewhere, set ${tool === "aws-vault" ? "AWS_VAULT_BACKEND" : "Backend in its config's [Keyring]"} as it is set for ${tool}`);
  }
  let listed: CollectionItem[] | undefined;
  // Only what the keyring library writes (label and profile attribute alike): nothing else in a shared collection is read.
  const items = async () => {
    listed ??= (await collection.items()).filter((item) => item.attributes.get("profile") === item.label && !item.attributes.has("application"));
    return listed;
  };
  const itemOf = async (profile: string) => (await items()).find((item) => item.label === profile);
  return {
    tool,
    name,
    async profiles() {
      return keysOnly((await items()).map((item) => item.label));
    },
    async read(profile) {
      const item = await itemOf(profile);
      return item === undefined ? undefined : keyOfKeyringItem(await collection.secretOf(item));
    },
    async remove(profile) {
      const item = await itemOf(profile);
      if (item !== undefined) await collection.remove(item);
      listed = undefined;
    },
    close() {
      collection.close();
    },
  };
}

/** The keyring library's file backend: its folder, and the passphrase from the tool's variable or asked once. */
function fileBackend(tool: OtherTool, settings: KeyringSettings, place: OtherToolPlace): OtherToolKeys {
  const folder = settings.fileFolder;
  const name = `${tool} (its file backend, ${folder})`;
  if (!existsSync(folder)) throw new UserError(`${tool} has no keys here: its file backend's folder ${folder} does not exist${tool === "aws-vault" ? " (AWS_VAULT_FILE_DIR names another)" : ""}`);
  // granted reads its variable whether set or not (an empty passphrase); aws-vault asks when it is not set.
  const given = place.env[settings.passphraseVariable] ?? (tool === "granted" ? "" : undefined);
  const files = keyringFiles(folder, async () => given ?? (await place.ask(`Passphrase of ${tool}'s keys in ${folder} (not shown): `, `${name} asks for its passphrase, and nothing can ask here: set ${settings.passphraseVariable}`)), name, settings.passphraseVariable);
  return {
    tool,
    name,
    async profiles() {
      return keysOnly(files.keys());
    },
    read: (profile) => files.read(profile),
    async remove(profile) {
      try {
        files.remove(profile);
      } catch (error) {
        throw new UserError(`could not remove its file: ${(error as { code?: string }).code ?? String(error)}`);
      }
    },
    close() {},
  };
}

/** The keyring library's wincred backend: a generic credential `PREFIX:SERVICE:KEY` per key, the blob its JSON. */
async function credentialManager(tool: OtherTool, settings: KeyringSettings): Promise<OtherToolKeys> {
  const prefix = `${settings.service}:${settings.service}:`;
  const name = `${tool} (the Windows Credential Manager, ${prefix}…)`;
  const store = (await import("./windowsCredentialStore.ts")).genericCredentials(prefix);
  const found = () => new Map(store.list().map((credential) => [credential.target.slice(prefix.length), credential.blob]));
  return {
    tool,
    name,
    async profiles() {
      return keysOnly([...found().keys()]);
    },
    async read(profile) {
      const blob = found().get(profile);
      return blob === undefined ? undefined : keyOfCredentials(blob);
    },
    async remove(profile) {
      store.remove(prefix + profile);
    },
    close() {},
  };
}

/** The keyring library's keychain backend: a generic password per key (service, account the key, data its JSON). */
async function macKeychain(tool: OtherTool, settings: KeyringSettings): Promise<OtherToolKeys> {
  const keychain = `${settings.keychain}.keychain`;
  const store = (await import("./macKeychainStore.ts")).keychainGenericPasswords(settings.service, keychain);
  return {
    tool,
    name: `${tool} (the macOS Keychain ${keychain}, service ${settings.service})`,
    async profiles() {
      return keysOnly(await store.accounts());
    },
    async read(profile) {
      const data = await store.read(profile);
      return data === undefined ? undefined : keyOfCredentials(data);
    },
    remove: (profile) => store.remove(profile),
    close() {},
  };
}

/** The names that are long-term keys, sorted, once each. */
function keysOnly(names: readonly string[]): string[] {
  return [...new Set(names)].filter((name) => name !== "" && !isSessionEntry(name)).sort();
}

interface KeyringSettings {
  readonly backend: string | undefined;
  readonly collection: string;
  readonly fileFolder: string;
  readonly passphraseVariable: string;
  /** The keyring's ServiceName, which its wincred backend also uses as the prefix of targets. */
  readonly service: string;
  /** The macOS keychain's name, without .keychain. */
  readonly keychain: string;
}

function awsVaultSettings(place: OtherToolPlace): KeyringSettings {
  const env = place.env;
  return {
    backend: env.AWS_VAULT_BACKEND || undefined,
    collection: env.AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME || "awsvault",
    fileFolder: expandTilde(env.AWS_VAULT_FILE_DIR || "~/.awsvault/keys/", place.home),
    passphraseVariable: "AWS_VAULT_FILE_PASSPHRASE",
    service: "aws-vault",
    keychain: env.AWS_VAULT_KEYCHAIN_NAME || "aws-vault",
  };
}

/** granted's config: ~/.granted/config, else $XDG_CONFIG_HOME/granted/config when ~/.granted does not exist. */
function grantedSettings(place: OtherToolPlace): KeyringSettings {
  const home = place.home ?? "";
  const folder = joinPath(home, ".granted");
  const chosen = !existsSync(folder) && place.env.XDG_CONFIG_HOME ? joinPath(place.env.XDG_CONFIG_HOME, "granted") : folder;
  const path = joinPath(chosen, "config");
  const keyring = existsSync(path) ? keyringTable(readFileSync(path, "utf8")) : new Map<string, string>();
  return {
    backend: keyring.get("Backend"),
    collection: keyring.get("LibSecretCollectionName") ?? "granted-aws-iam-credentials",
    fileFolder: expandTilde(keyring.get("FileDir") ?? joinPath(chosen, "secure-storage-aws-iam-credentials"), place.home),
    passphraseVariable: "CF_KEYRING_FILE_PASSWORD",
    service: "granted-aws-iam-credentials",
    keychain: keyring.get("KeychainName") ?? "login",
  };
}

/** `~/` as the keyring library expands it (its ExpandTilde). */
function expandTilde(path: string, home: string | undefined): string {
  if (!path.startsWith("~/") && path !== "~") return path;
  if (home === undefined) throw new UserError(`${path} names the home folder, and there is none here (HOME is not set)`);
  return joinPath(home, path.slice(2));
}

/** The string values of the [Keyring] table of a TOML file, as granted writes it. */
export function keyringTable(toml: string): Map<string, string> {
  const values = new Map<string, string>();
  let inTable = false;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      inTable = /^\[\s*Keyring\s*\]\s*(?:#.*)?$/.test(line);
      continue;
    }
    const match = inTable ? /^([A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(?:#.*)?$/.exec(line) : null;
    if (match?.[1] === undefined) continue;
    const value = match[3] ?? basicString(match[2] ?? "");
    if (value !== undefined) values.set(match[1], value);
  }
  return values;
}

/** A TOML basic string's escapes are JSON's, less a few this reader skips (the value is then not used). */
function basicString(text: string): string | undefined {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return undefined;
  }
}

/** The way round for a store this tool does not read: the other tool hands the key over itself. */
function notRead(tool: OtherTool, backend: string): UserError {
  const how =
    tool === "aws-vault"
      ? `aws-vault exec --no-session PROFILE -- sh -c 'printf "%s\\n%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"' | vegas-credentials keys add -p PROFILE --stdin`
      : "granted credentials export-plaintext PROFILE, then vegas-credentials keys import -p PROFILE (which moves it out of ~/.aws/credentials)";
  return new UserError(`${tool} keeps its keys in its "${backend}" backend here, which this tool does not read: move each key with ${how}`);
}
