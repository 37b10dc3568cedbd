/**
 * Text from outside (STS, a dialog, ykman, the config file, a file name) made safe to show on a terminal:
 * escape sequences removed whole (an STS message must not retitle or clear the user's terminal), other control
 * characters and bidirectional overrides dropped, and anything long cut with its length said.
 */

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), DCS/SOS/PM/APC strings, two-character escapes, and 8-bit CSI.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -~])|\x9b[0-?]*[ -/]*[@-~]/g;
// C0 but tab and newline, DEL, C1, and the marks that reorder what follows them on screen.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** The longest line shown for one failure (what the AWS CLI prints after its own prefix). */
export const MAX_LINE_LENGTH = 1000;
/** The longest value quoted inside a message: a 100 KB external_id says its length instead. */
export const MAX_VALUE_LENGTH = 80;

/** One line: no escapes or controls, line breaks and tabs as spaces, cut past `maxLength`. */
export function printableLine(text: string, maxLength = MAX_LINE_LENGTH): string {
  const plain = text.replace(ESCAPE_SEQUENCE, "").replace(/[\t\n\r\u2028\u2029]+/gu, " ").replace(CONTROL, "");
  return cut(plain, maxLength);
}

/** Several lines (a table, a listing): as printableLine, but newlines and tabs stay and nothing is cut. */
export function printableText(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(/\r\n?/g, "\n").replace(/[\u2028\u2029]/gu, "\n").replace(CONTROL, "");
}

/** A value inside a message, quoted, printable and cut: `"abc"`, `"aaaa…" (102400 characters)`. */
export function quoteValue(value: string, maxLength = MAX_VALUE_LENGTH): string {
  const plain = printableLine(value, Number.MAX_SAFE_INTEGER);
  return plain.length <= maxLength ? `"${plain}"` : `"${plain.slice(0, maxLength)}…" (${value.length} characters)`;
}

/** `text` cut to `maxLength` with its full length said. */
export function cut(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const note = `… (${text.length} characters)`;
  return `${text.slice(0, Math.max(0, maxLength - note.length))}${note}`;
}

/** JSON text whose strings show no control or reordering character raw (JSON itself escapes only C0). */
export function terminalSafeJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/gu, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
