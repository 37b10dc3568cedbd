/**
 * The one definition of the command line. yargs builds the full CLI (help, validation, every command)
 * from it; parseFastArgv reads the same definition to run a plain `assume` without loading yargs (~23 ms).
 */
import type { AssumeArgs, CommandArgs, ExportArgs, GlobalFlags, LoginArgs, ServeArgs } from "../commands/commandArgs.ts";

export type { AssumeArgs, CommandArgs, ExportArgs, GlobalFlags, LoginArgs, ServeArgs };

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
  readonly aliases?: readonly string[];
  readonly subcommands?: readonly CommandSpec[];
}

export const PROGRAM = "vegas-credentials";

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  verbose: { type: "boolean", default: false, description: "Explain each step on stderr (never secrets); show stack traces of internal errors" },
  color: { type: "boolean", default: true, description: "Colour in messages; --no-color turns it off" },
  emoji: { type: "boolean", default: true, description: "Emoji in messages; --no-emoji turns them off" },
  gui: { type: "boolean", default: true, description: "Allow GUI dialogs for the MFA code; --no-gui turns them off" },
};

/** Flags yargs shows in --help but that never reach parseFastArgv (they end the run before any command). */
export const INFO_OPTION: OptionSpec = { type: "boolean", description: "Print what this build is and where it keeps its files" };

/** exec, export, login and serve take a code for scripts; assume (run by the AWS tools) never does. */
const MFA_CODE_OPTION: OptionSpec = { type: "string", description: "The MFA code to use instead of asking for one (for scripts; it is single-use)" };

/** exec, export, login and serve: without it, a person at a terminal picks one from a list. */
const PICKED_PROFILE: OptionSpec = { type: "string", alias: "p", description: "The role profile in your AWS config file (without it, at a terminal: pick one from a list)" };

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

export const CACHE_LIST: CommandSpec = {
  name: "list",
  aliases: ["$0"],
  description: "Show what is cached: one row per entry, when it expires and whether it is still used (never a secret)",
  options: {
    json: { type: "boolean", default: false, description: "Print the entries as a JSON array, for scripts" },
  },
  examples: [
    ["$0 cache", "The table of cached entries"],
    ["$0 cache list --json", "The same as JSON"],
  ],
};

export const CACHE_CLEAN: CommandSpec = {
  name: "clean",
  description: "Remove cached entries: all of them, or those the options pick (kinds add up; --profile and --expired narrow)",
  options: {
    credential: { type: "boolean", default: false, description: "Role credentials" },
    session: { type: "boolean", default: false, description: "MFA sessions (vegas_mfa_session)" },
    password: { type: "boolean", default: false, description: "YubiKey OATH passwords" },
    profile: { type: "string", alias: "p", description: "Only this profile's entries (a role profile also takes its source profile's MFA session)" },
    expired: { type: "boolean", default: false, description: "Only expired or unreadable entries (stale config ones are kept until they expire: the profile changed back makes them current again)" },
  },
  examples: [
    ["$0 cache clean", "Remove everything: the next run asks for an MFA code"],
    ["$0 cache clean --profile frank@concerts", "Only frank@concerts (and the MFA session of its source profile)"],
    ["$0 cache clean --session", "Only MFA sessions"],
    ["$0 cache clean --expired", "Only what has expired or cannot be read"],
  ],
};

export const CACHE: CommandSpec = {
  name: "cache",
  description: "Show the cache (default) or clean it",
  options: {},
  examples: [],
  subcommands: [CACHE_LIST, CACHE_CLEAN],
};

export const CONFIG_LIST: CommandSpec = {
  name: "list",
  description: "Show the files and folders in use, and which ways of asking for an MFA code work here",
  options: {},
  examples: [["$0 config list", "Config file, cache and log folders, ykman, dialog, terminal"]],
};

