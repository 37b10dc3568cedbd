import { buildInfo } from "./buildInfo.ts";
import type { AssumeArgs, ExportArgs, GlobalFlags, LoginArgs, ServeArgs } from "./cli/commandLine.ts";
import type { ExecArgs } from "./commands/execCommand.ts";
import { outputStyle, wantsVerbose } from "./output/outputStyle.ts";
import { parseFastArgv } from "./cli/parseFastArgv.ts";
import { type PersonReporter, personReporter } from "./output/reporter.ts";
import { assume } from "./commands/assume.ts";
import { homeFolder } from "./files/homeFolder.ts";
import { loadChooseProfile, loadConsoleLogin, loadFetchRoleCredentials, loadYargsProgram } from "./lazyModules.ts";
import { writeRunLog } from "./log/runLog.ts";
import { checkMfaCodeOption } from "./config/settingChecks.ts";
import { stateFolderPath } from "./log/stateFolder.ts";
import { handOver } from "./output/handOver.ts";
import { printableLine } from "./output/printableText.ts";
import { failureLine, isUserError } from "./userError.ts";

// A CommonJS entry (needed for --bytecode) has no top-level await: the program lives in main().
async function main(argv: readonly string[]): Promise<number> {
  const env = process.env;
  // Global flags are ours only before `--` (and, for exec, before its command): the rest belongs to the child.
  const own = argv.slice(0, argv[0] === "exec" ? execOptionsEnd(argv).end : endOfOptions(argv));
  const verbose = wantsVerbose(own.includes("--verbose"), env);
  // Lines for a person go to the terminal (see Reporter): styled for one.
  const reporter = personReporter(verbose, outputStyle({ color: !own.includes("--no-color"), emoji: !own.includes("--no-emoji") }, env, true));
  const runAssume = async (args: AssumeArgs) => handOver(await assume(args, env, reporter, loadFetchRoleCredentials));
  const pickProfile = async (flags: GlobalFlags) => (await loadChooseProfile()).chooseProfile(flags, env);
  let exitCode = 0;
  let error: string | undefined;
  try {
    const fast = parseFastArgv(argv);
    const exec = fast === undefined ? splitExecArgv(argv) : undefined;
    if (fast !== undefined) await runAssume(fast);
    else if (exec !== undefined) {
      const { execCommand } = await import("./commands/execCommand.ts");
      const profile = exec.profile === "" ? await pickProfile(exec) : exec.profile;
      exitCode = await execCommand({ ...exec, profile }, env, reporter, loadFetchRoleCredentials);
    }
    else {
      const { runYargsProgram } = await loadYargsProgram();
      const printsToTerminal = (require("node:tty") as typeof import("node:tty")).isatty(1);
      const runExport = async (args: ExportArgs) => {
        const { exportCredentials } = await import("./commands/exportCredentials.ts");
        await handOver(await exportCredentials(args, env, reporter, loadFetchRoleCredentials));
      };
      const runLogin = async (args: LoginArgs) => {
        const { consoleLogin } = await loadConsoleLogin();
        const url = await consoleLogin(args, env, reporter, loadFetchRoleCredentials);
        if (url !== undefined) await handOver(url);
      };
      const runServe = async (args: ServeArgs) => {
        const { serveCredentials } = await import("./commands/serveCredentials.ts");
        exitCode = await serveCredentials(args, env, reporter, loadFetchRoleCredentials, handOver);
      };
      await runYargsProgram(argv, { assume: runAssume, export: runExport, login: runLogin, serve: runServe, pickProfile }, { env, reporter, print: (text) => console.log(text), printsToTerminal, version: buildInfo.version });
    }
  } catch (failure) {
    exitCode = reportFailure(failure, verbose);
    error = failureLine(failure);
  }
  // The log is a record, not the job: nothing in it may turn a clean result or failure into a crash.
  await logRun(argv, env, reporter, exitCode, error).catch(() => {});
  return exitCode;
}

