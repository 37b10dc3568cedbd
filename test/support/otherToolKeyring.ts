/**
 * Items in a real Secret Service laid out exactly as aws-vault and granted write them: their keyring library
 * (99designs/keyring secretservice.go, with gsterjov/go-libsecret) stores one item per key in a collection
 * named after the tool, labelled with the key, one attribute `profile=<key>`, the secret the JSON of its Item
 * (`Data`: the base64 of Go's JSON of aws.Credentials), content type application/json.
 *
 * The library makes its collection with CreateCollection, which asks for a password through a prompter this
 * headless keyring does not have; GNOME Keyring's own interface for making one with a password is used instead.
 */
import { connectToBus, type DbusConnection } from "../../src/dbus/dbusConnection.ts";
import { type DbusValue, unwrap, variant } from "../../src/dbus/dbusWire.ts";

const SECRETS = "org.freedesktop.secrets";
const SERVICE = "/org/freedesktop/secrets";

/** What Go's json.Marshal makes of aws.Credentials (aws-sdk-go-v2), field for field. */
export function awsCredentialsJson(key: { id: string; secret: string; sessionToken?: string }): string {
  return JSON.stringify({ AccessKeyID: key.id, SecretAccessKey: key.secret, SessionToken: key.sessionToken ?? "", Source: "", CanExpire: false, Expires: "0001-01-01T00:00:00Z", AccountID: "" });
}

/** keyring.Item as Go's json.Marshal writes it ([]byte as standard base64). */
export function keyringItemJson(key: string, data: string, label = ""): string {
  return JSON.stringify({ Key: key, Data: Buffer.from(data).toString("base64"), Label: label, Description: "", KeychainNotTrustApplication: false, KeychainNotSynchronizable: false });
}

export class OtherToolKeyring {
  private constructor(
    private readonly bus: DbusConnection,
    private readonly session: string,
  ) {}

  static async open(env: { DBUS_SESSION_BUS_ADDRESS: string }): Promise<OtherToolKeyring> {
    const bus = await connectToBus(env.DBUS_SESSION_BUS_ADDRESS.replace(/^unix:path=/, ""), 10_000);
    const [, session] = await bus.call({ destination: SECRETS, path: SERVICE, interface: "org.freedesktop.Secret.Service", member: "OpenSession", signature: "sv", body: ["plain", variant("s", "")] });
    return new OtherToolKeyring(bus, session as string);
  }

  /** The collection labelled `label`, made with `password` if it is not there yet. */
  async collection(label: string, password = "collection-password"): Promise<string> {
    const found = await this.findCollection(label);
    if (found !== undefined) return found;
    const [path] = await this.bus.call({
      destination: SECRETS,
      path: SERVICE,
      interface: "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
      member: "CreateWithMasterPassword",
      signature: "a{sv}(oayays)",
      body: [[["org.freedesktop.Secret.Collection.Label", variant("s", label)]], [this.session, new Uint8Array(), new TextEncoder().encode(password), "text/plain"]],
    });
    return path as string;
  }

  /** As the keyring library's Set does it: CreateItem(label = key, {profile: key}, Item JSON, replace). */
  setItem(collectionLabel: string, key: string, itemJson: string): Promise<void> {
    return this.createItem(collectionLabel, key, [["profile", key]], itemJson, "application/json");
  }

  /** An item another program made in the same collection (a Wi-Fi password, a browser's): not the library's layout. */
  setOtherItem(collectionLabel: string, label: string, attributes: [string, string][], secret: string): Promise<void> {
    return this.createItem(collectionLabel, label, attributes, secret, "text/plain");
  }

  private async createItem(collectionLabel: string, label: string, attributes: [string, string][], secret: string, contentType: string): Promise<void> {
    const collection = await this.collection(collectionLabel);
    await this.bus.call({
      destination: SECRETS,
      path: collection,
      interface: "org.freedesktop.Secret.Collection",
      member: "CreateItem",
      signature: "a{sv}(oayays)b",
      body: [
        [
          ["org.freedesktop.Secret.Item.Label", variant("s", label)],
          ["org.freedesktop.Secret.Item.Attributes", variant("a{ss}", attributes)],
        ],
        [this.session, new Uint8Array(), new TextEncoder().encode(secret), contentType],
        true,
      ],
    });
  }

  /** The labels of the collection's items (what aws-vault list shows as its credentials). */
  async labels(collectionLabel: string): Promise<string[]> {
    const collection = await this.findCollection(collectionLabel);
    if (collection === undefined) return [];
    const items = unwrap(await this.get(collection, "org.freedesktop.Secret.Collection", "Items")) as string[];
    const labels: string[] = [];
    for (const item of items) labels.push(String(unwrap(await this.get(item, "org.freedesktop.Secret.Item", "Label"))));
    return labels.sort();
  }

  /** Locks the collection, as the desktop does on idle or at log-out (no prompt is needed to lock). */
  async lock(collectionLabel: string): Promise<void> {
    const collection = await this.collection(collectionLabel);
    await this.bus.call({ destination: SECRETS, path: SERVICE, interface: "org.freedesktop.Secret.Service", member: "Lock", signature: "ao", body: [[collection]] });
  }

  async deleteCollection(collectionLabel: string): Promise<void> {
    const collection = await this.findCollection(collectionLabel);
    if (collection !== undefined) await this.bus.call({ destination: SECRETS, path: collection, interface: "org.freedesktop.Secret.Collection", member: "Delete" });
  }

  close(): void {
    this.bus.close();
  }

  private async findCollection(label: string): Promise<string | undefined> {
    const paths = unwrap(await this.get(SERVICE, "org.freedesktop.Secret.Service", "Collections")) as string[];
    for (const path of paths) if (unwrap(await this.get(path, "org.freedesktop.Secret.Collection", "Label")) === label) return path;
    return undefined;
  }

  private async get(path: string, iface: string, property: string): Promise<DbusValue> {
    const [value] = await this.bus.call({ destination: SECRETS, path, interface: "org.freedesktop.DBus.Properties", member: "Get", signature: "ss", body: [iface, property] });
    return value as DbusValue;
  }
}
