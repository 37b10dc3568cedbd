import { cacheFolder } from "../cache/cacheStore.ts";
import { configFilePath, credentialsFilePath } from "../config/configFilePath.ts";
import { parseCredentialsFile } from "../config/parseAwsConfig.ts";
import { type ConfigFile, readConfigFile } from "../config/readConfigFile.ts";
import { credentialsElsewhere, resolveRoleProfile } from "../config/resolveRoleProfile.ts";
import { type SignInCache, signInCache } from "../config/signInCache.ts";
import { expirationText } from "../credentials/temporaryCredentials.ts";
import type { RoleProfile } from "../config/roleProfile.ts";
import { checkAwsCli } from "../doctor/awsCliCheck.ts";
import { type Check, failed, ok, skipped, warned } from "../doctor/check.ts";
import { checkCredentialProcess, programStatus } from "../doctor/credentialProcessCheck.ts";
import { checkFolder, checkMachineId } from "../doctor/folderChecks.ts";
import { checkMfaSources } from "../doctor/mfaSourcesCheck.ts";
import { findPlaintextSecrets, type SecretPlaces } from "../doctor/plaintextSecrets.ts";
import { clockCheck, networkCheck, proxyVariables, reachSts } from "../doctor/stsReach.ts";
import type { Env } from "../environment.ts";
import { homeFolder } from "../files/homeFolder.ts";
import { stateFolder } from "../files/privateFolder.ts";
import { keyAgeDays, maskKeyId } from "../keys/storedKey.ts";
import { stateFolderPath } from "../log/stateFolder.ts";
import { type OutputStyle, paint } from "../output/outputStyle.ts";
import { printableLine } from "../output/printableText.ts";
import type { Reporter } from "../output/reporter.ts";
import { awsProblem, callerIdentity } from "../sts/accessKeyCalls.ts";
import type { LongTermKey } from "../sts/stsClient.ts";
import { isUserError, UserError } from "../userError.ts";
import { cacheFolderPath } from "../cache/cacheFolder.ts";
import { terminalAvailable } from "./configList.ts";
import { describeProfile } from "./showProfile.ts";

export interface DoctorPlace {
  readonly env: Env;
  readonly gui: boolean;
  readonly reporter: Reporter;
  /** This binary, which every credential_process line should run. */
  readonly binary: string;
  readonly now: Date;
}

/**
 * `doctor [-p NAME]`: the whole chain, one line per check, the fix beside each failure: the config file and
 * each role profile, their credential_process lines, the source profiles' keys (GetCallerIdentity: no MFA),
 * STS through the proxies and against this machine's clock, the MFA sources, the cache and state folders and
 * the machine id, the AWS CLI. Nothing secret is shown and no MFA code is asked for.
 */
export async function runDoctor(place: DoctorPlace, only: string | undefined): Promise<Check[]> {
  const { env } = place;
  const home = homeFolder(env);
  const checks: Check[] = [];
  let config: ConfigFile | undefined;
  try {
    config = readConfigFile(configFilePath(env, home));
  } catch (error) {
    if (!isUserError(error)) throw error;
    checks.push(failed("config file", error.message));
  }
  const profiles: RoleProfile[] = [];
  if (config !== undefined) {
    const names = [...config.profiles].filter(([, settings]) => settings.vegas_role_arn).map(([name]) => name);
    if (only !== undefined && !names.includes(only)) {
      throw new UserError(config.profiles.has(only) ? `doctor -p: profile "${only}" in ${config.path} is not a role profile (it has no vegas_role_arn)` : `doctor -p: profile "${only}" not found in ${config.path}`);
    }
    checks.push(names.length === 0 ? warned("config file", `${config.path} reads as the AWS CLI reads it, but has no role profile (vegas_role_arn)`, "add one with vegas-credentials config add") : ok("config file", `${config.path} reads as the AWS CLI reads it: ${names.length} role profile${names.length === 1 ? "" : "s"}`));
    for (const name of only === undefined ? names : [only]) {
      const { check, profile } = profileCheck(config, name, env);
      checks.push(check, checkCredentialProcess(name, config.profiles.get(name)?.credential_process, place.binary, programStatus));
      if (profile !== undefined) profiles.push(profile);
    }
  }
  const sources = new Map<string, RoleProfile>();
  for (const profile of profiles) if (!sources.has(profile.source.name)) sources.set(profile.source.name, profile);
  for (const profile of sources.values()) checks.push(await sourceKeyCheck(config as ConfigFile, profile, place, home));
  checks.push(...(await networkChecks(profiles, env)));
  const terminal = terminalAvailable();
  for (const profile of sources.values()) checks.push(...(await checkMfaSources(profile.source, env, place.gui, terminal)));
  const cache = safePath(() => cacheFolderPath(env, home));
  if (cache !== undefined) checks.push(checkFolder(cacheFolder(cache)));
  const state = stateFolderPath(env, home);
  checks.push(state === undefined ? warned("state folder", "none: no home folder and no XDG_STATE_HOME, so runs are not logged") : checkFolder(stateFolder(state)));
  checks.push(checkMachineId(), await checkAwsCli(env));
  return checks;
}

