import { credentialsFilePath } from "../config/configFilePath.ts";
import type { RoleProfile } from "../config/roleProfile.ts";
import { homeFolder } from "../files/homeFolder.ts";
import { printableLine } from "../output/printableText.ts";
import { CALL_DEADLINE_MS } from "./stsClient.ts";
import { isUserError, UserError } from "../userError.ts";

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string> };
  cause?: unknown;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ConnectionRefused", "FailedToOpenSocket", "TimeoutError", "RequestTimeout"]);

/** Turns what the SDK threw into the one line a user can act on; unknown failures keep STS's own words. */
export function explainStsError(error: unknown, profile: RoleProfile, action: string): Error {
  if (isUserError(error)) return error;
  const sdkError = (error ?? {}) as SdkError;
  const code = codeOf(sdkError);
  const message = oneLine(sdkError.message ?? String(error));
  const source = `source profile "${profile.source.name}"`;
  const where = `profile "${profile.name}"`;

  if (/MultiFactorAuthentication failed/i.test(message)) {
    // A code is taken once: roles run in parallel from one code (a TOTP program gives one per 30 s) need a session.
    const session = profile.source.mfaSession === undefined ? `; if several roles ran at once on one code, set vegas_mfa_session = true in [${profile.source.name === "default" ? "default" : `profile ${profile.source.name}`}] so one code serves them all` : "";
    return new UserError(`${where}: STS rejected the MFA code for ${profile.source.mfaSerial} (wrong, expired, or already used once): wait for the next code and run the command again${session}`);
  }
  if (/Cannot call GetSessionToken with session credentials/i.test(message)) {
    return new UserError(`${where}: ${source} signs with temporary credentials (SSO or a role of its own), which cannot open an MFA session: remove vegas_mfa_session from [${profile.source.name}] (or give that profile long-term keys)`);
  }
  if (code === "AccessDenied" || code === "AccessDeniedException") {
    const session = profile.source.mfaSession === undefined ? "" : "; if every role is denied through the MFA session (a policy on its age), end the session: vegas-credentials cache clean --session";
    return new UserError(`${where}: ${source} may not assume ${profile.roleArn} (${message}): check the role's trust policy, vegas_role_arn, mfa_serial and external_id${session}`);
  }
  if (code === "ValidationError" && /role chaining/i.test(message)) {
    return new UserError(
      `${where}: duration_seconds ${profile.durationSeconds} is more than STS gives a role assumed with temporary credentials (role chaining: ${source} signs with a role or session, capped at 3600 s whatever the role allows): set duration_seconds to 3600 or less in ${profile.configFile}`,
    );
  }
  if (code === "ValidationError" && /DurationSeconds exceeds/i.test(message)) {
    return new UserError(`${where}: duration_seconds ${profile.durationSeconds} is above the role's maximum session duration: lower duration_seconds in ${profile.configFile} or raise the role's MaxSessionDuration`);
  }
  const stored = profile.source.keys === undefined ? signInAgain(profile) : `store a working one with vegas-credentials keys add -p ${profile.source.name} (its key is in the vegas_keys = ${profile.source.keys.store} store)`;
  if (code === "InvalidClientTokenId") {
    const what = signInAgain(profile) === undefined ? "the access key" : "the sign-in credentials";
    return new UserError(`${where}: ${what} of ${source} ${what === "the access key" ? "is" : "are"} not valid (deleted, deactivated or mistyped): ${stored ?? "put a working key for that profile in your AWS credentials"}`);
  }
  if (isClockFailure(error)) {
    return new UserError(`${where}: STS says this machine's clock is off (${message}): set the clock and time zone right (enable NTP), then run the command again`, 1, false);
  }
  if (code === "SignatureDoesNotMatch") {
    return new UserError(`${where}: the secret access key of ${source} does not match its access key ID: ${stored ?? "fix aws_secret_access_key for that profile in your AWS credentials"}`);
  }
  if (code === "ExpiredToken" || code === "ExpiredTokenException") {
    return new UserError(`${where}: the credentials of ${source} have expired: ${signInAgain(profile) ?? `refresh them (for SSO: aws sso login --profile ${profile.source.name})`}`);
  }
  const processFailure = /^Command failed: .*?\n\s*(.+)$/s.exec(sdkError.message ?? "");
  if (processFailure !== null && sdkError.$metadata === undefined) {
    const firstLine = (processFailure[1] ?? "").trim().split("\n")[0];
    return new UserError(`${where}: the credential_process of ${source} failed: ${firstLine}`);
  }
  if (code === "CredentialsProviderError" || /Could not load credentials|could not be found|Unable to find|token/i.test(message) && sdkError.$metadata === undefined) {
    return new UserError(`${where}: ${noCredentialsAdvice(profile, message)}`);
  }
  if (["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"].includes(code) || sdkError.$metadata?.httpStatusCode === 429) {
    return new UserError(`${where}: STS is throttling requests (${message}): wait a minute and run the command again`);
  }
  if (code === "RegionDisabledException") {
    return new UserError(`${where}: STS is not activated in region ${profile.sts.region} for this account: activate it in IAM account settings or set region to another one`);
  }
  const endpoint = profile.sts.endpointUrl;
  const check = "check your network, proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), region and endpoint_url";
  if (isTimeout(sdkError)) return new UserError(`${where}: STS at ${endpoint} did not answer within ${CALL_DEADLINE_MS / 1000} s: ${check}`);
  const networkCode = findNetworkCode(sdkError);
  if (networkCode !== undefined) return new UserError(`${where}: cannot reach STS at ${endpoint} (${networkCode}): ${check}`);
  const status = sdkError.$metadata?.httpStatusCode ?? sdkError.$response?.statusCode;
  if (status !== undefined && isOddResponse(code, sdkError.message ?? "")) {
    return new UserError(`${where}: STS at ${endpoint} answered HTTP ${status} ${whatCameBack(sdkError, status)}, not an STS response: check endpoint_url, region and any proxy in between`);
  }
  if (sdkError.$metadata !== undefined) {
    return new UserError(`${where}: STS ${action} failed: ${code || "error"}: ${message}`);
  }
  return error instanceof Error ? error : new Error(message);
}

