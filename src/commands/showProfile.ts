import { closeNames } from "../config/closeNames.ts";
import { defaultRoleSessionName } from "../config/defaultRoleSessionName.ts";
import type { ConfigFile, Settings } from "../config/readConfigFile.ts";
import { resolveRoleProfile } from "../config/resolveRoleProfile.ts";
import { credentialIdentity, requestedDurationSeconds, type RoleProfile } from "../config/roleProfile.ts";
import { machineSessionNameSources } from "../config/sessionNameSources.ts";
import { type KeyStoreKind, DEFAULT_KEY_MAX_AGE_DAYS, DEFAULT_MFA_SESSION_SECONDS, DEFAULT_MFA_TIMEOUT_SECONDS } from "../config/settingChecks.ts";
import type { Env } from "../environment.ts";
import { windowsCommand } from "../mfa/windowsCommand.ts";
import { type ConsoleChoice, chooseConsole } from "../console/consoleChoice.ts";
import { isUserError } from "../userError.ts";
import { homeFolder } from "../files/homeFolder.ts";
import { stateFolderPath } from "../log/stateFolder.ts";
import { type SignInCache, signInCache } from "../config/signInCache.ts";
import { expirationText } from "../credentials/temporaryCredentials.ts";

/** One setting as resolved: its value and where it came from (a section, a variable, a default). */
export interface SettingRow {
  readonly key: string;
  readonly value: string;
  readonly from: string;
}

export interface ProfileDescription {
  readonly name: string;
  /** The source profile's name and store, when its key is in one (vegas_keys): the caller looks there. */
  readonly keyStore?: { readonly source: string; readonly store: KeyStoreKind };
  readonly file: string;
  readonly rows: readonly SettingRow[];
  /** A short digest of everything that keys the profile's cache entry (see credentialIdentity). */
  readonly checksum: string | undefined;
  readonly problems: readonly string[];
}

const ROLE_KEYS = ["mfa_serial", "vegas_role_arn", "vegas_source_profile", "duration_seconds", "role_session_name", "external_id", "region", "endpoint_url", "sts_regional_endpoints", "credential_process", "vegas_browser", "vegas_browser_profile", "vegas_firefox_containers"];
const SOURCE_KEYS = ["mfa_serial", "region", "vegas_yubikey_serial", "vegas_yubikey_label", "vegas_mfa_timeout", "vegas_mfa_session", "vegas_mfa_session_duration", "vegas_mfa_process", "vegas_keys", "vegas_key_max_age_days", "vegas_browser", "vegas_firefox_containers"];
const KNOWN_VEGAS_KEYS = [...ROLE_KEYS, ...SOURCE_KEYS].filter((key) => key.startsWith("vegas_"));