/** The show-profile checks of one role profile (its credential_process line has a check of its own). */
function profileCheck(config: ConfigFile, name: string, env: Env): { check: Check; profile: RoleProfile | undefined } {
  const problems = describeProfile(config, name, env).problems.filter((problem) => !problem.includes(": credential_process"));
  let profile: RoleProfile | undefined;
  try {
    profile = resolveRoleProfile(config, name, env);
  } catch {}
  const checkName = `profile ${name}`;
  if (problems.length > 0) return { check: failed(checkName, problems[0] ?? "", problems.length > 1 ? `and ${problems.length - 1} more: vegas-credentials config show-profile -p ${name}` : undefined), profile };
  if (profile === undefined) return { check: failed(checkName, "does not resolve", `vegas-credentials config show-profile -p ${name}`), profile };
  return { check: ok(checkName, `${profile.roleArn} from source profile ${profile.source.name} with ${profile.source.mfaSerial}`), profile };
}

/**
 * The source profile's key: where it is, how old (when its store knows), and whether STS takes it
 * (GetCallerIdentity needs no MFA and no permission). A source whose credentials come from SSO, `aws login`
 * or a program is not read here: the AWS SDK gets those on the run.
 */
async function sourceKeyCheck(config: ConfigFile, profile: RoleProfile, place: DoctorPlace, home: string | undefined): Promise<Check> {
  const source = profile.source;
  const name = `key of ${source.name}`;
  const settings = config.profiles.get(source.name) ?? {};
  const signIn = signInCache(source.name, settings, place.env, home);
  if (signIn !== undefined) return signInCheck(`credentials of ${source.name}`, signIn, place.now);
  const elsewhere = credentialsElsewhere(settings);
  if (elsewhere !== undefined) return skipped(name, `its credentials come from ${elsewhere}, which the AWS SDK reads on each run`);
  let key: LongTermKey | undefined;
  let where: string;
  let age: number | undefined;
  try {
    if (source.keys !== undefined) {
      const { openKeyStore } = await import("../keys/openKeyStore.ts");
      const store = await openKeyStore(source.keys.store, { env: place.env, gui: place.gui, stateFolder: stateFolderPath(place.env, home) });
      const stored = await store.read(source.name);
      if (stored === undefined) return failed(name, `vegas_keys = ${source.keys.store}, but ${store.name} holds no key for ${source.name}`, `vegas-credentials keys add -p ${source.name}`);
      key = { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey };
      where = `in ${store.name}`;
      age = keyAgeDays(stored.addedAt, place.now);
    } else {
      const found = keyInAwsFiles(config, source.name, place.env, home);
      key = found?.key;
      where = found?.where ?? "";
    }
  } catch (error) {
    if (!isUserError(error)) throw error;
    return failed(name, error.message);
  }
  if (key === undefined) return failed(name, `no access key for ${source.name} in the credentials file or the config file`, `vegas-credentials keys add -p ${source.name}, or put it in the credentials file`);
  const shown = `${maskKeyId(key.accessKeyId)} (${where}${age === undefined ? "" : `, ${age} days old`})`;
  try {
    const identity = await callerIdentity(key, { region: profile.sts.region, endpointUrl: profile.sts.endpointUrl }, quiet(place.reporter));
    const maxAge = source.keys?.maxAgeDays ?? 0;
    if (age !== undefined && maxAge > 0 && age > maxAge) return warned(name, `${shown} works (${printableLine(identity.arn)}) but is older than ${maxAge} days`, `vegas-credentials keys rotate -p ${source.name}`);
    return ok(name, `${shown} works: STS says it is ${printableLine(identity.arn)}`);
  } catch (error) {
    const problem = awsProblem(error, "STS", profile.sts.endpointUrl);
    // No answer from STS says nothing of the key: the network line says what is wrong.
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === undefined) return skipped(name, `${shown}: not checked, STS was not reached (${problem})`);
    return failed(name, `${shown}: STS does not take it (${problem})`, `replace it with a working key: vegas-credentials keys add -p ${source.name}`);
  }
}

