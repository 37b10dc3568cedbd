import { partitionOfRole } from "../config/resolveRoleProfile.ts";
import type { Env } from "../environment.ts";
import type { Reporter } from "../output/reporter.ts";
import { UserError } from "../userError.ts";
import { assumeRole, type LoadFetchRoleCredentials } from "./assume.ts";
import type { LoginArgs } from "./commandArgs.ts";
import { openInBrowser } from "./openInBrowser.ts";

/** Replaces the sign-in endpoint's scheme and host (a gateway, or a local stand-in in tests). */
export const SIGNIN_URL_VARIABLE = "VEGAS_CREDENTIALS_SIGNIN_URL";

const ISSUER = "vegas-credentials";
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * `login`: the role's credentials (as `assume` gets them) exchanged for a console sign-in URL, AWS's federation
 * for a custom identity broker. The URL signs whoever opens it in as the role for the session's lifetime: it
 * goes to the browser, or to stdout (returned, for the caller to hand over), never to the log or stderr.
 */
export async function consoleLogin(args: LoginArgs, env: Env, reporter: Reporter, loadFetch: LoadFetchRoleCredentials): Promise<string | undefined> {
  // What can be checked without the profile is checked before any MFA code is asked for.
  const signin = signinOrigin(env);
  if (args.region !== undefined && !REGION.test(args.region)) throw new UserError(`login --region: "${args.region.slice(0, 40)}" is not a region, like us-east-1`, 2);
  if (args.path !== undefined) checkConsolePath(args.path);
  const { credentials, profile } = await assumeRole(args, env, reporter, loadFetch);
  const partition = partitionOfRole(profile.roleArn);
  const region = args.region ?? (profile.sts.useGlobalEndpoint ? partition.defaultRegion : profile.sts.region);
  if (!REGION.test(region) || (args.region !== undefined && !partition.regions.test(region))) {
    throw new UserError(`login --region: "${region.slice(0, 40)}" is not a region of the ${partition.name} partition of profile "${profile.name}" (like ${partition.defaultRegion})`, 2);
  }
  // The aws partition's console has a host per region (AWS redirects to it anyway); the others have one.
  const consoleHost = partition.name === "aws" ? `${region}.${partition.consoleHost}` : partition.consoleHost;
  const destination = consoleDestination(consoleHost, region, args.path);
  const origin = signin ?? `https://${partition.signinHost}`;
  const { getSigninToken, SigninError } = await import("../sts/signinToken.ts");
  let token: string;
  try {
    token = await getSigninToken(origin, credentials);
  } catch (error) {
    if (error instanceof SigninError) throw new UserError(`login for profile "${profile.name}": ${error.message}`);
    throw error;
  }
  const url = loginUrl(origin, destination, token);
  if (args.stdout) return url;
  const problem = await openInBrowser(url, env);
  if (problem === undefined) {
    reporter.notice(`opened the AWS console as ${profile.roleArn} (profile "${profile.name}", ${region}) in your browser`);
    return undefined;
  }
  reporter.warn(`could not open a browser (${problem}): the sign-in URL is on stdout; it signs in whoever opens it, for the next 15 minutes`);
  return url;
}

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
function checkConsolePath(path: string): void {
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
