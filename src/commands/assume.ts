import { cacheFolderPath } from "../cache/cacheFolder.ts";
import { type CacheStore, openCacheStore } from "../cache/cacheStore.ts";
import type { AssumeArgs } from "./commandArgs.ts";
import type { Reporter } from "../output/reporter.ts";
import { configFilePath } from "../config/configFilePath.ts";
import { credentialIdentity, mfaDeviceIdentity, type RoleProfile } from "../config/roleProfile.ts";
import { cachedProvider } from "../credentials/cachedProvider.ts";
import { mfaLockWaiting } from "../credentials/mfaLockWaiting.ts";
import { resolveProfileWithMemo } from "../credentials/profileMemo.ts";
import { checkProfileChain, extendProfileChain } from "../credentials/profileChain.ts";
import { expirationText, type TemporaryCredentials } from "../credentials/temporaryCredentials.ts";
import { homeFolder } from "../files/homeFolder.ts";
import type { Env } from "../environment.ts";

export type { Env };

/** Loads the miss path's code (the AWS SDK among it) only on a miss: main wires in its lazy entrypoint. */
export type LoadFetchRoleCredentials = () => Promise<typeof import("../credentials/fetchRoleCredentials.ts")>;

/**
 * argv → validated profile → cache → (miss) MFA code → STS → cache → JSON. This is the hot path: everything
 * it imports statically runs on every cache hit, so the miss path is loaded (see lazyModules.ts) only when needed.
 */
export async function assume(args: AssumeArgs, env: Env, reporter: Reporter, loadFetch: LoadFetchRoleCredentials): Promise<string> {
  return credentialProcessJson((await assumeRole(args, env, reporter, loadFetch)).credentials);
}

/**
 * The role's credentials as `assume` gets them (cache, lock, MFA), with the profile they are for. `startedAt`:
 * when this request for them began (a server asks many times per process; see cachedProvider).
 */
export async function assumeRole(args: AssumeArgs, env: Env, reporter: Reporter, loadFetch: LoadFetchRoleCredentials, startedAt?: number): Promise<{ credentials: TemporaryCredentials; profile: RoleProfile }> {
  const home = homeFolder(env);
  const configFile = configFilePath(env, home);
  const folder = cacheFolderPath(env, home);
  const store = openCacheStore(folder);
  store.catch(() => {});
  const profile = await resolveProfileWithMemo(await store.catch(() => undefined), configFile, args.profile, env);
  reporter.record({ profile: profile.name, roleArn: profile.roleArn, mfaSerial: profile.source.mfaSerial });
  checkProfileChain(profile, env);
  const provider = cachedProvider(
    {
      folder,
      store,
      identity: credentialIdentity(profile),
      origin: { profile: profile.name, roleArn: profile.roleArn, sourceProfile: profile.source.name, mfaSerial: profile.source.mfaSerial },
      lock: { identity: mfaDeviceIdentity(profile), waiting: mfaLockWaiting(profile, profile.source.mfaTimeoutSeconds * 1000, reporter) },
    },
    (store) => fetchWithMfa(profile, args, reporter, env, store, loadFetch),
    reporter,
    undefined,
    startedAt,
  );
  return { credentials: await provider(), profile };
}

async function fetchWithMfa(profile: RoleProfile, args: AssumeArgs, reporter: Reporter, env: Env, store: CacheStore, loadFetch: LoadFetchRoleCredentials): Promise<TemporaryCredentials> {
  // Seen by a credential_process the SDK may run for the source profile: it refuses to loop back here.
  extendProfileChain(profile, env);
  const { fetchRoleCredentials } = await loadFetch();
  return fetchRoleCredentials(profile, { gui: args.gui, env, ...(args.mfaCode === undefined ? {} : { mfaCode: args.mfaCode }) }, reporter, store);
}

/** The credential_process v1 document; Expiration in RFC 3339 UTC with a Z. */
export function credentialProcessJson(credentials: TemporaryCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: expirationText(credentials.expiration),
  });
}