/** A source that signs in: its session cached and live, or the command that opens it (the tokens are not read). */
function signInCheck(name: string, cache: SignInCache, now: Date): Check {
  const what = `${cache.kind === "login" ? "an aws login session" : "an IAM Identity Center session"} (${cache.setting})`;
  if (cache.expiresAt === undefined) return failed(name, `${what}: ${cache.problem ?? "none"} (${cache.path})`, `run ${cache.signIn}`);
  const until = expirationText(cache.expiresAt);
  if (cache.expiresAt.getTime() > now.getTime()) return ok(name, `${what}, cached until ${until}`);
  const refresh = cache.kind === "login" ? "the SDK refreshes it within 12 hours of aws login" : "the SDK renews it while its refresh token lasts";
  return warned(name, `${what}, cached credentials ended ${until}; ${refresh}`, `if the next run fails, run ${cache.signIn}`);
}

/** The key botocore would find for a profile: its section in the credentials file, else in the config file. */
function keyInAwsFiles(config: ConfigFile, profile: string, env: Env, home: string | undefined): { key: LongTermKey; where: string } | undefined {
  const path = credentialsFilePath(env, home);
  if (path !== undefined) {
    let text: string | undefined;
    try {
      text = (require("node:fs") as typeof import("node:fs")).readFileSync(path, "utf8");
    } catch {}
    const section = text === undefined ? undefined : parseCredentialsFile(text, path).get(profile);
    if (section?.aws_access_key_id && section.aws_secret_access_key) return { key: { accessKeyId: section.aws_access_key_id, secretAccessKey: section.aws_secret_access_key }, where: path };
  }
  const own = config.profiles.get(profile);
  if (own?.aws_access_key_id && own.aws_secret_access_key) return { key: { accessKeyId: own.aws_access_key_id, secretAccessKey: own.aws_secret_access_key }, where: config.path };
  return undefined;
}

/** Each STS endpoint the role profiles use: reached (through the proxy the environment names), and its clock. */
async function networkChecks(profiles: readonly RoleProfile[], env: Env): Promise<Check[]> {
  const endpoints = [...new Set(profiles.map((profile) => profile.sts.endpointUrl))];
  const proxies = proxyVariables(env);
  const checks: Check[] = [ok("proxies", proxies === "" ? "none set in the environment" : proxies)];
  if (endpoints.length === 0) return [...checks, skipped("clock", "not compared: no role profile resolves to an STS endpoint")];
  const reaches = await Promise.all(endpoints.map((endpoint) => reachSts(endpoint, env)));
  checks.push(...reaches.map((reach) => networkCheck(reach, env)));
  const compared = reaches.find((reach) => reach.problem === undefined && reach.skewMs !== undefined) ?? reaches[0];
  if (compared !== undefined) checks.push(clockCheck(compared));
  return checks;
}

function safePath(find: () => string): string | undefined {
  try {
    return find();
  } catch {
    return undefined;
  }
}

/** The doctor's own lines are the report: the SDK's and the store's notices stay out of it (but --verbose). */
function quiet(reporter: Reporter): Reporter {
  return { ...reporter, notice: () => {}, warn: () => {} };
}

const LABELS: Record<Check["status"], string> = { ok: "ok  ", warn: "warn", fail: "FAIL", skip: "-   " };
const COLORS = { ok: "green", warn: "yellow", fail: "red", skip: "dim" } as const;

/** One line per check: its status, what was checked, what was found, and for a failure or warning the fix. */
export function doctorReport(checks: readonly Check[], style: OutputStyle): string {
  return checks
    .map((check) => {
      const fix = check.fix === undefined ? "" : `. Fix: ${check.fix}`;
      return `${paint(style, COLORS[check.status], LABELS[check.status])}  ${printableLine(`${check.name}: ${check.detail}${fix}`, 2000)}`;
    })
    .join("\n");
}

/**
 * `doctor --secrets`: each plaintext AWS secret where malware looks, one line each (the path, what lies there,
 * the fix), or one line saying none was found. Never a secret: paths, line numbers and masked key IDs.
 */
export function secretsReport(places: SecretPlaces, now: Date, style: OutputStyle): { text: string; found: number } {
  const findings = findPlaintextSecrets(places, now);
  if (findings.length === 0) return { text: `${paint(style, "green", "ok  ")}  no plaintext AWS secret in the credentials file, the sign-in caches, the shells' start-up files or .env files`, found: 0 };
  const lines = findings.map((finding) => {
    const exposed = finding.readableByOthers ? " (readable by group or others)" : "";
    return `${paint(style, "red", "FOUND")} ${printableLine(`${finding.path}: ${finding.what}${exposed}. Fix: ${finding.fix}`, 2000)}`;
  });
  return { text: lines.join("\n"), found: findings.length };
}