/**
 * `exec [options] [--] COMMAND [ARGS…]`: the options (up to `--` or the first word that is neither an option
 * nor an option's value) are read like assume's, with the fast parser, plus `--server`; the rest is the
 * child's argv untouched, its own --help and --server included. undefined for anything else (help, a bad
 * option), which goes to yargs.
 */
function splitExecArgv(argv: readonly string[]): ExecArgs | undefined {
  if (argv[0] !== "exec") return undefined;
  const { end, commandAt } = execOptionsEnd(argv);
  const options = argv.slice(1, end);
  if (options.includes("--help") || options.includes("-h")) return undefined;
  const { rest, mfaCode } = takeMfaCode(options.filter((option) => option !== "--server"));
  // A bad code goes to yargs, which says so in its one line.
  if (mfaCode === null || (mfaCode !== undefined && checkMfaCodeOption(mfaCode) !== undefined)) return undefined;
  const parsed = parseFastArgv(["assume", ...rest], true);
  return parsed === undefined ? undefined : { ...parsed, ...(mfaCode === undefined ? {} : { mfaCode }), command: argv.slice(commandAt), server: options.includes("--server") };
}

/** `--mfa-code CODE` or `--mfa-code=CODE` out of exec's options; null when it is given twice or without a value. */
function takeMfaCode(options: readonly string[]): { rest: string[]; mfaCode: string | undefined | null } {
  const rest: string[] = [];
  let mfaCode: string | undefined | null;
  for (let index = 0; index < options.length; index++) {
    const option = options[index] ?? "";
    const given = option === "--mfa-code" ? options[++index] : option.startsWith("--mfa-code=") ? option.slice("--mfa-code=".length) : false;
    if (given === false) rest.push(option);
    else mfaCode = given === undefined || mfaCode !== undefined ? null : given;
  }
  return { rest, mfaCode };
}

/** Where exec's own options end, and where its command begins (after `--`, or at the first word that is neither). */
function execOptionsEnd(argv: readonly string[]): { end: number; commandAt: number } {
  for (let index = 1; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    if (arg === "--") return { end: index, commandAt: index + 1 };
    if (arg === "--profile" || arg === "-p" || arg === "--mfa-code") index++;
    else if (!arg.startsWith("-")) return { end: index, commandAt: index };
  }
  return { end: argv.length, commandAt: argv.length };
}

function endOfOptions(argv: readonly string[]): number {
  const end = argv.indexOf("--");
  return end < 0 ? argv.length : end;
}

/** One line per run in the state folder's log; shell completion (a run per TAB) is not worth a line. */
async function logRun(argv: readonly string[], env: Record<string, string | undefined>, reporter: PersonReporter, exitCode: number, error: string | undefined): Promise<void> {
  if (argv[0] === "--get-yargs-completions") return;
  const folder = stateFolderPath(env, homeFolder(env));
  if (folder === undefined) return;
  const command = argv.filter((arg) => !arg.startsWith("-")).slice(0, argv[0] === "cache" || argv[0] === "config" ? 2 : 1).join(" ") || (argv[0] ?? "");
  const outcome = await writeRunLog(folder, { command, facts: reporter.facts, exitCode, error, durationMs: performance.now() });
  if (outcome.problem !== undefined) reporter.warn(`this run was not logged: ${outcome.problem}`);
}

/** One line on stderr (the AWS CLI shows it as is); the stack only in verbose mode and only for bugs. */
function reportFailure(error: unknown, verbose: boolean): number {
  if (isUserError(error)) {
    console.error(printableLine(`vegas-credentials: ${error.message}`));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${printableLine(`vegas-credentials: unexpected error: ${message}`, 500)}${verbose ? "" : " (run with --verbose for details)"}`);
  if (verbose && error instanceof Error && error.stack) console.error(error.stack);
  return 70;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