export const CONFIG_SHOW_PROFILE: CommandSpec = {
  name: "show-profile",
  description: "Show a role profile as resolved (every setting, where it came from), its checksum and its problems",
  options: {
    profile: { type: "string", alias: "p", required: true, description: "The role profile to show" },
  },
  examples: [["$0 config show-profile --profile frank@concerts", "What frank@concerts resolves to, and what is wrong with it"]],
};

export const CONFIG_ADD: CommandSpec = {
  name: "add",
  description: "Add a role profile to your AWS config file, with credential_process naming this binary by its full path",
  options: {
    profile: { type: "string", alias: "p", required: true, description: "The name of the new role profile" },
    "role-arn": { type: "string", required: true, description: "The role to assume (vegas_role_arn)" },
    "source-profile": { type: "string", required: true, description: "The profile with your long-term keys and MFA device (vegas_source_profile)" },
    "mfa-serial": { type: "string", description: "Your MFA device, written to the source profile when it has none" },
    region: { type: "string", description: "The region of the role's STS" },
    "duration-seconds": { type: "string", description: "900-43200 (the role's MaxSessionDuration must allow it)" },
    "role-session-name": { type: "string", description: "The session name CloudTrail shows" },
    "external-id": { type: "string", description: "When the role's trust policy asks for one" },
  },
  examples: [
    [
      "$0 config add -p frank@concerts --role-arn arn:aws:iam::222222222222:role/SingerRole --source-profile default --mfa-serial arn:aws:iam::111111111111:mfa/FrankSinatra",
      "Add [profile frank@concerts]; the rest of the file stays as it is",
    ],
  ],
};

export const CONFIG_IMPORT: CommandSpec = {
  name: "import",
  description: "Rewrite a role profile written for the AWS CLI (role_arn, source_profile, mfa_serial) to use this tool, every other byte kept",
  options: {
    profile: { type: "string", alias: "p", description: "The profile to rewrite" },
    all: { type: "boolean", default: false, description: "Every profile that assumes a role through source_profile" },
    "dry-run": { type: "boolean", default: false, description: "Print the change as a diff; write nothing" },
  },
  examples: [
    ["$0 config import -p frank@concerts --dry-run", "What would change in [profile frank@concerts]"],
    ["$0 config import --all", "role_arn becomes vegas_role_arn, source_profile vegas_source_profile, and credential_process runs this binary"],
  ],
};

export const CONFIG: CommandSpec = {
  name: "config",
  description: "Show the configuration in use",
  options: {},
  examples: [],
  subcommands: [CONFIG_LIST, CONFIG_SHOW_PROFILE, CONFIG_ADD, CONFIG_IMPORT],
};

const KEY_PROFILE: OptionSpec = { type: "string", alias: "p", required: true, description: "The source profile (the one with your IAM user's long-term key and mfa_serial)" };
const KEY_STORE: OptionSpec = { type: "string", description: "os (the OS's keystore, the default) or file (a file sealed with a passphrase, for machines without one)" };

export const KEYS_ADD: CommandSpec = {
  name: "add",
  description: "Store a source profile's access key in the OS keystore (asked at the terminal, checked with STS) and set vegas_keys on the profile",
  options: {
    profile: KEY_PROFILE,
    stdin: { type: "boolean", default: false, description: "Read the access key ID and the secret from stdin, one per line, instead of asking" },
    store: KEY_STORE,
  },
  examples: [
    ["$0 keys add -p default", "Asks for the key ID and the secret (not echoed), checks them, stores them, sets vegas_keys = os in [default]"],
    ["printf '%s\\n' \"$ID\" \"$SECRET\" | $0 keys add -p default --stdin --store file", "From a script, into the sealed keys file"],
  ],
};

