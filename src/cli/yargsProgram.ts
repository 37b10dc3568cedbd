import yargs from "yargs/yargs";
import type { Argv, Options } from "yargs";
import { UserError } from "../userError.ts";
import { type AssumeArgs, COMMANDS, type CommandSpec, GLOBAL_OPTIONS, type GlobalFlags, type OptionSpec, PROGRAM } from "./commandLine.ts";

export interface CommandHandlers {
  assume(args: AssumeArgs): Promise<void>;
  version(flags: GlobalFlags): Promise<void>;
}

/** The full command line, built from the shared definition: help, validation and every command. */
export async function runYargsProgram(argv: readonly string[], handlers: CommandHandlers, version: string): Promise<void> {
  let program: Argv = yargs([...argv])
    .scriptName(PROGRAM)
    .usage(`${PROGRAM} <command> [options]\n\nAssume MFA-protected AWS roles from credential_process, with an encrypted cache.`)
    .options(toYargsOptions(GLOBAL_OPTIONS))
    .strict()
    .demandCommand(1, "name a command: assume or version")
    .recommendCommands()
    .version(version)
    .help()
    .alias("help", "h")
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // yargs reports a bad command line either as a message or as its own YError (from its parser).
      if (error === undefined || error === null || error.name === "YError") {
        throw new UserError(`${message ?? error?.message} (see ${PROGRAM} --help)`, 2);
      }
      throw error;
    });
  for (const spec of COMMANDS) program = program.command(commandModule(spec, handlers));
  await program.parseAsync();
}

function commandModule(spec: CommandSpec, handlers: CommandHandlers) {
  return {
    command: spec.name,
    describe: spec.description,
    builder: (command: Argv) => {
      let built = command.options(toYargsOptions(spec.options));
      for (const [example, description] of spec.examples) built = built.example(example, description);
      return built;
    },
    handler: async (parsed: Record<string, unknown>) => {
      const flags: GlobalFlags = {
        verbose: parsed.verbose === true,
        color: parsed.color !== false,
        emoji: parsed.emoji !== false,
        gui: parsed.gui !== false,
      };
      if (spec.name === "assume") await handlers.assume({ ...flags, profile: String(parsed.profile) });
      else await handlers.version(flags);
    },
  };
}

function toYargsOptions(options: Readonly<Record<string, OptionSpec>>): Record<string, Options> {
  const result: Record<string, Options> = {};
  for (const [name, spec] of Object.entries(options)) {
    result[name] = {
      type: spec.type,
      describe: spec.description,
      ...(spec.alias !== undefined ? { alias: spec.alias } : {}),
      ...(spec.default !== undefined ? { default: spec.default } : {}),
      ...(spec.required ? { demandOption: true, requiresArg: true } : {}),
    };
  }
  return result;
}
