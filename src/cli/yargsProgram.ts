import yargs from "yargs/yargs";
import type { Argv, Options } from "yargs";
import { type CommandContext, runCommand } from "../commands/runCommand.ts";
import { closeNames } from "../config/closeNames.ts";
import { checkMfaCodeOption } from "../config/settingChecks.ts";
import { UserError } from "../userError.ts";
import {
  type AssumeArgs,
  type CommandArgs,
  type ExportArgs,
  COMMANDS,
  type CommandSpec,
  GLOBAL_OPTIONS,
  type GlobalFlags,
  INFO_OPTION,
  type LoginArgs,
  type ServeArgs,
  type OptionSpec,
  PROGRAM,
} from "./commandLine.ts";

export interface CommandHandlers {
  assume(args: AssumeArgs): Promise<void>;
  export(args: ExportArgs): Promise<void>;
  login(args: LoginArgs): Promise<void>;
  serve(args: ServeArgs): Promise<void>;
  /** The profile for exec, export, login or serve run without --profile (picked at the terminal). */
  pickProfile(flags: GlobalFlags): Promise<string>;
  /** Every other command; the default runs it (see commands/runCommand.ts). */
  other?(args: CommandArgs): Promise<void>;
}

/** The full command line, built from the shared definition: help, validation, completion and every command. */
export async function runYargsProgram(argv: readonly string[], handlers: CommandHandlers, context: CommandContext): Promise<void> {
  const other = handlers.other ?? ((args: CommandArgs) => runCommand(args, context));
  // --info answers on its own, like --version (yargs would first ask for a command).
  if (argv.includes("--info") && argv.every((arg) => arg.startsWith("-"))) {
    return other({ ...globalFlags(argv), command: "info", options: {} });
  }
  let program: Argv = yargs([...argv])
    .scriptName(PROGRAM)
    .usage(`${PROGRAM} <command> [options]\n\nAssume MFA-protected AWS roles from credential_process, with an encrypted cache.`)
    .options(toYargsOptions(GLOBAL_OPTIONS))
    .option("info", { type: INFO_OPTION.type, describe: INFO_OPTION.description })
    .strict()
    .demandCommand(1, `name a command: ${COMMANDS.map((spec) => spec.name).join(", ")} or completion`)
    .completion("completion", "Print a shell completion script (bash or zsh): eval \"$(vegas-credentials completion)\"")
    .version(context.version)
    .help()
    .alias("help", "h")
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // yargs reports a bad command line either as a message or as its own YError (from its parser).
      if (error === undefined || error === null || error.name === "YError") {
        throw new UserError(`${withSuggestion(message ?? error?.message ?? "")} (see ${PROGRAM} --help)`, 2);
      }
      throw error;
    });
  for (const spec of COMMANDS) program = program.command(commandModule(spec, [], handlers, other));
  await program.parseAsync();
}

/**
 * An unknown first word that is a command misspelt (yargs' own recommendCommands offers `export` for `extra`,
 * 3 edits away): only names within closeNames' reach.
 */
function withSuggestion(message: string): string {
  const unknown = /^Unknown arguments?: ([^,\s]+)/.exec(message)?.[1];
  const close = unknown === undefined ? [] : closeNames(unknown, COMMANDS.map((spec) => spec.name), 1);
  return close.length === 0 ? message : `${message}: did you mean ${close[0]}?`;
}

function globalFlags(argv: readonly string[]): GlobalFlags {
  return {
    verbose: argv.includes("--verbose"),
    color: !argv.includes("--no-color"),
    emoji: !argv.includes("--no-emoji"),
    gui: !argv.includes("--no-gui"),
  };
}

function commandModule(
  spec: CommandSpec,
  parents: readonly string[],
  handlers: Pick<CommandHandlers, "assume" | "export" | "login" | "serve" | "pickProfile">,
  other: NonNullable<CommandHandlers["other"]>,
) {
  const path = [...parents, spec.name];
  return {
    command: [spec.name, ...(spec.aliases ?? [])],
    describe: spec.description,
    builder: (command: Argv) => {
      let built = command.options(toYargsOptions(spec.options));
      for (const [example, description] of spec.examples) built = built.example(example, description);
      for (const sub of spec.subcommands ?? []) built = built.command(commandModule(sub, path, handlers, other));
      if (spec.subcommands !== undefined && !spec.subcommands.some((sub) => sub.aliases?.includes("$0"))) {
        built = built.demandCommand(1, `name a ${spec.name} command: ${spec.subcommands.map((sub) => sub.name).join(" or ")}`);
      }
      return built;
    },
    handler: async (parsed: Record<string, unknown>) => {
      const flags: GlobalFlags = {
        verbose: parsed.verbose === true,
        color: parsed.color !== false,
        emoji: parsed.emoji !== false,
        gui: parsed.gui !== false,
      };
      if (path.join(" ") === "assume") return handlers.assume({ ...flags, profile: String(parsed.profile) });
      const text = (name: string) => (typeof parsed[name] === "string" ? parsed[name] : undefined);
      const mfaCode = text("mfa-code");
      if (mfaCode !== undefined) {
        const problem = checkMfaCodeOption(mfaCode);
        if (problem !== undefined) throw new UserError(problem, 2);
      }
      const usesProfile = ["export", "login", "serve"].includes(path.join(" "));
      const profile = !usesProfile || typeof parsed.profile === "string" ? String(parsed.profile) : await handlers.pickProfile(flags);
      const flagsWithCode = mfaCode === undefined ? flags : { ...flags, mfaCode };
      if (path.join(" ") === "export") return handlers.export({ ...flagsWithCode, profile, format: text("format") ?? "sh" });
      if (path.join(" ") === "login") {
        return handlers.login({ ...flagsWithCode, profile, stdout: parsed.stdout === true, region: text("region"), path: text("path"), service: text("service"), destination: text("destination"), browserProfile: text("browser-profile"), logoutFirst: parsed["logout-first"] === true });
      }
      if (path.join(" ") === "serve") return handlers.serve({ ...flagsWithCode, profile, port: text("port") });
      const options: Record<string, unknown> = {};
      for (const name of Object.keys(spec.options)) options[name] = parsed[name];
      return other({ ...flags, command: path.join(" "), options });
    },
  };
}

function onlyOnce(name: string, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  throw new UserError(`--${name} is given ${value.length} times (${value.map(String).join(", ")}): give it once`, 2);
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
      ...(spec.type === "string" && !spec.required ? { requiresArg: true } : {}),
      // yargs would join a repeated string option into "a,b": one value or one clear line.
      ...(spec.type === "string" ? { coerce: (value: unknown) => onlyOnce(name, value) } : {}),
    };
  }
  return result;
}
