import type { Key } from "./terminalKeys.ts";

/** A profile the picker offers: its name, and what it is (the role and account) shown beside it. */
export interface Choice {
  readonly name: string;
  readonly detail: string;
}

/** What the picker shows and where it is: the filter typed, the matches, the one under the cursor. */
export interface PickerState {
  readonly choices: readonly Choice[];
  readonly filter: string;
  readonly matches: readonly Choice[];
  /** Index in `matches` of the choice under the cursor. */
  readonly selected: number;
  /** Index in `matches` of the first row on screen. */
  readonly top: number;
}

export type PickerStep = { readonly state: PickerState } | { readonly picked: string } | { readonly cancelled: true };

/** The first screen: every choice, in the order given (most used first), the first under the cursor. */
export function startPicker(choices: readonly Choice[]): PickerState {
  return { choices, filter: "", matches: choices, selected: 0, top: 0 };
}

/**
 * The choices whose name or detail holds every word of the filter (case ignored), in their order: words,
 * not a fuzzy match, so that what is shown is what was asked for.
 */
export function matchChoices(choices: readonly Choice[], filter: string): readonly Choice[] {
  const words = filter.toLowerCase().split(/\s+/).filter((word) => word !== "");
  if (words.length === 0) return choices;
  return choices.filter((choice) => {
    const text = `${choice.name}\n${choice.detail}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** One key's effect; `rows` is how many choices fit on screen (Page Up/Down move by that). */
export function pressKey(state: PickerState, key: Key, rows: number): PickerStep {
  if ("text" in key) return { state: filtered(state, state.filter + key.text) };
  const last = state.matches.length - 1;
  switch (key.name) {
    case "enter": {
      const choice = state.matches[state.selected];
      return choice === undefined ? { state } : { picked: choice.name };
    }
    case "escape":
    case "interrupt":
      return { cancelled: true };
    case "end-of-input":
      return state.filter === "" ? { cancelled: true } : { state };
    case "backspace":
      return { state: filtered(state, [...state.filter].slice(0, -1).join("")) };
    case "clear-line":
      return { state: filtered(state, "") };
    case "delete-word":
      return { state: filtered(state, state.filter.replace(/\S*\s*$/u, "")) };
    case "up":
      return { state: moved(state, state.selected - 1, rows) };
    case "down":
    case "tab":
      return { state: moved(state, state.selected + 1, rows) };
    case "pageup":
      return { state: moved(state, state.selected - Math.max(1, rows), rows) };
    case "pagedown":
      return { state: moved(state, state.selected + Math.max(1, rows), rows) };
    case "home":
      return { state: moved(state, 0, rows) };
    case "end":
      return { state: moved(state, last, rows) };
  }
}

function filtered(state: PickerState, filter: string): PickerState {
  return { ...state, filter, matches: matchChoices(state.choices, filter), selected: 0, top: 0 };
}

function moved(state: PickerState, to: number, rows: number): PickerState {
  const selected = Math.max(0, Math.min(state.matches.length - 1, to));
  const top = selected < state.top ? selected : selected >= state.top + rows ? selected - rows + 1 : state.top;
  return { ...state, selected, top: Math.max(0, top) };
}

/** The picker's screen size: two lines (the filter, the count) above the choices. */
export function choiceRows(screenRows: number): number {
  return Math.max(1, screenRows - 2);
}

export interface ScreenLook {
  readonly columns: number;
  readonly rows: number;
  /** Reverse video for the line under the cursor, dim for the help (a ">" marks it either way). */
  readonly color: boolean;
  readonly title: string;
}

/**
 * The whole screen as one write, for the alternate screen: home, each line cleared to its end and cut to the
 * width (a line that wrapped would push the rest down), then the cursor put back after the filter.
 */
export function drawPicker(state: PickerState, look: ScreenLook): string {
  const width = Math.max(10, look.columns);
  const rows = choiceRows(look.rows);
  const prompt = `${look.title}: `;
  const filterShown = visibleText(state.filter);
  // A long filter keeps its end in view, where the typing is.
  const room = Math.max(1, width - 1 - Bun.stringWidth(prompt));
  const filterLine = fitWidth(prompt, width - 1) + lastWidth(filterShown, room);
  const count = `  ${state.matches.length}/${state.choices.length}${state.matches.length === 0 ? "  nothing matches" : ""}   ↑↓ move · Enter pick · Esc leave`;
  const lines = [filterLine, look.color ? `\x1b[2m${fitWidth(count, width - 1)}\x1b[22m` : fitWidth(count, width - 1)];
  const shown = state.matches.slice(state.top, state.top + rows);
  const nameWidth = Math.min(Math.max(0, ...shown.map((choice) => Bun.stringWidth(visibleText(choice.name)))), Math.floor(width / 2));
  shown.forEach((choice, index) => {
    const here = state.top + index === state.selected;
    const name = visibleText(choice.name);
    const padded = `${fitWidth(name, nameWidth)}${" ".repeat(Math.max(0, nameWidth - Bun.stringWidth(fitWidth(name, nameWidth))))}`;
    const line = fitWidth(`${here ? ">" : " "} ${padded}  ${visibleText(choice.detail)}`, width - 1);
    lines.push(here && look.color ? `\x1b[7m${line}\x1b[27m` : line);
  });
  const cursorColumn = Bun.stringWidth(filterLine) + 1;
  return `\x1b[H${lines.map((line) => `${line}\x1b[K`).join("\r\n")}\x1b[J\x1b[1;${cursorColumn}H`;
}

/**
 * Text from the config file shown as it is, but safe on a terminal: every control character as its picture
 * (ESC as ␛), and the marks that reorder text as <U+202E>, so that a name with an escape sequence in it is
 * seen, not obeyed, and two names never look alike.
 */
export function visibleText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu, (char) => {
    const code = char.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return "\u2421";
    return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
  });
}

/** `text` cut to `width` terminal columns, with … where it was cut. */
export function fitWidth(text: string, width: number): string {
  if (Bun.stringWidth(text) <= width) return text;
  let result = "";
  for (const char of text) {
    if (Bun.stringWidth(`${result}${char}…`) > width) break;
    result += char;
  }
  return `${result}…`;
}

/** The end of `text` that fits in `width` columns, with … where its start was cut. */
function lastWidth(text: string, width: number): string {
  if (Bun.stringWidth(text) <= width) return text;
  const chars = [...text];
  let result = "";
  while (chars.length > 0 && Bun.stringWidth(`…${chars.at(-1)}${result}`) <= width) result = `${chars.pop()}${result}`;
  return `…${result}`;
}
