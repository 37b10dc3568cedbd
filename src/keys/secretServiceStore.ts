import { findProgram } from "../mfa/findProgram.ts";
import { runProgram } from "../mfa/runProgram.ts";
import { printableLine } from "../output/printableText.ts";
import { UserError } from "../userError.ts";
import { KEY_SERVICE, type KeyStore } from "./keyStore.ts";
import { decodeStoredKey, encodeStoredKey, type KeyListing, listingOf, type StoredKey } from "./storedKey.ts";

const NAME = "the Secret Service";
/** An unlock dialog may be on the screen: the person gets time to answer it, not forever. */
const DEADLINE_MS = 60_000;
/** The attributes that find our items; every other detail is inside the secret (store replaces by attributes). */
const APPLICATION = ["application", KEY_SERVICE] as const;

/**
 * The Secret Service of the desktop session (GNOME Keyring, KWallet, KeePassXC) through `secret-tool`
 * (libsecret): the secret goes on its stdin, never in argv. `search --unlock` rather than `lookup`: lookup
 * says nothing when the keyring is locked, as if no key were there.
 */
export function secretServiceStore(env: Record<string, string | undefined>): KeyStore {
  const program = findProgram("secret-tool", env, ["/usr/bin"]);
  const tool = () => {
    if (program === undefined) throw new UserError(`${NAME}: secret-tool is not installed: install libsecret-tools (Debian, Ubuntu) or libsecret (Fedora, Arch), or use vegas_keys = file`);
    return program;
  };
  const run = async (args: string[], stdin?: string) => {
    const signal = AbortSignal.timeout(DEADLINE_MS);
    const result = await runProgram({ argv: [tool(), ...args], stdin, signal });
    if (result.exitCode === undefined && signal.aborted) throw new UserError(`${NAME} did not answer within ${DEADLINE_MS / 1000} s (an unlock dialog left open?): answer it, or unlock the keyring first`);
    return result;
  };
  return {
    name: NAME,
    async read(profile) {
      const items = await search(run, ["profile", profile]);
      return items.map((secret) => decodeStoredKey(secret, profile)).find((key) => key !== undefined);
    },
    async write(key: StoredKey) {
      const label = `vegas-credentials: AWS access key of profile ${key.profile}`;
      const result = await run(["store", `--label=${label}`, ...APPLICATION, "profile", key.profile], encodeStoredKey(key));
      if (result.exitCode !== 0) throw failure(result.stderr, "store the key");
    },
    async remove(profile) {
      const found = (await search(run, ["profile", profile])).length > 0;
      if (!found) return false;
      const result = await run(["clear", ...APPLICATION, "profile", profile]);
      if (result.exitCode !== 0 && result.stderr.trim() !== "") throw failure(result.stderr, "remove the key");
      return true;
    },
    async list(): Promise<KeyListing[]> {
      return (await search(run, [])).flatMap((secret) => listingOf(secret) ?? []);
    },
  };
}

type Run = (args: string[], stdin?: string) => Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;

/** The secrets of our items that also carry `attributes`; a locked keyring is an error, not an empty answer. */
async function search(run: Run, attributes: string[]): Promise<string[]> {
  const result = await run(["search", "--all", "--unlock", ...APPLICATION, ...attributes]);
  // It reports a locked item on stderr and still exits 0.
  if (/locked/i.test(result.stderr) || (result.exitCode !== 0 && result.stderr.trim() !== "")) throw failure(result.stderr, "read the keys");
  return result.stdout
    .split("\n")
    .filter((line) => line.startsWith("secret = "))
    .map((line) => line.slice("secret = ".length));
}

/** secret-tool's own words, turned into what to do. */
function failure(stderr: string, what: string): UserError {
  const said = stderr.trim();
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|address is empty|Could not connect|Failed to connect|Connection refused|No such file or directory.*bus/i.test(said)) {
    return new UserError(`${NAME} cannot be reached: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS); log in to a desktop session, or use vegas_keys = file on machines without one`);
  }
  if (/ServiceUnknown|not provided by any \.service|org\.freedesktop\.secrets was not provided/i.test(said)) {
    return new UserError(`${NAME} is not running on the session bus: start GNOME Keyring, KWallet or KeePassXC's Secret Service, or use vegas_keys = file`);
  }
  if (/locked|prompt|dismiss|cancel|collection\/login/i.test(said)) {
    return new UserError(`${NAME}: the keyring is locked and could not be unlocked here (no unlock dialog, or it was cancelled): unlock it (log in to the desktop, or open Passwords and Keys), then run again`);
  }
  return new UserError(`${NAME}: secret-tool could not ${what}: ${printableLine(said.split("\n")[0] ?? "") || "it failed without saying why"}`);
}
