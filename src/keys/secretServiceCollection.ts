import { connectToBus, type DbusConnection, DbusError, type MethodCall, sessionBusPath } from "../dbus/dbusConnection.ts";
import { type DbusValue, dictionary, unwrap, variant } from "../dbus/dbusWire.ts";
import { printableLine } from "../output/printableText.ts";
import { UserError } from "../userError.ts";

const SECRETS = "org.freedesktop.secrets";
const SERVICE_PATH = "/org/freedesktop/secrets";
const PROPERTIES = "org.freedesktop.DBus.Properties";
/** An unlock dialog may be on the screen: the person gets time to answer it, not forever. */
const PROMPT_DEADLINE_MS = 60_000;
const CALL_DEADLINE_MS = 10_000;
const UNLOCK_DIALOG = "the unlock dialog";

/** An item of another program's collection, as the Secret Service shows it without unlocking. */
export interface CollectionItem {
  readonly path: string;
  readonly label: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/** One named collection of the Secret Service, opened (and unlocked) for reading. */
export interface SecretServiceCollection {
  /** As messages name it: `the Secret Service collection "awsvault"`. */
  readonly name: string;
  items(): Promise<CollectionItem[]>;
  /** The item's secret, as bytes. */
  secretOf(item: CollectionItem): Promise<Uint8Array>;
  /** Deletes the item (an unlock dialog may be shown). */
  remove(item: CollectionItem): Promise<void>;
  close(): void;
}

/**
 * The collection whose label is `label` (aws-vault's "awsvault", granted's "granted-aws-iam-credentials"),
 * spoken to over D-Bus as their keyring library does, since secret-tool searches every collection at once
 * and would not tell theirs from ours. Undefined when the Secret Service has no such collection.
 */
export async function openSecretServiceCollection(label: string, env: Record<string, string | undefined>): Promise<SecretServiceCollection | undefined> {
  const name = `the Secret Service collection "${label}"`;
  const busPath = sessionBusPath(env);
  if (busPath === undefined) throw new UserError(`${name} cannot be reached: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS): run this in your desktop session`);
  const bus = await connectToBus(busPath, CALL_DEADLINE_MS).catch((error: unknown) => {
    throw new UserError(`${name} cannot be reached: ${error instanceof Error ? error.message : String(error)}: run this in your desktop session`);
  });
  try {
    const collection = await findCollection(bus, label, name);
    if (collection === undefined) {
      bus.close();
      return undefined;
    }
    if (unwrap(await property(bus, collection, "org.freedesktop.Secret.Collection", "Locked", name)) === true) await unlock(bus, collection, name);
    const [, session] = await call(bus, { path: SERVICE_PATH, interface: "org.freedesktop.Secret.Service", member: "OpenSession", signature: "sv", body: ["plain", variant("s", "")] }, name, "open a session");
    return {
      name,
      async items() {
        const paths = unwrap(await property(bus, collection, "org.freedesktop.Secret.Collection", "Items", name)) as string[];
        const items: CollectionItem[] = [];
        for (const path of paths) {
          const [all] = await call(bus, { path, interface: PROPERTIES, member: "GetAll", signature: "s", body: ["org.freedesktop.Secret.Item"] }, name, "read its items");
          const properties = dictionary(all as DbusValue);
          const attributes = dictionary((unwrap(properties.get("Attributes")) ?? []) as DbusValue);
          items.push({ path, label: String(unwrap(properties.get("Label")) ?? ""), attributes: new Map([...attributes].map(([key, value]) => [key, String(value)])) });
        }
        return items;
      },
      async secretOf(item) {
        // KeePassXC may hold the answer while it asks the person to allow the access.
        const [secret] = await call(bus, { path: item.path, interface: "org.freedesktop.Secret.Item", member: "GetSecret", signature: "o", body: [session as string], timeoutMs: PROMPT_DEADLINE_MS }, name, `read the item ${JSON.stringify(printableLine(item.label))}`);
        return (secret as DbusValue[])[2] as Uint8Array;
      },
      async remove(item) {
        const [prompt] = await call(bus, { path: item.path, interface: "org.freedesktop.Secret.Item", member: "Delete", timeoutMs: PROMPT_DEADLINE_MS }, name, `delete the item ${JSON.stringify(printableLine(item.label))}`);
        if (prompt !== "/") await runPrompt(bus, String(prompt), name, "the confirmation of the deletion");
      },
      close() {
        bus.close();
      },
    };
  } catch (error) {
    bus.close();
    throw error;
  }
}

/**
 * As the keyring library finds it: by path alone (GNOME Keyring names a collection's path after its label,
 * escaping other characters as _XX: granted_2daws…), so that no other collection's secrets are ever read.
 */
async function findCollection(bus: DbusConnection, label: string, name: string): Promise<string | undefined> {
  const paths = unwrap(await property(bus, SERVICE_PATH, "org.freedesktop.Secret.Service", "Collections", name)) as string[];
  return paths.find((path) => decodePathLabel(path.slice(path.lastIndexOf("/") + 1)) === label);
}

/** A path element as GNOME Keyring escapes a label: `_2d` for `-`. */
export function decodePathLabel(element: string): string {
  return element.replace(/_([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

async function unlock(bus: DbusConnection, collection: string, name: string): Promise<void> {
  const [, prompt] = await call(bus, { path: SERVICE_PATH, interface: "org.freedesktop.Secret.Service", member: "Unlock", signature: "ao", body: [[collection]] }, name, "unlock it");
  if (prompt !== "/") await runPrompt(bus, String(prompt), name, UNLOCK_DIALOG);
}

/** Shows the Secret Service's own dialog and waits for the person's answer (PROMPT_DEADLINE_MS at most). */
async function runPrompt(bus: DbusConnection, prompt: string, name: string, what: string): Promise<void> {
  const deadline = AbortSignal.timeout(PROMPT_DEADLINE_MS);
  const unlocking = what === UNLOCK_DIALOG;
  // Subscribed (AddMatch is sent at once) before the dialog is asked for, so its answer cannot slip past.
  const completed = bus.nextSignal({ sender: SECRETS, path: prompt, interface: "org.freedesktop.Secret.Prompt", member: "Completed" }, deadline);
  completed.catch(() => {});
  try {
    await call(bus, { path: prompt, interface: "org.freedesktop.Secret.Prompt", member: "Prompt", signature: "s", body: [""] }, name, `show ${what}`);
    const [dismissed] = await completed;
    if (dismissed !== true) return;
  } catch (error) {
    if (!deadline.aborted) throw error instanceof UserError ? error : explain(error, name, `show ${what}`);
    // Not left on the screen for nobody.
    await call(bus, { path: prompt, interface: "org.freedesktop.Secret.Prompt", member: "Dismiss" }, name, `close ${what}`).catch(() => {});
    throw new UserError(`${name}: ${what} got no answer within ${PROMPT_DEADLINE_MS / 1000} s: ${unlocking ? "unlock the keyring first" : "answer it"}, then run again`);
  }
  throw new UserError(
    unlocking
      ? `${name} is locked, and ${what} was dismissed or could not be shown here: unlock the keyring (log in to the desktop, or open Passwords and Keys), then run again`
      : `${name}: ${what} was dismissed or could not be shown here: nothing was removed there`,
  );
}

async function property(bus: DbusConnection, path: string, iface: string, member: string, name: string): Promise<DbusValue> {
  const [value] = await call(bus, { path, interface: PROPERTIES, member: "Get", signature: "ss", body: [iface, member] }, name, `read ${member}`);
  return value as DbusValue;
}

async function call(bus: DbusConnection, request: Omit<MethodCall, "destination">, name: string, what: string): Promise<DbusValue[]> {
  try {
    return await bus.call({ destination: SECRETS, ...request });
  } catch (error) {
    throw explain(error, name, what);
  }
}

/** The Secret Service's own error, as what to do. */
function explain(error: unknown, name: string, what: string): UserError {
  if (!(error instanceof DbusError)) return new UserError(`${name}: could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
  if (/ServiceUnknown|NameHasNoOwner|Spawn/.test(error.errorName)) return new UserError(`${name} cannot be read: no Secret Service is running on the session bus (GNOME Keyring, KWallet, KeePassXC): start it, then run again`);
  if (/IsLocked/.test(error.errorName)) return new UserError(`${name} is locked: unlock the keyring (log in to the desktop, or open Passwords and Keys), then run again`);
  if (/Timeout|NoReply/.test(error.errorName)) return new UserError(`${name}: the Secret Service did not answer in time (could not ${what}): run again`);
  return new UserError(`${name}: could not ${what}: ${error.message}`);
}
