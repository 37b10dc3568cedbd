/**
 * The one definition of the command line. yargs builds the full CLI (help, validation, every command)
 * from it; parseFastArgv reads the same definition to run a plain `assume` without loading yargs (~23 ms).
 */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly description: string;
  readonly alias?: string;
  readonly default?: boolean;
  readonly required?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples: readonly (readonly [string, string])[];
}

export const PROGRAM = "vegas-credentials";

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  verbose: { type: "boolean", default: false, description: "Explain each step on stderr (never secrets); show stack traces of internal errors" },
  color: { type: "boolean", default: true, description: "Colour in messages; --no-color turns it off" },
  emoji: { type: "boolean", default: true, description: "Emoji in messages; --no-emoji turns them off" },
  gui: { type: "boolean", default: true, description: "Allow GUI dialogs for the MFA code; --no-gui turns them off" },
};

export const ASSUME: CommandSpec = {
  name: "assume",
  description: "Print credentials for a role profile as credential_process JSON, from the cache or by assuming the role with MFA",
  options: {
    profile: { type: "string", alias: "p", required: true, description: "The role profile in your AWS config file (the one with vegas_role_arn)" },
  },
  examples: [
    ["$0 assume --profile frank@concerts", "Credentials for [profile frank@concerts]; asks for an MFA code only when none are cached"],
    ["credential_process = vegas-credentials assume --profile=frank@concerts", "The line to put in that profile of ~/.aws/config"],
  ],
};

export const VERSION_COMMAND: CommandSpec = {
  name: "version",
  description: "Print the version",
  options: {},
  examples: [["$0 version", "Print the version"]],
};

export const COMMANDS: readonly CommandSpec[] = [ASSUME, VERSION_COMMAND];

export interface GlobalFlags {
  readonly verbose: boolean;
  readonly color: boolean;
  readonly emoji: boolean;
  readonly gui: boolean;
}

export interface AssumeArgs extends GlobalFlags {
  readonly profile: string;
}
