import type { Env } from "../environment.ts";
import { UserError } from "../userError.ts";

/** Replaces the sign-in endpoint's scheme and host (a gateway, or a local stand-in in tests). */
export const SIGNIN_URL_VARIABLE = "VEGAS_CREDENTIALS_SIGNIN_URL";

const ISSUER = "vegas-credentials";
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** A console service's path name, as --service takes it: s3, ec2, cloudwatch, iam, lambda... */
const SERVICE = /^[a-z0-9][a-z0-9-]{0,40}$/;

/**
 * The console page to land on: `path` (default /console/home) on the partition's console host, with the region
 * as its query unless the path names one. A path that would leave the console host is refused.
 */
export function consoleDestination(consoleHost: string, region: string, path = "/console/home"): string {
  checkConsolePath(path);
  const url = new URL(path, `https://${consoleHost}`);
  if (!url.searchParams.has("region")) url.searchParams.set("region", region);
  return url.toString();
}

/**
 * --path: a path on whichever console host it is resolved against, never a way to another host. Checked
 * before any MFA code is asked for (a relative path resolves the same against any host).
 */
export function checkConsolePath(path: string): void {
  if (!path.startsWith("/") || path.startsWith("//") || /[\s\\]/.test(path)) {
    throw new UserError(`login --path: "${path.slice(0, 80)}" is not a path in the console: give one like /s3/home or /ec2/home#Instances`, 2);
  }
  const url = new URL(path, "https://console.invalid");
  // "/..//x" normalizes to "//x", which a browser may read as another host.
  if (url.host !== "console.invalid" || url.pathname.startsWith("//")) throw new UserError(`login --path: "${path.slice(0, 80)}" leads away from the console`, 2);
}

/** Step two of the federation: the URL that trades the token for a console session at `destination`. */
export function loginUrl(origin: string, destination: string, token: string): string {
  const query = new URLSearchParams({ Action: "login", Issuer: ISSUER, Destination: destination, SigninToken: token });
  return `${origin}/federation?${query.toString()}`;
}

/**
 * VEGAS_CREDENTIALS_SIGNIN_URL as a scheme and host (the /federation path is ours): https, or http to this
 * machine only, since the role's session travels in the request. undefined: the partition's own host.
 */
export function signinOrigin(env: Env): string | undefined {
  const value = env[SIGNIN_URL_VARIABLE];
  if (value === undefined || value === "") return undefined;
  const shown = `${SIGNIN_URL_VARIABLE}="${value.slice(0, 80)}"${value.length > 80 ? ` (${value.length} characters)` : ""}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`${shown} is not a URL: give a scheme and host, like https://signin.example.com`, 2);
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "" || (url.pathname !== "/" && url.pathname !== "")) {
    throw new UserError(`${shown} must be only a scheme and host (the /federation path is added), like https://signin.example.com`, 2);
  }
  const loopback = url.hostname === "localhost" || url.hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new UserError(`${shown} must be https (plain http only to this machine): the role's session is sent there`, 2);
  }
  return url.origin;
}

/**
 * --service NAME: that service's console home (/NAME/home), the path every AWS console service answers on.
 * Checked before any MFA code is asked for.
 */
export function servicePath(service: string): string {
  if (!SERVICE.test(service)) throw new UserError(`login --service: "${service.slice(0, 40)}" is not a console service name: give one like s3, ec2, cloudwatch or lambda`, 2);
  return `/${service}/home`;
}

/**
 * --destination URL: a full console URL, as copied from the address bar. It must stay on the partition's
 * console hosts (the console host itself or a region's, like eu-west-1.console.aws.amazon.com): the sign-in
 * would otherwise send the new session's browser elsewhere.
 */
export function checkDestination(destination: string, consoleHost: string | readonly string[]): string {
  const hosts = typeof consoleHost === "string" ? [consoleHost] : consoleHost;
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    throw new UserError(`login --destination: "${destination.slice(0, 80)}" is not a URL: give a console URL like https://${hosts[0]}/s3/home`, 2);
  }
  const onConsole = hosts.some((host) => url.hostname === host || url.hostname.endsWith(`.${host}`));
  if (url.protocol !== "https:" || !onConsole || url.username !== "" || url.password !== "" || url.port !== "") {
    throw new UserError(`login --destination: "${destination.slice(0, 80)}" is not on the console (https://${hosts[0]} or a region's host under it)`, 2);
  }
  return url.toString();
}

/** Every partition's console host: --destination is checked against these before the profile is known, then against its own. */
export const CONSOLE_HOSTS = ["console.aws.amazon.com", "console.amazonaws.cn", "console.amazonaws-us-gov.com"] as const;

/**
 * The sign-in endpoint's logout, then on to `next` (the login URL, on the same host): the console keeps one
 * session per browser profile and refuses to sign another account in over it (aws-vault's --auto-logout).
 */
export function logoutThenUrl(origin: string, next: string): string {
  return `${origin}/oauth?${new URLSearchParams({ Action: "logout", redirect_uri: next }).toString()}`;
}