export const KEYS_IMPORT: CommandSpec = {
  name: "import",
  description: "Move a source profile's access key into the OS keystore from the AWS credentials file (the two lines removed, the rest of the file kept), or from aws-vault's or granted's keystore",
  options: {
    profile: { ...KEY_PROFILE, required: false },
    from: { type: "string", description: "aws-vault or granted: take the key from that tool's keystore instead of ~/.aws/credentials" },
    all: { type: "boolean", default: false, description: "With --from: every long-term key that tool holds" },
    "remove-source": { type: "boolean", default: false, description: "With --from: remove each key from that tool's keystore once ours holds it and STS takes it" },
    store: KEY_STORE,
  },
  examples: [
    ["$0 keys import -p default", "Checks the key, stores it, sets vegas_keys = os, then removes it from ~/.aws/credentials"],
    ["$0 keys import --from aws-vault --all", "Every key aws-vault keeps (its sessions left out), each checked with STS and stored; aws-vault keeps its copies"],
    ["$0 keys import --from granted -p dev --remove-source", "granted's key of dev moved here, its credential_process line removed from [profile dev]"],
  ],
};

export const KEYS_LIST: CommandSpec = {
  name: "list",
  aliases: ["$0"],
  description: "Show the stored keys: profile, store, key ID (masked), when added and how old (never a secret)",
  options: { json: { type: "boolean", default: false, description: "Print them as a JSON array, for scripts" } },
  examples: [["$0 keys", "The table of stored keys"]],
};

export const KEYS_REMOVE: CommandSpec = {
  name: "remove",
  description: "Remove a source profile's key from its store (asks first; --yes does not)",
  options: {
    profile: KEY_PROFILE,
    yes: { type: "boolean", default: false, description: "Do not ask" },
    store: { type: "string", description: "os or file (default: the profile's vegas_keys)" },
  },
  examples: [["$0 keys remove -p default --yes", "The key is gone from the store (IAM still has it: delete it there too if it is no longer used)"]],
};

export const KEYS_ROTATE: CommandSpec = {
  name: "rotate",
  description: "Replace a source profile's access key: a new one made with IAM (with your MFA code), checked, stored, then the old one deleted",
  options: { profile: KEY_PROFILE },
  examples: [["$0 keys rotate -p default", "Asks for an MFA code; on any failure the old key stays stored and working"]],
};

export const KEYS: CommandSpec = {
  name: "keys",
  description: "Keep source profiles' long-term access keys in the OS keystore instead of ~/.aws/credentials: list (default), add, import, remove, rotate",
  options: {},
  examples: [],
  subcommands: [KEYS_LIST, KEYS_ADD, KEYS_IMPORT, KEYS_REMOVE, KEYS_ROTATE],
};

export const DOCTOR_COMMAND: CommandSpec = {
  name: "doctor",
  description: "Check the whole chain (config, credential_process lines, keys, STS, clock, MFA sources, folders, AWS CLI): one line per check, the fix beside each failure",
  options: {
    profile: { type: "string", alias: "p", description: "Only this role profile (default: every one)" },
    secrets: { type: "boolean", default: false, description: "Instead: find plaintext AWS secrets where malware looks (credentials file, sign-in caches, shell start-up and .env files)" },
  },
  examples: [
    ["$0 doctor", "Every role profile; exit 1 if any check fails"],
    ["$0 doctor --secrets", "Each plaintext AWS secret (path and key ID only) and how to move it; exit 1 if any"],
    ["$0 doctor -p frank@concerts", "Only frank@concerts and its source profile"],
  ],
};

export const VERSION_COMMAND: CommandSpec = {
  name: "version",
  description: "Print the version (--full: commit, build date, platform, Bun)",
  options: {
    full: { type: "boolean", default: false, description: "Also the commit, build date, OS/architecture and Bun version" },
  },
  examples: [
    ["$0 version", "Print the version"],
    ["$0 version --full", "Everything about this build, for bug reports"],
  ],
};

