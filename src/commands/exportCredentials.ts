import type { RoleProfile } from "../config/roleProfile.ts";
import type { Env } from "../environment.ts";
import type { Reporter } from "../output/reporter.ts";
import { expirationText, type TemporaryCredentials } from "../credentials/temporaryCredentials.ts";
import { UserError } from "../userError.ts";
import { assumeRole, credentialProcessJson, type LoadFetchRoleCredentials } from "./assume.ts";
import type { ExportArgs } from "./commandArgs.ts";

export const EXPORT_FORMATS = ["sh", "fish", "powershell", "windows-cmd", "env", "ini", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * `export`: the role's credentials, got exactly as `assume` gets them, as `args.format` reads them. Only ever
 * for stdout (the caller hands it over), never the log.
 */
export async function exportCredentials(args: ExportArgs, env: Env, reporter: Reporter, loadFetch: LoadFetchRoleCredentials): Promise<string> {
  const format = args.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new UserError(`--format ${args.format} is not one of ${EXPORT_FORMATS.join(", ")}`, 2);
  const { credentials, profile } = await assumeRole(args, env, reporter, loadFetch);
  return formatExport(format, credentialVariables(credentials, knownRegion(profile)), credentialProcessJson(credentials), profile.name);
}

/** The region is known when one is configured, or when the role's partition has no global endpoint. */
export function knownRegion(profile: RoleProfile): string | undefined {
  return profile.sts.useGlobalEndpoint ? undefined : profile.sts.region;
}

/**
 * Variables that must not outlive an exported set of keys: a profile an SDK would prefer to the keys, and the
 * legacy AWS_SECURITY_TOKEN, which botocore reads before AWS_SESSION_TOKEN (a stale one would be sent with the
 * new key). Unset rather than set: only boto 2, long unsupported, reads it alone.
 */
export const STALE_VARIABLES = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"];

/** The variables every AWS SDK reads, for `export` and `exec`; the region only where it is known. */
export function credentialVariables(credentials: TemporaryCredentials, region: string | undefined): [string, string][] {
  const variables: [string, string][] = [
    ["AWS_ACCESS_KEY_ID", credentials.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey],
    ["AWS_SESSION_TOKEN", credentials.sessionToken],
    ["AWS_CREDENTIAL_EXPIRATION", expirationText(credentials.expiration)],
  ];
  return [...variables, ...regionVariables(region)];
}

/** The region as the SDKs (AWS_REGION) and the AWS CLI (AWS_DEFAULT_REGION) read it; nothing when unknown. */
export function regionVariables(region: string | undefined): [string, string][] {
  return region === undefined ? [] : [["AWS_REGION", region], ["AWS_DEFAULT_REGION", region]];
}

/**
 * The variables as `format` reads them, each value quoted so that the shell takes it literally:
 * `eval "$(vegas-credentials export -p NAME)"` (sh), `... | source` (fish), `... | Invoke-Expression`
 * (PowerShell), cmd.exe's `set` lines (windows-cmd, as `aws configure export-credentials` prints them),
 * `--env-file` (env), a credentials-file section named after the profile (ini, as aws-vault's), or the
 * credential_process document (json).
 */
export function formatExport(format: ExportFormat, variables: readonly [string, string][], document: string, profile = "default"): string {
  switch (format) {
    case "sh":
      return shVariables(variables, STALE_VARIABLES);
    case "fish":
      return [...variables.map(([name, value]) => `set -gx ${name} ${fishQuote(value)}`), ...STALE_VARIABLES.map((name) => `set -e ${name}`)].join("\n");
    case "powershell":
      return [...variables.map(([name, value]) => `$Env:${name} = ${powershellQuote(value)}`), ...STALE_VARIABLES.map((name) => `Remove-Item Env:${name} -ErrorAction SilentlyContinue`)].join("\n");
    case "env":
      // docker --env-file and dotenv take the rest of the line as it is: no quoting, so no line breaks; nothing
      // can be unset there, so the legacy token is set to the same value (botocore reads it first).
      for (const [name, value] of variables) if (/[\r\n]/.test(value)) throw new UserError(`${name} holds a line break, which the env format cannot carry: use --format json`);
      return [...variables, ...sameToken(variables)].map(([name, value]) => `${name}=${value}`).join("\n");
    case "windows-cmd":
      // `set "NAME=value"`: the quotes keep & | < > ^ literal and no trailing space in; % and ! would still
      // expand in a batch file, and a quote or line break ends the line: none is ever in AWS's values.
      for (const [name, value] of variables) if (/["%!\r\n]/.test(value)) throw new UserError(`${name} holds a character cmd.exe would expand or cut (" % ! or a line break): use --format powershell or json`);
      return [...variables.map(([name, value]) => `set "${name}=${value}"`), ...STALE_VARIABLES.map((name) => `set "${name}="`)].join("\n");
    case "ini":
      return credentialsSection(profile, variables);
    case "json":
      return document;
  }
}

/** The names of the credentials file for the variables it can hold (the region goes in too: botocore reads it there). */
const INI_NAMES: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: "aws_access_key_id",
  AWS_SECRET_ACCESS_KEY: "aws_secret_access_key",
  AWS_SESSION_TOKEN: "aws_session_token",
  AWS_REGION: "region",
};

/** `[NAME]` and its keys, for a credentials file or AWS_SHARED_CREDENTIALS_FILE; the expiry as a comment. */
function credentialsSection(profile: string, variables: readonly [string, string][]): string {
  if (/[\r\n\]]/.test(profile)) throw new UserError(`profile "${profile}" cannot name a credentials-file section (it holds ] or a line break): use --format json`);
  for (const [name, value] of variables) if (/[\r\n]/.test(value)) throw new UserError(`${name} holds a line break, which the ini format cannot carry: use --format json`);
  const expiration = variables.find(([name]) => name === "AWS_CREDENTIAL_EXPIRATION")?.[1];
  const lines = variables.flatMap(([name, value]) => (INI_NAMES[name] === undefined ? [] : [`${INI_NAMES[name]} = ${value}`]));
  return [`[${profile}]`, ...(expiration === undefined ? [] : [`# expires ${expiration}`]), ...lines].join("\n");
}

/** AWS_SECURITY_TOKEN as the session token, where a format cannot unset it. */
function sameToken(variables: readonly [string, string][]): [string, string][] {
  const token = variables.find(([name]) => name === "AWS_SESSION_TOKEN")?.[1];
  return token === undefined ? [] : [["AWS_SECURITY_TOKEN", token]];
}

/** Variables exported for sh (each value quoted), then one `unset` of those that must not be set. */
export function shVariables(set: readonly [string, string][], unset: readonly string[]): string {
  return [...set.map(([name, value]) => `export ${name}=${shQuote(value)}`), `unset ${unset.join(" ")}`].join("\n");
}

/** POSIX sh: single quotes, and a quote as '\'' (close, escaped quote, open). */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** fish: single quotes, in which only \\ and \' are escapes. */
export function fishQuote(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** PowerShell: single quotes (no expansion), a quote doubled; the typographic single quotes count as quotes there too. */
export function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, "$&$&")}'`;
}
