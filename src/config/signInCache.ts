import { createHash } from "node:crypto";
import { joinPath } from "../files/joinPath.ts";
import type { Settings } from "./parseAwsConfig.ts";

/** Where a source profile that signs in (aws login, IAM Identity Center) keeps its session, and until when. */
export interface SignInCache {
  readonly kind: "login" | "sso";
  /** `login_session = arn:…`, `sso_session = NAME`, `sso_start_url = URL`: what the profile says. */
  readonly setting: string;
  /** The command that opens the session again. */
  readonly signIn: string;
  readonly path: string;
  /** When the cached credentials (aws login) or access token (SSO) end; undefined when there is no cache. */
  readonly expiresAt: Date | undefined;
  /** Why the cache gives nothing: missing, unreadable, not JSON. */
  readonly problem?: string;
}

/**
 * The cache the AWS SDK reads for a source profile that signs in, where the SDK reads it:
 * `aws login`'s at AWS_LOGIN_CACHE_DIRECTORY (else ~/.aws/login/cache)/<sha256 of login_session>.json, IAM
 * Identity Center's at ~/.aws/sso/cache/<sha1 of sso_session, else of sso_start_url>.json. undefined for a
 * profile that does neither. Only the expiry is read: the tokens in it are secrets and stay there.
 */
export function signInCache(profile: string, settings: Settings, env: Record<string, string | undefined>, home: string | undefined): SignInCache | undefined {
  const login = settings.login_session;
  if (login) {
    const folder = env.AWS_LOGIN_CACHE_DIRECTORY || (home === undefined ? undefined : joinPath(home, ".aws", "login", "cache"));
    const path = folder === undefined ? "" : joinPath(folder, `${createHash("sha256").update(login, "utf8").digest("hex")}.json`);
    const read = readExpiry(path, (json) => (json as { accessToken?: { expiresAt?: unknown } }).accessToken?.expiresAt);
    return { kind: "login", setting: `login_session = ${login}`, signIn: `aws login --profile ${profile}`, path, ...read };
  }
  const ssoKey = settings.sso_session || settings.sso_start_url;
  if (ssoKey) {
    const path = home === undefined ? "" : joinPath(home, ".aws", "sso", "cache", `${createHash("sha1").update(ssoKey, "utf8").digest("hex")}.json`);
    const read = readExpiry(path, (json) => (json as { expiresAt?: unknown }).expiresAt);
    return { kind: "sso", setting: settings.sso_session ? `sso_session = ${ssoKey}` : `sso_start_url = ${ssoKey}`, signIn: `aws sso login --profile ${profile}`, path, ...read };
  }
  return undefined;
}

function readExpiry(path: string, expiry: (json: unknown) => unknown): { expiresAt: Date | undefined; problem?: string } {
  if (path === "") return { expiresAt: undefined, problem: "no home folder to find it in" };
  let text: string;
  try {
    text = (require("node:fs") as typeof import("node:fs")).readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { expiresAt: undefined, problem: code === "ENOENT" ? "no session cached here" : `its cache cannot be read (${code ?? "error"})` };
  }
  const expiresAt = expiryIn(text, expiry);
  if (expiresAt === "not JSON") return { expiresAt: undefined, problem: "its cache is not JSON" };
  return expiresAt === undefined ? { expiresAt, problem: "its cache names no expiry" } : { expiresAt };
}

/** The expiry a cache file's JSON names where `expiry` looks (an ISO date string), or why there is none. */
export function expiryIn(text: string, expiry: (json: unknown) => unknown): Date | undefined | "not JSON" {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const value = expiry(json);
  const date = typeof value === "string" ? new Date(value) : undefined;
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date;
}
