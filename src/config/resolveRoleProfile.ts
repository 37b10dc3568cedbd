import { UserError } from "../userError.ts";
import { closeNames } from "./closeNames.ts";
import { shellWords } from "./parseAwsConfig.ts";
import { windowsCommandWords } from "./windowsCommandWords.ts";
import type { ConfigFile, Settings } from "./readConfigFile.ts";
import type { RoleProfile, SourceKeys, SourceProfile, StsTarget } from "./roleProfile.ts";
import {
  checkEndpointUrl,
  checkExternalId,
  checkMfaSerial,
  checkRegion,
  checkRoleArn,
  checkRoleSessionName,
  checkStsRegionalEndpoints,
  DEFAULT_MFA_SESSION_SECONDS,
  DEFAULT_KEY_MAX_AGE_DAYS,
  DEFAULT_MFA_TIMEOUT_SECONDS,
  parseDurationSeconds,
  parseKeyMaxAgeDays,
  parseKeyStore,
  parseFlag,
  parseMfaSessionSeconds,
  parseMfaTimeoutSeconds,
} from "./settingChecks.ts";
import { quoteValue } from "../output/printableText.ts";

const DEFAULT_DURATION_SECONDS = 3600;
const DEFAULT_REGION = "us-east-1";

/**
 * Every environment variable resolution reads (besides AWS_CONFIG_FILE, which names the file): a memo of a
 * resolved profile is keyed by their values (see profileMemo.ts), so keep this list whole.
 */
