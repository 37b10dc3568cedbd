import { ASSUME, type AssumeArgs, GLOBAL_OPTIONS, type OptionSpec } from "./commandLine.ts";

/**
 * Reads `assume` argv forms (--profile NAME, --profile=NAME, -p NAME, -p=NAME, boolean flags and their --no-
 * forms) straight from the definition. Anything else (help, a typo, another command) returns undefined and
 * goes to yargs, which explains it. `profileOptional` (exec): no --profile reads as profile "", to be picked.
 */
export function parseFastArgv(argv: readonly string[], profileOptional = false): AssumeArgs | undefined {
  if (argv[0] !== ASSUME.name) return undefined;
  const options: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS, ...ASSUME.options };
  const values: Record<string, string | boolean> = {};
  for (const [name, spec] of Object.entries(options)) if (spec.default !== undefined) values[name] = spec.default;

  for (let index = 1; index < argv.length; index++) {
    const parsed = readOption(argv, index, options);
    if (parsed === undefined || values[parsed.name] !== undefined && options[parsed.name]?.type === "string") return undefined;
    values[parsed.name] = parsed.value;
    index = parsed.next;
  }
  const profile = values.profile ?? (profileOptional ? "" : undefined);
  if (typeof profile !== "string" || (profile === "" && !profileOptional)) return undefined;
  return {
    profile,
    verbose: values.verbose === true,
    color: values.color !== false,
    emoji: values.emoji !== false,
    gui: values.gui !== false,
  };
}

function readOption(
  argv: readonly string[],
  index: number,
  options: Record<string, OptionSpec>,
): { name: string; value: string | boolean; next: number } | undefined {
  const arg = argv[index] ?? "";
  let name: string | undefined;
  let inline: string | undefined;
  let negated = false;
  if (arg.startsWith("--")) {
    const equals = arg.indexOf("=");
    name = equals >= 0 ? arg.slice(2, equals) : arg.slice(2);
    inline = equals >= 0 ? arg.slice(equals + 1) : undefined;
    if (options[name] === undefined && name.startsWith("no-") && options[name.slice(3)]?.type === "boolean" && inline === undefined) {
      name = name.slice(3);
      negated = true;
    }
  } else if (/^-[A-Za-z]/.test(arg)) {
    name = Object.keys(options).find((key) => options[key]?.alias === arg[1]);
    // yargs reads -pNAME as a group of one-letter flags; only -p NAME and -p=NAME name a value.
    if (arg.length > 2 && arg[2] !== "=") return undefined;
    inline = arg.length > 2 ? arg.slice(3) : undefined;
  }
  const spec = name === undefined ? undefined : options[name];
  if (name === undefined || spec === undefined) return undefined;
  if (spec.type === "boolean") {
    if (inline === undefined) return { name, value: !negated, next: index };
    if (inline === "true" || inline === "false") return { name, value: inline === "true", next: index };
    return undefined;
  }
  if (inline !== undefined) return { name, value: inline, next: index };
  const value = argv[index + 1];
  if (value === undefined || value.startsWith("-")) return undefined;
  return { name, value, next: index + 1 };
}
