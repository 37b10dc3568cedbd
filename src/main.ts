import { buildInfo } from "./buildInfo.ts";
import type { AssumeArgs, GlobalFlags } from "./cli/commandLine.ts";
import { parseFastArgv } from "./cli/parseFastArgv.ts";
import { stderrReporter } from "./cli/reporter.ts";
import { assume } from "./commands/assume.ts";
import { loadYargsProgram } from "./lazyModules.ts";
import { isUserError } from "./userError.ts";

// A CommonJS entry (needed for --bytecode) has no top-level await: the program lives in main().
async function main(argv: readonly string[]): Promise<number> {
  const handlers = {
    assume: async (args: AssumeArgs) => {
      // console.log: process.stdout.write costs ~19 ms at start-up in a compiled binary.
      console.log(await assume(args, process.env, stderrReporter(args.verbose)));
    },
    version: async (_flags: GlobalFlags) => {
      console.log(buildInfo.version);
    },
  };
  const verbose = argv.includes("--verbose");
  try {
    const fast = parseFastArgv(argv);
    if (fast !== undefined) await handlers.assume(fast);
    else {
      const { runYargsProgram } = await loadYargsProgram();
      await runYargsProgram(argv, handlers, buildInfo.version);
    }
    return 0;
  } catch (error) {
    return reportFailure(error, verbose);
  }
}

/** One line on stderr (the AWS CLI shows it as is); the stack only in verbose mode and only for bugs. */
function reportFailure(error: unknown, verbose: boolean): number {
  if (isUserError(error)) {
    console.error(`vegas-credentials: ${error.message}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`vegas-credentials: unexpected error: ${message.replace(/\s+/g, " ")}${verbose ? "" : " (run with --verbose for details)"}`);
  if (verbose && error instanceof Error && error.stack) console.error(error.stack);
  return 70;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