/** STS refused the request's signing time: this machine's clock is more than 15 minutes off STS's. */
export function isClockFailure(error: unknown): boolean {
  const sdkError = (error ?? {}) as SdkError;
  const code = codeOf(sdkError);
  return code === "RequestTimeTooSkewed" || code === "RequestExpired" || /Signature expired|too skewed|signature not yet current/i.test(sdkError.message ?? "");
}

function codeOf(error: SdkError): string {
  return error.name === "Error" || error.name === undefined ? (error.code ?? error.Code ?? "") : error.name;
}

/** A source that signs in (aws login, IAM Identity Center): the command that signs it in again; undefined for keys. */
function signInAgain(profile: RoleProfile): string | undefined {
  const { name, credentialsFrom } = profile.source;
  if (credentialsFrom === "login") return `sign in again: aws login --profile ${name}`;
  if (credentialsFrom === "sso") return `sign in again: aws sso login --profile ${name}`;
  return undefined;
}

/** What to do when the SDK finds no credentials for the source profile, by where that profile gets them. */
function noCredentialsAdvice(profile: RoleProfile, message: string): string {
  const { name, credentialsFrom } = profile.source;
  const source = `source profile "${name}"`;
  switch (credentialsFrom) {
    case "sso":
      return `${source} signs in through IAM Identity Center (SSO) and has no valid token: run aws sso login --profile ${name} (${message})`;
    case "login":
      return `${source} signs in with aws login (login_session) and its session has ended or was never opened here: run aws login --profile ${name} (${message})`;
    case "role":
      return `${source} assumes a role of its own (role_arn), and getting its credentials failed: check that profile's role_arn and source_profile (${message})`;
    case "process":
      return `the credential_process of ${source} gave no credentials: run it by hand to see why (${message})`;
    case "credential_source":
      return `${source} takes its credentials from credential_source, which gave none here (${message})`;
    default: {
      const unreadable = unreadableCredentialsFile();
      if (unreadable !== undefined) return unreadable;
      return `no credentials found for ${source}: add aws_access_key_id and aws_secret_access_key for [${name}] to your AWS credentials file (${message})`;
    }
  }
}

/** The SDK skips a credentials file it cannot read, as if it held nothing: say so instead. */
function unreadableCredentialsFile(env = process.env): string | undefined {
  let path: string | undefined;
  try {
    path = credentialsFilePath(env, homeFolder(env));
  } catch {
    return undefined;
  }
  if (path === undefined) return undefined;
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    fs.closeSync(fs.openSync(path, "r"));
    if (fs.statSync(path).isDirectory()) return `the AWS credentials file ${path} is a folder: the source profile's keys belong in a file there`;
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EIO";
    return code === "ENOENT" ? undefined : `cannot read the AWS credentials file ${path} (${code}): fix its permissions (chmod 600, owned by you)`;
  }
}

/** An answer that is not STS speaking: an HTML page, a redirect, cut-off XML, an empty body. */
function isOddResponse(code: string, message: string): boolean {
  return code === "" || code === "Unknown" || code === "UnknownError" || code === "IncompleteResponse" || /Deserialization error|XML parse error|closing tag|not well-formed/i.test(message);
}

function whatCameBack(error: SdkError, status: number): string {
  const headers = error.$response?.headers ?? {};
  const location = headers.location ?? headers.Location;
  if (status >= 300 && status < 400) return location ? `(a redirect to ${printableLine(location, 120)}, which is not followed)` : "(a redirect, which is not followed)";
  const type = (headers["content-type"] ?? headers["Content-Type"] ?? "").split(";")[0]?.trim();
  if (error.name === "IncompleteResponse") return "without credentials in it";
  if (/XML parse error|closing tag|not well-formed/i.test(error.message ?? "")) return "with XML that is cut off or broken";
  return type ? `with a ${printableLine(type, 60)} body` : "with an empty or unreadable body";
}

function isTimeout(error: SdkError, depth = 0): boolean {
  if (depth > 3 || error === null || typeof error !== "object") return false;
  if (error.name === "TimeoutError" || error.name === "AbortError" || /did not complete within|timed out|aborted/i.test(error.message ?? "")) return true;
  return isTimeout((error.cause ?? null) as SdkError, depth + 1);
}

function findNetworkCode(error: SdkError, depth = 0): string | undefined {
  if (depth > 3 || error === null || typeof error !== "object") return undefined;
  for (const candidate of [error.code, error.name]) {
    if (candidate !== undefined && NETWORK_CODES.has(candidate)) return candidate;
  }
  if (/socket hang up|connect ECONNREFUSED|Unable to connect/i.test(error.message ?? "")) return "connection failed";
  return findNetworkCode((error.cause ?? null) as SdkError, depth + 1);
}

/** Server text, as it may be shown: one printable line, cut (an HTML error page is not a message). */
function oneLine(text: string): string {
  return printableLine(text, 300).replace(/\s+/g, " ").trim();
}
