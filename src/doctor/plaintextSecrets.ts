import { parseAwsConfig, parseCredentialsFile } from "../config/parseAwsConfig.ts";
import { expiryIn } from "../config/signInCache.ts";
import { maskKeyId } from "../keys/storedKey.ts";
import { expirationText } from "../sts/temporaryCredentials.ts";
import type { Env } from "../environment.ts";
import { joinPath } from "../files/joinPath.ts";

/** One plaintext secret where malware looks: where it is (a path, a line, a key ID), never the secret itself. */
export interface SecretFinding {
  readonly path: string;
  /** What lies there: "long-term key AKIA…WXYZ of [default]", "an aws login session", "AWS_SECRET_ACCESS_KEY on line 12". */
  readonly what: string;
  /** How to move it out of plaintext. */
  readonly fix: string;
  /** Group or others can read the file. */
  readonly readableByOthers: boolean;
}

/** The places a stealer reads, for this user: the home folder and the current folder (for .env files). */
export interface SecretPlaces {
  readonly home: string;
  readonly cwd: string;
  readonly credentialsFile: string | undefined;
  /** The AWS config file: botocore reads keys there too. */
  readonly configFile: string | undefined;
  readonly env: Env;
}

/** The largest file read: a start-up file or cache is kilobytes; anything bigger is not what we look for. */
const MAX_FILE_BYTES = 1024 * 1024;

