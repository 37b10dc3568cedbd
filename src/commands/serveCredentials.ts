import type { RoleProfile } from "../config/roleProfile.ts";
import { PROFILE_CHAIN_VARIABLE } from "../credentials/profileChain.ts";
import type { TemporaryCredentials } from "../credentials/temporaryCredentials.ts";
import type { Reporter } from "../output/reporter.ts";
import { UserError } from "../userError.ts";
import { assumeRole, type LoadFetchRoleCredentials } from "./assume.ts";
import type { AssumeArgs, ServeArgs } from "./commandArgs.ts";
import { serverVariables, startCredentialServer } from "../server/credentialServer.ts";
import { knownRegion, regionVariables, shVariables } from "./exportCredentials.ts";

/** Signals that end `serve`: it stops listening and exits 0. */
const STOPPING = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * `serve`: a container-credentials endpoint for the role until interrupted. The role's credentials are got once
 * before it listens (so a wrong profile or code ends the run at once); then each request gets them as `assume`
 * would, refreshed before expiry, asking for a code on this terminal (or another MFA source) when needed.
 * `print` gets the variables to set, in the `export --format sh` form.
 */
export async function serveCredentials(args: ServeArgs, env: Record<string, string | undefined>, reporter: Reporter, loadFetch: LoadFetchRoleCredentials, print: (text: string) => Promise<void>): Promise<number> {
  const port = portNumber(args.port);
  const perRequest = credentialsPerRequest(args, env, reporter, loadFetch);
  // Listening first: a port in use is said before anyone is asked for a code.
  const server = await startCredentialServer(async () => (await perRequest()).credentials, reporter, port);
  try {
    const { credentials, profile } = await perRequest();
    server.offer(credentials);
    await print(serverVariablesSh([...serverVariables(server, env), ...regionVariables(knownRegion(profile))]));
    reporter.notice(`serving the credentials of profile "${profile.name}" at ${server.url} until Ctrl-C`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      for (const name of STOPPING) process.once(name, () => resolve(name));
    });
    reporter.verbose(`${signal}: stopping the server`);
    return 0;
  } finally {
    server.stop();
  }
}

/**
 * The role's credentials as a server gets them, first at its start and then for each request: as `assume`
 * would, each time a run of its own (its start for the failure notes; the chain of profiles being resolved as
 * this process began, which a fetch extends for the SDK's own children).
 */
export function credentialsPerRequest(
  args: AssumeArgs,
  env: Record<string, string | undefined>,
  reporter: Reporter,
  loadFetch: LoadFetchRoleCredentials,
): () => Promise<{ credentials: TemporaryCredentials; profile: RoleProfile }> {
  const chain = env[PROFILE_CHAIN_VARIABLE];
  return async () => {
    try {
      return await assumeRole(args, env, reporter, loadFetch, Date.now());
    } finally {
      if (chain === undefined) delete env[PROFILE_CHAIN_VARIABLE];
      else env[PROFILE_CHAIN_VARIABLE] = chain;
    }
  };
}

/** The variables (see serverVariables) as sh reads them, in the form of `export --format sh`. */
export function serverVariablesSh(variables: readonly [string, string | undefined][]): string {
  const set = variables.flatMap(([name, value]): [string, string][] => (value === undefined ? [] : [[name, value]]));
  return shVariables(set, variables.flatMap(([name, value]) => (value === undefined ? [name] : [])));
}

export function portNumber(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new UserError(`serve --port: "${text.slice(0, 20)}" is not a port (1-65535)`, 2);
  return port;
}
