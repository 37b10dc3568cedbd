/**
 * Makes cached role credentials old, as time would: real STS never hands out credentials shorter than 15
 * minutes, and the binary refuses ones that are (a wrong clock), so a test that needs credentials near or past
 * their end rewrites the entry through the real cache code (same machine, same user: the same keys).
 */
import { openCacheStore } from "../../src/cache/cacheStore.ts";
import { readEntry, writeEntry } from "../../src/cache/cacheEntries.ts";
import { readConfigFile } from "../../src/config/readConfigFile.ts";
import { resolveRoleProfile } from "../../src/config/resolveRoleProfile.ts";
import { credentialIdentity, mfaSessionIdentity, type RoleProfile } from "../../src/config/roleProfile.ts";
import type { Sandbox } from "./sandbox.ts";

/** The profile's cached role credentials now have `leftSeconds` left (negative: expired) of a `lifetimeSeconds` life. */
export function ageCachedCredentials(sandbox: Sandbox, profileName: string, leftSeconds: number, lifetimeSeconds = 3600): Promise<void> {
  return age(sandbox, profileName, credentialIdentity, leftSeconds, lifetimeSeconds);
}

/** The MFA session that serves the role profile now has `leftSeconds` left. */
export function ageCachedSession(sandbox: Sandbox, roleProfileName: string, leftSeconds: number): Promise<void> {
  return age(sandbox, roleProfileName, mfaSessionIdentity, leftSeconds, 12 * 3600);
}

async function age(sandbox: Sandbox, profileName: string, identityOf: (profile: RoleProfile) => string, leftSeconds: number, lifetimeSeconds: number): Promise<void> {
  const profile = resolveRoleProfile(readConfigFile(sandbox.env.AWS_CONFIG_FILE ?? ""), profileName, sandbox.env);
  const store = await openCacheStore(sandbox.cacheFolder);
  if (store === undefined) throw new Error(`no cache in ${sandbox.cacheFolder}`);
  const identity = identityOf(profile);
  const payload = await readEntry(store, identity);
  if (payload === undefined) throw new Error(`no cached entry ${identity}`);
  const entry = JSON.parse(new TextDecoder().decode(payload));
  const expiration = Date.now() + leftSeconds * 1000;
  entry.credentials.Expiration = new Date(expiration).toISOString();
  entry.fetchedAt = new Date(expiration - lifetimeSeconds * 1000).toISOString();
  await writeEntry(store, identity, new TextEncoder().encode(JSON.stringify(entry)));
}
