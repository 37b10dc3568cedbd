import type { Env } from "../environment.ts";

export type { Env };
/** How messages for a person look: colour only on a terminal, and neither where the user turned it off. */
export interface OutputStyle {
  readonly color: boolean;
  readonly emoji: boolean;
}

export interface StyleFlags {
  readonly color: boolean;
  readonly emoji: boolean;
}

/** `--no-color`, `NO_COLOR` (any value, per no-color.org), `VEGAS_CREDENTIALS_NO_COLOR`, `TERM=dumb`; emoji likewise. */
export function outputStyle(flags: StyleFlags, env: Env, toTerminal: boolean): OutputStyle {
  const dumb = env.TERM === "dumb";
  return {
    color: toTerminal && flags.color && !dumb && !env.NO_COLOR && !isTruthy(env.VEGAS_CREDENTIALS_NO_COLOR),
    emoji: flags.emoji && !dumb && !isTruthy(env.NO_EMOJI) && !isTruthy(env.VEGAS_CREDENTIALS_NO_EMOJI),
  };
}

/** `--verbose`, or `VEGAS_CREDENTIALS_VERBOSE` / `VERBOSE` set to a true value. */
export function wantsVerbose(flag: boolean, env: Env): boolean {
  return flag || isTruthy(env.VEGAS_CREDENTIALS_VERBOSE) || isTruthy(env.VERBOSE);
}

/** An environment switch: set and not "0", "false", "no" or "off". */
export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== "" && !/^(0|false|no|off)$/i.test(value.trim());
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

export type Paint = keyof typeof CODES;

export function paint(style: OutputStyle, color: Paint, text: string): string {
  return style.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

/** The emoji and a space when emoji are on; nothing otherwise. */
export function emoji(style: OutputStyle, symbol: string): string {
  return style.emoji ? `${symbol} ` : "";
}