export const EXPORT_COMMAND: CommandSpec = {
  name: "export",
  description: "Print the role's credentials as variables for a shell (sh, fish, powershell), an env file, or JSON",
  options: {
    profile: PICKED_PROFILE,
    "mfa-code": MFA_CODE_OPTION,
    format: { type: "string", description: "sh (default), fish, powershell, windows-cmd (set lines), env (KEY=value for --env-file), ini (a credentials-file section) or json" },
  },
  examples: [
    ['eval "$($0 export -p frank@concerts)"', "Put the credentials in this shell (sh, bash, zsh)"],
    ["$0 export -p frank@concerts --format fish | source", "The same in fish"],
    ["$0 export -p frank@concerts --format powershell | Invoke-Expression", "The same in PowerShell"],
    ["for /f \"delims=\" %i in ('$0 export -p frank@concerts --format windows-cmd') do %i", "The same in cmd.exe"],
    ["docker run --env-file <($0 export -p frank@concerts --format env) amazon/aws-cli sts get-caller-identity", "For a container"],
  ],
};

export const EXEC_COMMAND: CommandSpec = {
  name: "exec",
  description: "Run a command with the role's credentials in its environment (no command: your $SHELL)",
  options: {
    profile: PICKED_PROFILE,
    "mfa-code": MFA_CODE_OPTION,
    server: { type: "boolean", default: false, description: "Give the command a local credentials server (fresh credentials for as long as it runs) instead of keys" },
  },
  examples: [
    ["$0 exec -p frank@concerts -- terraform plan", "terraform with the role's keys in its environment, AWS_PROFILE removed"],
    ["$0 exec -p frank@concerts", "A shell with the role's credentials; exit it to drop them"],
    ["$0 exec -p frank@concerts --server -- terraform apply", "Credentials refreshed past one expiry, from a server that lives as long as terraform"],
  ],
};

export const LOGIN_COMMAND: CommandSpec = {
  name: "login",
  description: "Open the AWS console in your browser as the role (AWS's federation sign-in), or print its sign-in URL",
  options: {
    profile: PICKED_PROFILE,
    "mfa-code": MFA_CODE_OPTION,
    stdout: { type: "boolean", default: false, description: "Print the sign-in URL instead of opening it (it signs in whoever opens it, for 15 minutes)" },
    region: { type: "string", description: "The console's region (default: the profile's)" },
    path: { type: "string", description: "Where in the console to land, like /s3/home (default: the console's home)" },
    service: { type: "string", description: "Land on a service's console: s3, ec2, cloudwatch, lambda… (instead of --path)" },
    destination: { type: "string", description: "Land on this console URL, as copied from the address bar (instead of --path)" },
    "browser-profile": { type: "string", description: "Open it in this browser profile (default: vegas_browser_profile, else the AWS profile's name); needs vegas_browser" },
    "logout-first": { type: "boolean", default: false, description: "Sign out of the console first, so this role replaces the one signed in in that browser profile" },
  },
  examples: [
    ["$0 login -p frank@concerts", "The console as SingerRole, in the profile's region (in its own browser profile with vegas_browser set)"],
    ["$0 login -p frank@concerts --service s3", "Straight to S3"],
    ["$0 login -p frank@concerts --browser-profile work --logout-first", "In the browser profile \"work\", replacing whichever role is signed in there"],
    ["$0 login -p frank@concerts --path /cloudwatch/home --region eu-west-1", "Straight to CloudWatch in Ireland"],
    ["$0 login -p frank@concerts --stdout", "The URL, for another browser or profile"],
  ],
};

export const SERVE_COMMAND: CommandSpec = {
  name: "serve",
  description: "Serve the role's credentials on 127.0.0.1 for the AWS SDKs (container credentials, with a token) until Ctrl-C",
  options: {
    profile: PICKED_PROFILE,
    "mfa-code": MFA_CODE_OPTION,
    port: { type: "string", description: "The port to listen on (default: a free one)" },
  },
  examples: [
    ["$0 serve -p frank@concerts", "Prints AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN to export elsewhere"],
  ],
};

export const COMMANDS: readonly CommandSpec[] = [ASSUME, EXEC_COMMAND, EXPORT_COMMAND, LOGIN_COMMAND, SERVE_COMMAND, CACHE, CONFIG, KEYS, DOCTOR_COMMAND, VERSION_COMMAND];
