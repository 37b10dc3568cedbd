/**
 * The cache hit's steps, one at a time, for bench/cached-assume-instructions.sh: compiled like the binary, run
 * with the step to stop after, so callgrind can count what each step adds. The steps are the real functions
 * the hit path calls (src/commands/assume.ts, src/main.ts), in their order:
 *   load      the hit path's modules loaded, nothing run
 *   store     + the home, the config and cache paths, the cache folder checked, the machine secret read,
 *               the keys derived (HKDF)
 *   profile   + the profile resolved (the sealed memo, or the config file read and checked)
 *   entry     + the whole of assumeRole: the entry read, opened (AES-256-GCM) and its refresh rule applied
 *   output    + the credential_process JSON handed over on stdout
 *   log       + the run's log line (all that `assume` does on a hit)
 */
import { cacheFolderPath } from "../src/cache/cacheFolder.ts";
import { openCacheStore } from "../src/cache/cacheStore.ts";
import { assumeRole, credentialProcessJson } from "../src/commands/assume.ts";
import { configFilePath } from "../src/config/configFilePath.ts";
import { resolveProfileWithMemo } from "../src/credentials/profileMemo.ts";
import { homeFolder } from "../src/files/homeFolder.ts";
import { writeRunLog } from "../src/log/runLog.ts";
import { stateFolderPath } from "../src/log/stateFolder.ts";
import { handOver } from "../src/output/handOver.ts";
import { outputStyle } from "../src/output/outputStyle.ts";
import { personReporter } from "../src/output/reporter.ts";

const STEPS = ["load", "store", "profile", "entry", "output", "log"];
const PROFILE = "frank@concerts";

async function main(stop: string): Promise<number> {
  if (!STEPS.includes(stop)) throw new Error(`unknown step ${stop}: ${STEPS.join(", ")}`);
  if (stop === "load") return 0;
  const env = process.env;
  const reporter = personReporter(false, outputStyle({ color: true, emoji: true }, env, true));
  const home = homeFolder(env);
  if (stop === "store" || stop === "profile") {
    const store = await openCacheStore(cacheFolderPath(env, home));
    if (store === undefined) throw new Error("no cache: fill it first");
    if (stop === "profile") await resolveProfileWithMemo(store, configFilePath(env, home), PROFILE, env);
    return 0;
  }
  // assumeRole opens the store and resolves the profile itself: what `entry` adds over `profile` is the rest.
  const missed = () => Promise.reject(new Error("a cache miss: the probe only measures hits"));
  const { credentials } = await assumeRole({ profile: PROFILE, gui: true, verbose: false, color: true, emoji: true }, env, reporter, missed);
  if (stop === "entry") return 0;
  await handOver(credentialProcessJson(credentials));
  if (stop === "output") return 0;
  const folder = stateFolderPath(env, home);
  if (folder !== undefined) await writeRunLog(folder, { command: "assume", facts: reporter.facts, exitCode: 0, error: undefined, durationMs: performance.now() });
  return 0;
}

main(process.argv[2] ?? "log").then((code) => process.exit(code));
