import type { RoleProfile } from "../config/roleProfile.ts";
import { homeFolder } from "../files/homeFolder.ts";
import { stateFolderPath } from "../log/stateFolder.ts";
import { tellTerminal } from "../output/terminalNotice.ts";
import type { Reporter } from "../output/reporter.ts";
import type { LongTermKey } from "../sts/stsClient.ts";
import { UserError } from "../userError.ts";

/**
 * The source profile's long-term key from its store (`vegas_keys`), read only when STS must be called with it
 * (a miss without a live MFA session): never on a hit. undefined when the profile keeps its key where the SDK
 * finds it. A key older than vegas_key_max_age_days gets one line at the terminal.
 */
export async function storedSourceKey(profile: RoleProfile, asking: { env: Record<string, string | undefined>; gui: boolean }, reporter: Reporter, now = new Date()): Promise<LongTermKey | undefined> {
  const { keys, name } = profile.source;
  if (keys === undefined) return undefined;
  const [{ openKeyStore }, { keyAgeDays, maskKeyId }] = await Promise.all([import("../keys/openKeyStore.ts"), import("../keys/storedKey.ts")]);
  const store = await openKeyStore(keys.store, { ...asking, stateFolder: stateFolderPath(asking.env, homeFolder(asking.env)) });
  reporter.verbose(`reading the key of source profile "${name}" from ${store.name}`);
  const key = await store.read(name);
  if (key === undefined) {
    throw new UserError(`profile "${profile.name}": its source profile "${name}" has vegas_keys = ${keys.store}, but ${store.name} holds no key for it: store one with vegas-credentials keys add -p ${name}`);
  }
  const age = keyAgeDays(key.addedAt, now);
  if (keys.maxAgeDays > 0 && age > keys.maxAgeDays) {
    const line = `the access key of profile "${name}" (${maskKeyId(key.accessKeyId)}) is ${age} days old: rotate it with vegas-credentials keys rotate -p ${name}`;
    reporter.verbose(line);
    tellTerminal(`vegas-credentials: ${line}`);
  }
  return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
}