/** `config show-profile`: every setting after defaults and fallbacks, validated, its problems listed. */
export function describeProfile(config: ConfigFile, name: string, env: Env, now = new Date()): ProfileDescription {
  const settings = config.profiles.get(name);
  const problems: string[] = [];
  let profile: RoleProfile | undefined;
  try {
    profile = resolveRoleProfile(config, name, env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (settings === undefined) return { name, file: config.path, rows: [], checksum: undefined, problems };

  const sourceName = settings.vegas_source_profile;
  const source = sourceName === undefined ? undefined : config.profiles.get(sourceName);
  const roleSection = section(name);
  const sourceSection = sourceName === undefined ? "" : section(sourceName);
  const rows: SettingRow[] = [];
  const fromRole = (key: string, fallback?: [string, string]) => {
    const value = settings[key];
    if (value !== undefined && value !== "") rows.push({ key, value, from: roleSection });
    else if (fallback !== undefined) rows.push({ key, value: fallback[0], from: fallback[1] });
  };
  const fromSource = (key: string, fallback?: [string, string]) => {
    const value = source?.[key];
    if (value !== undefined && value !== "") rows.push({ key, value, from: sourceSection });
    else if (fallback !== undefined) rows.push({ key, value: fallback[0], from: fallback[1] });
  };

  fromRole("vegas_role_arn", ["", "missing"]);
  fromRole("vegas_source_profile", ["", "missing"]);
  fromRole("duration_seconds", ["3600", "default"]);
  if (profile !== undefined && requestedDurationSeconds(profile) < profile.durationSeconds) {
    // STS caps AssumeRole signed by the MFA session (role chaining): the rest comes from the session, silently.
    rows.push({ key: "  asked of STS", value: String(requestedDurationSeconds(profile)), from: "at most 3600 through the MFA session (role chaining); refreshed from the session" });
  }
  fromRole("role_session_name", [safeDefaultSessionName(), "default (your name, user name or host name)"]);
  fromRole("external_id");
  rows.push(regionRow(settings, source, roleSection, sourceSection, profile, env));
  rows.push(endpointRow(settings, roleSection, profile, env));
  fromRole("credential_process", ["", "missing"]);
  // The role profile's own mfa_serial wins, as in the AWS CLI.
  if (settings.mfa_serial) rows.push({ key: "mfa_serial", value: settings.mfa_serial, from: source?.mfa_serial ? `${roleSection} (over ${sourceSection}'s ${source.mfa_serial})` : roleSection });
  else fromSource("mfa_serial", ["", "missing"]);
  fromSource("vegas_yubikey_serial", ["any", "default (the only YubiKey plugged in)"]);
  fromSource("vegas_yubikey_label", [source?.mfa_serial ?? "", "default (mfa_serial)"]);
  if (env.VEGAS_CREDENTIALS_MFA_TIMEOUT) rows.push({ key: "vegas_mfa_timeout", value: env.VEGAS_CREDENTIALS_MFA_TIMEOUT, from: "environment VEGAS_CREDENTIALS_MFA_TIMEOUT" });
  else fromSource("vegas_mfa_timeout", [String(DEFAULT_MFA_TIMEOUT_SECONDS), "default"]);
  fromSource("vegas_mfa_process");
  if (profile?.source.mfaProcess !== undefined) rows.push(programRow(profile.source.mfaProcess, env));
  fromSource("vegas_mfa_session", ["false", "default"]);
  if (profile?.source.mfaSession !== undefined) fromSource("vegas_mfa_session_duration", [String(DEFAULT_MFA_SESSION_SECONDS), "default"]);
  rows.push(...browserRows(settings, source, roleSection, sourceSection, profile, env));
  const signIn = sourceName === undefined || source === undefined ? undefined : signInCache(sourceName, source, env, homeFolder(env));
  if (signIn !== undefined) rows.push(...signInRows(signIn, sourceSection, now));
  else fromSource("vegas_keys", ["-", "default: the source profile's key is wherever the AWS SDK finds it (the credentials file)"]);
  if (profile?.source.keys !== undefined) fromSource("vegas_key_max_age_days", [String(DEFAULT_KEY_MAX_AGE_DAYS), "default"]);

  problems.push(...credentialProcessProblems(name, settings.credential_process, config.path));
  problems.push(...unknownKeys(name, settings, config.path), ...(source === undefined || sourceName === undefined ? [] : unknownKeys(sourceName, source, config.path)));
  const checksum = profile === undefined ? undefined : new Bun.CryptoHasher("sha256").update(credentialIdentity(profile)).digest("hex").slice(0, 16);
  const keys = profile?.source.keys;
  return { name, file: config.path, rows, checksum, problems, ...(keys === undefined || profile === undefined ? {} : { keyStore: { source: profile.source.name, store: keys.store } }) };
}

/**
 * A source that signs in (aws login, IAM Identity Center): where its session is cached and until when, or
 * the command that opens it. The SDK refreshes an aws login session's credentials for up to 12 hours after
 * the sign-in, and an SSO token through its refresh token.
 */
function signInRows(cache: SignInCache, sourceSection: string, now: Date): SettingRow[] {
  const what = cache.kind === "login" ? "an aws login session" : "an IAM Identity Center (SSO) session";
  const rows: SettingRow[] = [{ key: "credentials", value: `${what} (${cache.setting})`, from: sourceSection }];
  if (cache.expiresAt === undefined) return [...rows, { key: "  cache", value: cache.path, from: `${cache.problem ?? "no session"}: run ${cache.signIn}` }];
  const until = expirationText(cache.expiresAt);
  const refresh = cache.kind === "login" ? "refreshed by the SDK for up to 12 hours after aws login" : "renewed through its refresh token while the session lasts";
  if (cache.expiresAt.getTime() > now.getTime()) return [...rows, { key: "  cache", value: cache.path, from: `until ${until}, ${refresh}` }];
  return [...rows, { key: "  cache", value: cache.path, from: `ended ${until}: ${refresh}, else run ${cache.signIn}` }];
}

/** Which browser `login` opens, in which browser profile (its folder, or Firefox's container), or why it cannot. */
function browserRows(settings: Settings, source: Settings | undefined, roleSection: string, sourceSection: string, profile: RoleProfile | undefined, env: Env): SettingRow[] {
  const browser = settings.vegas_browser ? { value: settings.vegas_browser, from: roleSection } : source?.vegas_browser ? { value: source.vegas_browser, from: sourceSection } : undefined;
  if (browser === undefined) return [{ key: "vegas_browser", value: "-", from: "default: login opens your default browser (one console session for every profile)" }];
  const rows: SettingRow[] = [{ key: "vegas_browser", ...browser }];
  if (profile === undefined) return rows;
  let choice: ConsoleChoice;
  try {
    choice = chooseConsole(profile, undefined, env, stateFolderPath(env, homeFolder(env)));
  } catch (error) {
    if (!isUserError(error)) throw error;
    return [...rows, { key: "  opens", value: "-", from: `login cannot open it: ${error.message}` }];
  }
  if (choice.kind === "default") return rows;
  rows.push({ key: "  opens", value: choice.browser.program, from: choice.kind === "safari" ? "Safari: one console session for every profile" : choice.browser.kind === "firefox" ? "Firefox" : "Chromium's kind" });
  if (choice.kind === "safari") return rows;
  rows.push({ key: "vegas_browser_profile", value: choice.browserProfile, from: settings.vegas_browser_profile ? roleSection : "default (the AWS profile's name)" });
  if (choice.kind === "container") rows.push({ key: "  container", value: choice.browserProfile, from: `a Firefox container, through the ${choice.addon} add-on (vegas_firefox_containers)` });
  else rows.push({ key: "  profile folder", value: choice.folder, from: "made 0700 at the first login" });
  return rows;
}

/** The words vegas_mfa_process runs, as this OS splits and finds them (a JSON array: nothing is ambiguous). */
function programRow(words: readonly string[], env: Env, platform: NodeJS.Platform = process.platform): SettingRow {
  const key = "  runs";
  if (platform !== "win32") return { key, value: JSON.stringify(words), from: "split as a shell splits words; no shell runs it" };
  const command = windowsCommand(words, env);
  if (command === undefined) return { key, value: JSON.stringify(words), from: "cannot run: a batch file cannot be given an argument with a line break" };
  const how = command.verbatim ? "; a batch file, run by cmd.exe with its arguments escaped" : "";
  return { key, value: JSON.stringify(command.argv), from: `split by the Windows rules${how}` };
}

function regionRow(settings: Settings, source: Settings | undefined, roleSection: string, sourceSection: string, profile: RoleProfile | undefined, env: Env): SettingRow {
  if (settings.region) return { key: "region", value: settings.region, from: roleSection };
  if (source?.region) return { key: "region", value: source.region, from: sourceSection };
  if (env.AWS_REGION) return { key: "region", value: env.AWS_REGION, from: "environment AWS_REGION" };
  if (env.AWS_DEFAULT_REGION) return { key: "region", value: env.AWS_DEFAULT_REGION, from: "environment AWS_DEFAULT_REGION" };
  if (profile !== undefined && !profile.sts.useGlobalEndpoint) return { key: "region", value: profile.sts.region, from: "default of the role's partition" };
  return { key: "region", value: profile?.sts.region ?? "us-east-1", from: "default (with the global STS endpoint)" };
}

function endpointRow(settings: Settings, roleSection: string, profile: RoleProfile | undefined, env: Env): SettingRow {
  if (settings.endpoint_url) return { key: "endpoint_url", value: settings.endpoint_url, from: roleSection };
  if (env.AWS_ENDPOINT_URL_STS) return { key: "endpoint_url", value: env.AWS_ENDPOINT_URL_STS, from: "environment AWS_ENDPOINT_URL_STS" };
  if (env.AWS_ENDPOINT_URL) return { key: "endpoint_url", value: env.AWS_ENDPOINT_URL, from: "environment AWS_ENDPOINT_URL" };
  if (profile === undefined) return { key: "endpoint_url", value: "", from: "default" };
  return { key: "endpoint_url", value: profile.sts.endpointUrl, from: profile.sts.useGlobalEndpoint ? "default (global endpoint)" : "default (regional endpoint)" };
}

/** The AWS tools run us only through this line, and it must name this very profile. */
function credentialProcessProblems(name: string, line: string | undefined, file: string): string[] {
  const where = `profile "${name}" in ${file}: credential_process`;
  if (line === undefined || line === "") return [`${where} is missing: set it to vegas-credentials assume --profile=${name}, or the AWS tools never ask for these credentials`];
  const words = line.trim().split(/\s+/);
  if (!words.includes("assume")) return [`${where} does not run "vegas-credentials assume": set it to vegas-credentials assume --profile=${name}`];
  const named = words.flatMap((word, index) => (word.startsWith("--profile=") || word.startsWith("-p=") ? [word.slice(word.indexOf("=") + 1)] : word === "--profile" || word === "-p" ? [words[index + 1] ?? ""] : []));
  if (!named.includes(name)) return [`${where} asks for profile "${named[0] ?? ""}", not "${name}": set it to vegas-credentials assume --profile=${name}`];
  if (line.includes("~") || line.includes("$")) return [`${where} uses ~ or $: the AWS tools run it without a shell, so write the full path`];
  return [];
}

/** vegas_ settings this tool does not know: most likely a typo of one it does. */
function unknownKeys(name: string, settings: Settings, file: string): string[] {
  return Object.keys(settings)
    .filter((key) => key.startsWith("vegas_") && !KNOWN_VEGAS_KEYS.includes(key))
    .map((key) => {
      const close = closeNames(key, KNOWN_VEGAS_KEYS, 1);
      return `profile "${name}" in ${file}: ${key} is not a setting of vegas-credentials${close.length > 0 ? ` (did you mean ${close[0]}?)` : ""}`;
    });
}

function section(name: string): string {
  return name === "default" ? "[default]" : `[profile ${name}]`;
}

function safeDefaultSessionName(): string {
  try {
    return defaultRoleSessionName(machineSessionNameSources());
  } catch {
    return "";
  }
}