export const RESOLUTION_VARIABLES = ["VEGAS_CREDENTIALS_MFA_TIMEOUT", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"] as const;

/**
 * Turns one profile of the config file into a validated RoleProfile, or throws the one line to fix.
 * `platform` decides how vegas_mfa_process is split into words (a shell's rules, or Windows').
 */
export function resolveRoleProfile(
  config: ConfigFile,
  profileName: string,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): RoleProfile {
  const settings = config.profiles.get(profileName);
  if (settings === undefined) throw new UserError(missingProfileMessage(config, profileName));
  const where = new Where(config.path, profileName);

  for (const plainKey of ["role_arn", "source_profile"]) {
    if (settings[plainKey] !== undefined) {
      throw where.error(
        plainKey,
        `is set, so the AWS tools would assume the role themselves and never run credential_process: rename it to vegas_${plainKey}`,
      );
    }
  }
  const roleArn = where.required(settings, "vegas_role_arn", "the ARN of the role to assume");
  where.check("vegas_role_arn", checkRoleArn(roleArn));
  const sourceName = where.required(settings, "vegas_source_profile", "the profile whose credentials and MFA device assume the role");
  if (sourceName === profileName) {
    throw where.error("vegas_source_profile", `names this profile itself: point it at the profile that holds your long-term keys and mfa_serial`);
  }
  const source = resolveSourceProfile(config, sourceName, where, env, platform, settings);
  const sourceSettings = config.profiles.get(sourceName) ?? {};

  return {
    name: profileName,
    configFile: config.path,
    roleArn,
    durationSeconds: durationSeconds(settings, where),
    roleSessionName: where.optional(settings, "role_session_name", checkRoleSessionName),
    externalId: where.optional(settings, "external_id", checkExternalId),
    sts: stsTarget(roleArn, settings, sourceSettings, where, new Where(config.path, sourceName), env),
    source,
    console: consoleSettings(profileName, settings, sourceName, sourceSettings),
  };
}

function consoleSettings(profileName: string, settings: Settings, sourceName: string, sourceSettings: Settings): RoleProfile["console"] {
  const either = (key: string) => (settings[key] ? { value: settings[key], from: profileName } : sourceSettings[key] ? { value: sourceSettings[key], from: sourceName } : undefined);
  return { browser: either("vegas_browser"), browserProfile: settings.vegas_browser_profile || undefined, firefoxContainers: either("vegas_firefox_containers") };
}

/**
 * The source profile's settings, and the MFA device: the role profile's mfa_serial when it has one (the AWS CLI
 * reads it there; botocore's own role provider reads only that one), else the source profile's.
 */
function resolveSourceProfile(config: ConfigFile, sourceName: string, roleWhere: Where, env: Record<string, string | undefined>, platform: NodeJS.Platform, roleSettings?: Settings): SourceProfile {
  const settings = config.profiles.get(sourceName);
  const alone = roleWhere.profile === sourceName;
  if (settings === undefined) {
    const close = closeNames(sourceName, config.profiles.keys());
    const hint = close.length > 0 ? ` (did you mean ${close.map((name) => `"${name}"`).join(", ")}?)` : "";
    throw roleWhere.error(
      "vegas_source_profile",
      `names profile "${sourceName}", which is not in the file${hint}: add [${sectionName(sourceName)}] with mfa_serial there`,
    );
  }
  const where = alone ? roleWhere : new Where(config.path, sourceName, roleWhere.profile);
  const roleSerial = roleSettings === undefined ? undefined : roleWhere.optional(roleSettings, "mfa_serial", checkMfaSerial);
  const mfaSerial = roleSerial ?? where.required(settings, "mfa_serial", "the ARN or serial number of your MFA device");
  if (roleSerial === undefined) where.check("mfa_serial", checkMfaSerial(mfaSerial));
  const yubikeySerial = where.optional(settings, "vegas_yubikey_serial", (value) =>
    /^\d+$/.test(value) ? undefined : `${quoteValue(value)} is not a YubiKey serial number (digits, as ykman list --serials shows)`,
  );
  return {
    name: sourceName,
    mfaSerial,
    yubikeySerial,
    yubikeyLabel: where.optional(settings, "vegas_yubikey_label", () => undefined) ?? mfaSerial,
    mfaTimeoutSeconds: mfaTimeoutSeconds(settings, where, env),
    mfaSession: mfaSession(settings, where),
    mfaProcess: mfaProcess(settings, where, platform),
    credentialsFrom: settings.vegas_keys ? "store" : credentialsFrom(settings),
    keys: sourceKeys(settings, where),
  };
}

function sourceKeys(settings: Settings, where: Where): SourceKeys | undefined {
  const maxAge = where.optional(settings, "vegas_key_max_age_days", (text) => {
    const days = parseKeyMaxAgeDays(text);
    return typeof days === "string" ? days : undefined;
  });
  const store = where.optional(settings, "vegas_keys", (text) => {
    const kind = parseKeyStore(text);
    return kind === "os" || kind === "file" ? undefined : kind;
  });
  if (store === undefined) {
    if (maxAge !== undefined) throw where.error("vegas_key_max_age_days", "is set but vegas_keys is not: the age of a key is known only in a store (vegas-credentials keys import moves it there)");
    return undefined;
  }
  if (credentialsElsewhere(settings) !== undefined) {
    throw where.error("vegas_keys", "is set on a profile whose credentials come from elsewhere (SSO, aws login, a role or a credential_process): remove it, or those settings");
  }
  return { store: store as SourceKeys["store"], maxAgeDays: maxAge === undefined ? DEFAULT_KEY_MAX_AGE_DAYS : Number(maxAge) };
}

function mfaProcess(settings: Settings, where: Where, platform: NodeJS.Platform): string[] | undefined {
  const split = platform === "win32" ? windowsCommandWords : shellWords;
  const value = where.optional(settings, "vegas_mfa_process", (text) => {
    const words = split(text);
    if (words === undefined) {
      return platform === "win32"
        ? "has an unclosed double quote: put paths with spaces in double quotes, as on a Windows command line (no pipes: it is not run by a shell)"
        : "has an unclosed quote or a trailing backslash: write it as you would in a shell (no pipes: it is not run by one)";
    }
    if (words.length === 0) return "is empty: name the program that prints the code";
    // Single quotes are plain characters on Windows: a program named in them is never found.
    if (platform === "win32" && (words[0] ?? "").startsWith("'")) return "names the program in single quotes, which Windows takes literally: use double quotes";
    return undefined;
  });
  return value === undefined ? undefined : split(value);
}

/** The settings by which a profile gets credentials from something other than an access key of its own. */
const CREDENTIALS_ELSEWHERE = ["sso_session", "sso_start_url", "credential_process", "role_arn", "credential_source", "login_session"] as const;

/** The first of those the profile sets (SSO, a program, a role, the instance, `aws login`), or undefined: its key is its own. */
export function credentialsElsewhere(settings: Settings): string | undefined {
  return CREDENTIALS_ELSEWHERE.find((key) => settings[key]);
}

function credentialsFrom(settings: Settings): SourceProfile["credentialsFrom"] {
  if (settings.sso_session || settings.sso_start_url) return "sso";
  if (settings.login_session) return "login";
  if (settings.role_arn) return "role";
  if (settings.credential_process) return "process";
  if (settings.credential_source) return "credential_source";
  return "keys";
}

/** The environment wins over the profile: a script can give a slow YubiKey user more time for one run. */
function mfaTimeoutSeconds(settings: Settings, where: Where, env: Record<string, string | undefined>): number {
  const fromEnv = env.VEGAS_CREDENTIALS_MFA_TIMEOUT;
  if (fromEnv !== undefined && fromEnv !== "") {
    const seconds = parseMfaTimeoutSeconds(fromEnv.trim());
    if (typeof seconds === "string") throw new UserError(`environment variable VEGAS_CREDENTIALS_MFA_TIMEOUT ${seconds}`);
    return seconds;
  }
  const value = where.optional(settings, "vegas_mfa_timeout", (text) => {
    const seconds = parseMfaTimeoutSeconds(text);
    return typeof seconds === "string" ? seconds : undefined;
  });
  return value === undefined ? DEFAULT_MFA_TIMEOUT_SECONDS : Number(value);
}

function mfaSession(settings: Settings, where: Where): SourceProfile["mfaSession"] {
  const enabled = settings.vegas_mfa_session === undefined || settings.vegas_mfa_session === "" ? false : parseFlag(settings.vegas_mfa_session);
  if (typeof enabled === "string") throw where.error("vegas_mfa_session", enabled);
  const duration = settings.vegas_mfa_session_duration;
  if (duration === undefined || duration === "") return enabled ? { durationSeconds: DEFAULT_MFA_SESSION_SECONDS } : undefined;
  if (!enabled) throw where.error("vegas_mfa_session_duration", "is set but vegas_mfa_session is not true: set vegas_mfa_session = true, or remove the duration");
  const seconds = parseMfaSessionSeconds(duration);
  if (typeof seconds === "string") throw where.error("vegas_mfa_session_duration", seconds);
  return { durationSeconds: seconds };
}

function durationSeconds(settings: Settings, where: Where): number {
  const value = settings.duration_seconds;
  if (value === undefined || value === "") return DEFAULT_DURATION_SECONDS;
  const parsed = parseDurationSeconds(value);
  if (typeof parsed === "string") throw where.error("duration_seconds", parsed);
  return parsed;
}

function stsTarget(
  roleArn: string,
  settings: Settings,
  sourceSettings: Settings,
  where: Where,
  sourceWhere: Where,
  env: Record<string, string | undefined>,
): StsTarget {
  const roleRegion = where.optional(settings, "region", checkRegion);
  const sourceRegion = sourceWhere.optional(sourceSettings, "region", checkRegion);
  const envRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const partition = PARTITIONS[partitionOf(roleArn)];
  const region = roleRegion ?? sourceRegion ?? envRegion ?? partition.defaultRegion;
  const regionalEndpoints = where.optional(settings, "sts_regional_endpoints", checkStsRegionalEndpoints);
  const endpoint =
    where.optional(settings, "endpoint_url", checkEndpointUrl) ?? (env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined);
  if (endpoint === undefined && !partition.regions.test(region)) {
    throw where.error(
      "region",
      `is ${region}, which is not in the ${partitionOf(roleArn)} partition of vegas_role_arn: set region to one of its regions (like ${partition.defaultRegion}) on the role profile`,
    );
  }
  const noRegionConfigured = roleRegion === undefined && sourceRegion === undefined && envRegion === undefined;
  // Only the aws partition has a global endpoint (sts.amazonaws.com).
  const useGlobalEndpoint = endpoint === undefined && partition.globalEndpoint && (noRegionConfigured || regionalEndpoints === "legacy");
  return {
    region,
    endpoint,
    useGlobalEndpoint,
    endpointUrl: endpoint ?? (useGlobalEndpoint ? "https://sts.amazonaws.com" : `https://sts.${region}.${partition.dnsSuffix}`),
  };
}

/**
 * Where each partition's STS lives, the region its roles use when none is configured, and the hosts of its
 * console and of the sign-in endpoint that federates into it.
 */
const PARTITIONS = {
  aws: {
    defaultRegion: DEFAULT_REGION,
    dnsSuffix: "amazonaws.com",
    globalEndpoint: true,
    regions: /^(?!cn-|us-gov-|us-iso)[a-z]{2}(-[a-z]+)+-\d+$/,
    signinHost: "signin.aws.amazon.com",
    consoleHost: "console.aws.amazon.com",
    iam: { endpointUrl: "https://iam.amazonaws.com", region: "us-east-1" },
  },
  "aws-cn": {
    defaultRegion: "cn-north-1",
    dnsSuffix: "amazonaws.com.cn",
    globalEndpoint: false,
    regions: /^cn-[a-z]+-\d+$/,
    signinHost: "signin.amazonaws.cn",
    consoleHost: "console.amazonaws.cn",
    iam: { endpointUrl: "https://iam.cn-north-1.amazonaws.com.cn", region: "cn-north-1" },
  },
  "aws-us-gov": {
    defaultRegion: "us-gov-west-1",
    dnsSuffix: "amazonaws.com",
    globalEndpoint: false,
    regions: /^us-gov-[a-z]+-\d+$/,
    signinHost: "signin.amazonaws-us-gov.com",
    consoleHost: "console.amazonaws-us-gov.com",
    iam: { endpointUrl: "https://iam.us-gov.amazonaws.com", region: "us-gov-west-1" },
  },
} as const;

/** The partition of a role (aws, aws-cn, aws-us-gov), with its console, sign-in and region facts. */
export function partitionOfRole(roleArn: string): (typeof PARTITIONS)[keyof typeof PARTITIONS] & { readonly name: string } {
  const name = partitionOf(roleArn);
  return { ...PARTITIONS[name], name };
}

function partitionOf(roleArn: string): keyof typeof PARTITIONS {
  const partition = roleArn.split(":")[1];
  return partition === "aws-cn" || partition === "aws-us-gov" ? partition : "aws";
}

/**
 * A source profile on its own, for the `keys` commands: its MFA device and settings when it has mfa_serial
 * (undefined when it has none, or is not in the config file at all: only in the credentials file), its store,
 * and where its STS and IAM are. The partition comes from mfa_serial's ARN; the endpoints follow the same
 * rules as a role's (AWS_ENDPOINT_URL_STS / _IAM, then AWS_ENDPOINT_URL, then the partition's own).
 */
export function resolveKeyProfile(config: ConfigFile, name: string, env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): KeyProfile {
  const settings = config.profiles.get(name) ?? {};
  const where = new Where(config.path, name);
  const mfaSerial = settings.mfa_serial || undefined;
  const partitionName = mfaSerial?.startsWith("arn:") ? partitionOf(mfaSerial) : "aws";
  const partition = PARTITIONS[partitionName];
  const region = where.optional(settings, "region", checkRegion) ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || partition.defaultRegion);
  const stsEndpoint = where.optional(settings, "endpoint_url", checkEndpointUrl) ?? (env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined);
  const iamEndpoint = env.AWS_ENDPOINT_URL_IAM || env.AWS_ENDPOINT_URL || undefined;
  return {
    name,
    source: mfaSerial === undefined ? undefined : resolveSourceProfile(config, name, where, env, platform),
    keys: sourceKeys(settings, where),
    sts: { region, endpoint: stsEndpoint, useGlobalEndpoint: false, endpointUrl: stsEndpoint ?? `https://sts.${region}.${partition.dnsSuffix}` },
    iam: { region: partition.iam.region, endpointUrl: iamEndpoint ?? partition.iam.endpointUrl },
  };
}