/** An assignment of a secret variable to a literal value, in sh, fish, PowerShell or a .env file. */
const SECRET_ASSIGNMENT = /(?:^|[\s;"'(,:])(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN)["']?(?:\s*[=,]\s*|\s+)["']?([A-Za-z0-9/+=]{16,})/i;

/**
 * Every plaintext AWS secret in the places the 2025–26 npm worms harvested: keys in the credentials file,
 * `aws login` and IAM Identity Center caches, the AWS CLI's role cache, secret variables set in shell start-up
 * files, and .env files in the home and current folders. Paths, line numbers and key IDs only.
 */
export function findPlaintextSecrets(places: SecretPlaces, now: Date): SecretFinding[] {
  const { home } = places;
  const findings: SecretFinding[] = [];
  if (places.credentialsFile !== undefined) findings.push(...keyFindings(places.credentialsFile, "credentials"));
  if (places.configFile !== undefined) findings.push(...keyFindings(places.configFile, "config"));
  const loginCache = places.env.AWS_LOGIN_CACHE_DIRECTORY || joinPath(home, ".aws", "login", "cache");
  findings.push(...cacheFindings(loginCache, now, (json) => (json as { accessToken?: { expiresAt?: unknown } }).accessToken?.expiresAt, "an aws login session (its refresh token mints credentials for up to 12 hours after aws login)", "aws logout (or aws logout --all)"));
  findings.push(...cacheFindings(joinPath(home, ".aws", "sso", "cache"), now, (json) => (json as { expiresAt?: unknown }).expiresAt, "an IAM Identity Center token", "aws sso logout"));
  findings.push(...cacheFindings(joinPath(home, ".aws", "cli", "cache"), now, (json) => (json as { Credentials?: { Expiration?: unknown } }).Credentials?.Expiration, "role credentials cached by the AWS CLI", "delete the file (the AWS CLI makes it again when it assumes the role; profiles of this tool never use it)"));
  for (const path of startupFiles(home)) findings.push(...assignmentFindings(path, "remove the line, and use vegas-credentials exec or export when a tool needs the variables"));
  for (const folder of new Set([home, places.cwd])) {
    for (const name of [".env", ".env.local", ".envrc", ".env.development", ".env.production"]) findings.push(...assignmentFindings(joinPath(folder, name), "remove the line, and run the tool through vegas-credentials exec -p PROFILE instead"));
  }
  return findings;
}

/** Keys in the credentials file ([NAME]) or the config file ([profile NAME]), as botocore reads both. */
function keyFindings(path: string, kind: "credentials" | "config"): SecretFinding[] {
  const text = readSmall(path);
  if (text === undefined) return [];
  let sections: Map<string, Record<string, string | undefined>>;
  try {
    sections = kind === "credentials" ? parseCredentialsFile(text, path) : parseAwsConfig(text, path);
  } catch {
    return [];
  }
  const findings: SecretFinding[] = [];
  for (const [name, settings] of sections) {
    if (!settings.aws_secret_access_key) continue;
    const id = settings.aws_access_key_id ?? "";
    const temporary = id.startsWith("ASIA") || Boolean(settings.aws_session_token);
    findings.push({
      path,
      what: `${temporary ? "temporary credentials" : "a long-term key"} ${maskedId(id)} of [${kind === "config" && name !== "default" ? `profile ${name}` : name}]`,
      fix: temporary
        ? "remove the section (aws configure mfa-login and similar write these; use vegas-credentials instead)"
        : kind === "credentials"
          ? `vegas-credentials keys import -p ${name}`
          : `vegas-credentials keys add -p ${name} (it asks for the key), then delete aws_access_key_id and aws_secret_access_key from that section`,
      readableByOthers: readableByOthers(path),
    });
  }
  return findings;
}

function cacheFindings(folder: string, now: Date, expiry: (json: unknown) => unknown, what: string, fix: string): SecretFinding[] {
  const fs = require("node:fs") as typeof import("node:fs");
  let names: string[];
  try {
    names = fs.readdirSync(folder).filter((name) => name.endsWith(".json")).sort();
  } catch {
    return [];
  }
  const findings: SecretFinding[] = [];
  for (const name of names) {
    const path = joinPath(folder, name);
    const text = readSmall(path);
    if (text === undefined) continue;
    const date = expiryIn(text, expiry);
    const until = date instanceof Date ? `, ${date.getTime() > now.getTime() ? "valid until" : "expired"} ${expirationText(date)}` : "";
    const mode = modeOf(path);
    findings.push({ path, what: `${what}${until}${mode === undefined ? "" : `, mode ${mode.toString(8)}`}`, fix, readableByOthers: readableByOthers(path) });
  }
  return findings;
}

/** Lines that set a secret variable to a literal (a reference such as $(…) or $VAR is not a secret). */
function assignmentFindings(path: string, fix: string): SecretFinding[] {
  const text = readSmall(path);
  if (text === undefined) return [];
  const findings: SecretFinding[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*(#|\/\/|rem\s)/i.test(line)) return;
    const match = SECRET_ASSIGNMENT.exec(line);
    if (match === null) return;
    findings.push({ path, what: `${(match[1] ?? "").toUpperCase()} set on line ${index + 1}`, fix, readableByOthers: readableByOthers(path) });
  });
  return findings;
}

/** The shells' start-up files: bash, zsh, sh, fish, PowerShell (on Unix and Windows). */
function startupFiles(home: string): string[] {
  const fs = require("node:fs") as typeof import("node:fs");
  const files = [".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zshenv", ".zprofile", ".zlogin", ".config/fish/config.fish", ".config/powershell/Microsoft.PowerShell_profile.ps1", ".config/powershell/profile.ps1", "Documents/PowerShell/Microsoft.PowerShell_profile.ps1", "Documents/WindowsPowerShell/Microsoft.PowerShell_profile.ps1"].map((name) => joinPath(home, ...name.split("/")));
  try {
    const confd = joinPath(home, ".config", "fish", "conf.d");
    for (const name of fs.readdirSync(confd).filter((entry) => entry.endsWith(".fish")).sort()) files.push(joinPath(confd, name));
  } catch {}
  return files;
}

function readSmall(path: string): string | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    const stat = fs.statSync(path);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    return fs.readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function modeOf(path: string): number | undefined {
  if (process.platform === "win32") return undefined;
  try {
    return (require("node:fs") as typeof import("node:fs")).statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}

function readableByOthers(path: string): boolean {
  const mode = modeOf(path);
  return mode !== undefined && (mode & 0o044) !== 0;
}

/** AKIA…WXYZ: enough to tell keys apart, never enough to use one. */
function maskedId(id: string): string {
  return id.length < 12 ? "(no key ID)" : maskKeyId(id);
}
