import { partitionOfRole, resolveRoleProfile } from "../config/resolveRoleProfile.ts";
import { configFilePath } from "../config/configFilePath.ts";
import { readConfigFile } from "../config/readConfigFile.ts";
import { prepareBrowserProfileFolder } from "../console/browserProfileFolder.ts";
import { chooseConsole } from "../console/consoleChoice.ts";
import { openConsole } from "../console/openConsole.ts";
import { CONSOLE_HOSTS, checkConsolePath, checkDestination, consoleDestination, loginUrl, logoutThenUrl, REGION, servicePath, signinOrigin } from "../console/signinUrl.ts";
import type { Env } from "../environment.ts";
import { homeFolder } from "../files/homeFolder.ts";
import { stateFolderPath } from "../log/stateFolder.ts";
import type { Reporter } from "../output/reporter.ts";
import { UserError } from "../userError.ts";
import { assumeRole, type LoadFetchRoleCredentials } from "./assume.ts";
import type { LoginArgs } from "./commandArgs.ts";

/**
 * `login`: the role's credentials (as `assume` gets them) exchanged for a console sign-in URL, AWS's federation
 * for a custom identity broker, opened in the profile's browser (console/openConsole.ts). The URL signs whoever
 * opens it in as the role for the session's lifetime: it goes to the browser, or to stdout (returned, for the
 * caller to hand over), never to the log or stderr.
 */
export async function consoleLogin(args: LoginArgs, env: Env, reporter: Reporter, loadFetch: LoadFetchRoleCredentials): Promise<string | undefined> {
  // What can be checked without the profile is checked before any MFA code is asked for.
  const signin = signinOrigin(env);
  if (args.region !== undefined && !REGION.test(args.region)) throw new UserError(`login --region: "${args.region.slice(0, 40)}" is not a region, like us-east-1`, 2);
  const chosen = [args.path === undefined ? [] : ["--path"], args.service === undefined ? [] : ["--service"], args.destination === undefined ? [] : ["--destination"]].flat();
  if (chosen.length > 1) throw new UserError(`login: ${chosen.join(" and ")} both say where to land: give one`, 2);
  if (args.path !== undefined) checkConsolePath(args.path);
  const path = args.service === undefined ? args.path : servicePath(args.service);
  if (args.destination !== undefined) checkDestination(args.destination, CONSOLE_HOSTS);
  // How the console will open, checked (the browser found, its profile folder made and checked) before a code is asked for.
  const home = homeFolder(env);
  const stateFolder = stateFolderPath(env, home);
  const choice = args.stdout ? undefined : chooseConsole(resolveRoleProfile(readConfigFile(configFilePath(env, home)), args.profile, env), args.browserProfile, env, stateFolder);
  if (choice?.kind === "folder") prepareBrowserProfileFolder(stateFolder ?? "", choice.browserKey, choice.browserProfile);
  const { credentials, profile } = await assumeRole(args, env, reporter, loadFetch);
  const partition = partitionOfRole(profile.roleArn);
  const region = args.region ?? (profile.sts.useGlobalEndpoint ? partition.defaultRegion : profile.sts.region);
  if (!REGION.test(region) || (args.region !== undefined && !partition.regions.test(region))) {
    throw new UserError(`login --region: "${region.slice(0, 40)}" is not a region of the ${partition.name} partition of profile "${profile.name}" (like ${partition.defaultRegion})`, 2);
  }
  // The aws partition's console has a host per region (AWS redirects to it anyway); the others have one.
  const consoleHost = partition.name === "aws" ? `${region}.${partition.consoleHost}` : partition.consoleHost;
  const destination = args.destination === undefined ? consoleDestination(consoleHost, region, path) : checkDestination(args.destination, partition.consoleHost);
  const origin = signin ?? `https://${partition.signinHost}`;
  const { getSigninToken, SigninError } = await import("../sts/signinToken.ts");
  let token: string;
  try {
    token = await getSigninToken(origin, credentials);
  } catch (error) {
    if (error instanceof SigninError) throw new UserError(`login for profile "${profile.name}": ${error.message}`);
    throw error;
  }
  const signIn = loginUrl(origin, destination, token);
  const url = args.logoutFirst ? logoutThenUrl(origin, signIn) : signIn;
  if (args.stdout) return url;
  const opened = await openConsole(url, { profile: profile.name, account: profile.roleArn.split(":")[4] ?? "", choice: choice ?? { kind: "default" }, env, stateFolder, reporter });
  if ("where" in opened) {
    reporter.notice(`opened the AWS console as ${profile.roleArn} (profile "${profile.name}", ${region}) in ${opened.where}`);
    return undefined;
  }
  reporter.warn(`could not open a browser (${opened.problem}): the sign-in URL is on stdout; it signs in whoever opens it, for the next 15 minutes`);
  return url;
}
