import { cacheFolderPath } from "../cache/cacheFolder.ts";
import { openCacheStore } from "../cache/cacheStore.ts";
import type { AssumeArgs } from "../cli/commandLine.ts";
import type { Reporter } from "../cli/reporter.ts";
import { configFilePath, homeFolder } from "../config/configFilePath.ts";
import { readConfigFile } from "../config/readConfigFile.ts";
import { resolveRoleProfile } from "../config/resolveRoleProfile.ts";
import { credentialIdentity, type RoleProfile } from "../config/roleProfile.ts";
import { cachedProvider } from "../credentials/cachedProvider.ts";
import type { TemporaryCredentials } from "../credentials/temporaryCredentials.ts";
import { loadFetchRoleCredentials } from "../lazyModules.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * argv → validated profile → cache → (miss) MFA code → STS → cache → JSON. This is the hot path: everything
 * it imports statically runs on every cache hit, so the miss path is loaded (see lazyModules.ts) only when needed.
 */
export async function assume(args: AssumeArgs, env: Env, reporter: Reporter): Promise<string> {
  const home = homeFolder(env);
  const folder = cacheFolderPath(env, home);
  const store = openCacheStore(folder);
  store.catch(() => {});
  const config = readConfigFile(configFilePath(env, home));
  const profile = resolveRoleProfile(config, args.profile, env);
  const provider = cachedProvider(
    {
      folder,
      store,
      identity: credentialIdentity(profile),
      origin: { profile: profile.name, roleArn: profile.roleArn, sourceProfile: profile.source.name, mfaSerial: profile.source.mfaSerial },
    },
    () => fetchWithMfa(profile, args, reporter),
    reporter,
  );
  return credentialProcessJson(await provider());
}

async function fetchWithMfa(profile: RoleProfile, args: AssumeArgs, reporter: Reporter): Promise<TemporaryCredentials> {
  const { fetchRoleCredentials } = await loadFetchRoleCredentials();
  return fetchRoleCredentials(profile, { gui: args.gui }, reporter);
}

/** The credential_process v1 document; Expiration in RFC 3339 UTC with a Z. */
export function credentialProcessJson(credentials: TemporaryCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"),
  });
}
