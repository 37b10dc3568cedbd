import { PROFILE_CHAIN_VARIABLE } from "../credentials/profileChain.ts";
import type { Env } from "../environment.ts";
import type { Reporter } from "../output/reporter.ts";
import { UserError } from "../userError.ts";
import { assumeRole, type LoadFetchRoleCredentials } from "./assume.ts";
import type { AssumeArgs } from "./commandArgs.ts";
import { type CredentialServer, serverVariables, startCredentialServer } from "../server/credentialServer.ts";
import { credentialsPerRequest } from "./serveCredentials.ts";
import { credentialVariables, knownRegion, regionVariables, STALE_VARIABLES } from "./exportCredentials.ts";

/** Set in the child's environment: the profile whose credentials it holds (a nested exec checks it). */
export const PROFILE_MARKER = "VEGAS_CREDENTIALS_PROFILE";

/** Signals sent to this process that go on to the child. Ctrl-C and Ctrl-\\ reach it from the terminal itself. */
const FORWARDED = ["SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2"] as const;
const FROM_THE_TERMINAL = ["SIGINT", "SIGQUIT"] as const;

export interface ExecArgs extends AssumeArgs {
  /** The program and its arguments; empty: the user's shell. */
  readonly command: readonly string[];
  /** Give the child a credentials server (refreshed for as long as it runs) instead of keys. */
  readonly server: boolean;
}

/**
 * `exec`: runs a program with the role's credentials (got exactly as `assume` gets them) in its environment,
 * AWS_PROFILE, AWS_DEFAULT_PROFILE and AWS_SECURITY_TOKEN removed (see STALE_VARIABLES). No shell: the program is looked up on
 * PATH. Its stdin, stdout, stderr and terminal are its own; its exit code (or 128 + the signal) is returned.
 */
export async function execCommand(args: ExecArgs, env: Record<string, string | undefined>, reporter: Reporter, loadFetch: LoadFetchRoleCredentials): Promise<number> {
  const inside = env[PROFILE_MARKER];
  if (inside !== undefined && inside !== "" && inside !== args.profile) {
    throw new UserError(`this shell already holds the credentials of profile "${inside}" (from vegas-credentials exec): leave it (exit) before running exec for profile "${args.profile}"`);
  }
  const command = args.command.length > 0 ? [...args.command] : [userShell(env)];
  // As this process began: fetching the credentials extends it for the SDK's own children, not for this one.
  const chain = env[PROFILE_CHAIN_VARIABLE];
  const perRequest = args.server ? credentialsPerRequest(args, env, reporter, loadFetch) : undefined;
  const { credentials, profile } = await (perRequest?.() ?? assumeRole(args, env, reporter, loadFetch));
  const childEnv: Record<string, string | undefined> = { ...env, [PROFILE_CHAIN_VARIABLE]: chain };
  if (chain === undefined) delete childEnv[PROFILE_CHAIN_VARIABLE];
  for (const name of STALE_VARIABLES) delete childEnv[name];
  let server: CredentialServer | undefined;
  if (perRequest === undefined) {
    for (const [name, value] of credentialVariables(credentials, knownRegion(profile))) childEnv[name] = value;
  } else {
    // The child asks the server whenever its SDK wants fresh credentials: no keys in its environment.
    server = await startCredentialServer(async () => (await perRequest()).credentials, reporter);
    server.offer(credentials);
    for (const [name, value] of [...serverVariables(server, env), ...regionVariables(knownRegion(profile))]) childEnv[name] = value;
    // The program reads the terminal from now on: the server's refreshes must not ask for codes there.
    const { Terminal } = await import("../mfa/terminal.ts");
    Terminal.giveAway(`the terminal belongs to ${command[0]} (exec --server): give this profile another way to get a code (a dialog, a YubiKey, vegas_mfa_process, or vegas_mfa_session = true)`);
  }
  childEnv[PROFILE_MARKER] = profile.name;
  try {
    return await runChild(command, childEnv);
  } finally {
    server?.stop();
  }
}

/** Runs the child with its own stdin, stdout, stderr and terminal; forwards signals; its exit code comes back. */
async function runChild(command: string[], childEnv: Record<string, string | undefined>): Promise<number> {
  let child: ReturnType<typeof Bun.spawn>;
  try {
    child = Bun.spawn(command, { env: childEnv, stdin: "inherit", stdout: "inherit", stderr: "inherit" });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UserError(`cannot run ${command[0]}${code === "ENOENT" ? missing(command[0] ?? "") : ` (${code ?? "error"})`}`, code === "ENOENT" ? 127 : 126);
  }
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const);
  const ignore = () => {};
  for (const [signal, handler] of handlers) process.on(signal, handler);
  for (const signal of FROM_THE_TERMINAL) process.on(signal, ignore);
  try {
    const exitCode = await child.exited;
    return child.signalCode ? 128 + signalNumber(String(child.signalCode)) : exitCode;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    for (const signal of FROM_THE_TERMINAL) process.off(signal, ignore);
  }
}

/** A name is looked up on PATH; a path (with a separator) names one file. */
function missing(program: string): string {
  return /[/\\]/.test(program) ? ": no such file" : ": not found on PATH";
}

function userShell(env: Env): string {
  if (process.platform === "win32") return env.COMSPEC || "cmd.exe";
  return env.SHELL || "/bin/sh";
}

function signalNumber(signal: string): number {
  const { constants } = require("node:os") as typeof import("node:os");
  return (constants.signals as Record<string, number>)[signal] ?? 0;
}
