import { buildInfo } from "../buildInfo.ts";
import type { CacheStore } from "../cache/cacheStore.ts";
import { MEMO_SUFFIX } from "../cache/cacheFileNames.ts";
import { readSealed, writeSealed } from "../cache/sealedFiles.ts";
import { readConfigFile } from "../config/readConfigFile.ts";
import { RESOLUTION_VARIABLES, resolveRoleProfile } from "../config/resolveRoleProfile.ts";
import type { RoleProfile } from "../config/roleProfile.ts";
import type { Env } from "../environment.ts";
import { fileVersion } from "../files/fileVersion.ts";

/**
 * A file's content is only trusted to its stat once its last change is this old: a write within the same
 * timestamp tick as the look (same size, same mtime and ctime) would otherwise go unseen. Any later change
 * gets a later ctime than the one recorded.
 */
const SETTLED_MS = 3_000;

/**
 * The profile as resolveRoleProfile makes it, from a sealed memo when the config file is the very file it was
 * made from (device, inode, size, mtime and ctime to the nanosecond), by this very build, and the environment
 * gives resolution the same values: a cache hit then costs the same with a 5,000-profile config as with a 10-line one. Anything
 * else reads and resolves the file, and leaves a memo for the next run.
 */
export async function resolveProfileWithMemo(store: CacheStore | undefined, configFile: string, name: string, env: Env): Promise<RoleProfile> {
  const before = fileVersion(configFile);
  // The build too: another version may resolve the same file otherwise (a new check, a new field).
  const identity = JSON.stringify(["profile-memo", buildInfo.version, buildInfo.commit, configFile, name, ...RESOLUTION_VARIABLES.map((variable) => env[variable] ?? null)]);
  if (store !== undefined && before !== undefined) {
    const memo = await readMemo(store, identity);
    if (memo !== undefined && memo.version === before.version) return memo.profile;
  }
  const profile = resolveRoleProfile(readConfigFile(configFile), name, env);
  // Only for a file that did not change while it was read, and whose last change is older than a tick.
  const after = fileVersion(configFile);
  if (store !== undefined && after !== undefined && after.version === before?.version && Date.now() - after.changedAtMs > SETTLED_MS) {
    const memo = new TextEncoder().encode(JSON.stringify({ version: after.version, profile }));
    await writeSealed(store, identity, MEMO_SUFFIX, memo).catch(() => {});
  }
  return profile;
}

async function readMemo(store: CacheStore, identity: string): Promise<{ version: string; profile: RoleProfile } | undefined> {
  const bytes = await readSealed(store, identity, MEMO_SUFFIX);
  if (bytes === undefined) return undefined;
  try {
    const memo = JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown; profile?: unknown };
    return typeof memo.version === "string" && typeof memo.profile === "object" && memo.profile !== null ? { version: memo.version, profile: memo.profile as RoleProfile } : undefined;
  } catch {
    return undefined;
  }
}