export interface KeyProfile {
  readonly name: string;
  /** Its MFA device and how to ask for a code; undefined without mfa_serial (IAM is then called without MFA). */
  readonly source: SourceProfile | undefined;
  readonly keys: SourceKeys | undefined;
  readonly sts: StsTarget;
  readonly iam: { readonly region: string; readonly endpointUrl: string };
}

function missingProfileMessage(config: ConfigFile, profileName: string): string {
  const close = closeNames(profileName, config.profiles.keys());
  const hint =
    close.length > 0
      ? `did you mean ${close.map((name) => `"${name}"`).join(", ")}?`
      : `add a [${sectionName(profileName)}] section with vegas_role_arn and vegas_source_profile`;
  return `profile "${profileName}" not found in ${config.path}: ${hint}`;
}

function sectionName(profileName: string): string {
  return profileName === "default" ? "default" : `profile ${profileName}`;
}

/** Names the profile, key and file in every message, so the user knows exactly where to look. */
class Where {
  constructor(
    private readonly file: string,
    readonly profile: string,
    /** The role profile this one is the source of, named so the user knows why it was read. */
    private readonly sourceOf?: string,
  ) {}

  error(key: string, problem: string): UserError {
    const role = this.sourceOf === undefined ? "" : ` (the vegas_source_profile of "${this.sourceOf}")`;
    return new UserError(`profile "${this.profile}"${role} in ${this.file}: ${key} ${problem}`);
  }

  check(key: string, problem: string | undefined): void {
    if (problem !== undefined) throw this.error(key, problem);
  }

  required(settings: Settings, key: string, what: string): string {
    const value = settings[key];
    if (value === undefined || value === "") throw this.error(key, `is missing: set it to ${what}`);
    return value;
  }

  optional(settings: Settings, key: string, checkValue: (value: string) => string | undefined): string | undefined {
    const value = settings[key];
    if (value === undefined || value === "") return undefined;
    this.check(key, checkValue(value));
    return value;
  }
}
