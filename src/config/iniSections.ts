import { UserError } from "../userError.ts";
import { profileName, pyStrip, splitSetting } from "./parseAwsConfig.ts";

/** The AWS config file names a profile's section `[profile NAME]` (`[default]` alone); the credentials file `[NAME]`. */
export type AwsFileKind = "config" | "credentials";

/** How a new section's header names the profile. */
export function sectionName(profile: string, kind: AwsFileKind = "config"): string {
  return kind === "credentials" || profile === "default" ? profile : `profile ${profile}`;
}

/**
 * Whose section a line opens, read as parseAwsConfig (and botocore) reads headers: `[profile "a b"]` is `a b`,
 * `[profile default]` is `default` too; in the credentials file the name as written. undefined for any other line.
 */
function headerProfile(line: string, kind: AwsFileKind): string | undefined {
  const name = /^\[(.+)\]/su.exec(pyStrip(line))?.[1];
  if (name === undefined) return undefined;
  return kind === "credentials" ? name : (profileName(name) ?? `\0${name}`);
}

/** A setting at the start of its line (an indented line continues a value or belongs to a nested block above it). */
function settingKey(line: string): string | undefined {
  if (line === "" || /^\s/.test(line)) return undefined;
  const stripped = pyStrip(line);
  if (stripped.startsWith("#") || stripped.startsWith(";") || stripped.startsWith("[")) return undefined;
  return splitSetting(stripped)?.key.toLowerCase();
}

/**
 * The lines of `profile`'s section: its header's index and the index after its last line; undefined when it has
 * none. The last such section, as a later one replaces an earlier one when the file is read.
 */
function sectionLines(lines: readonly string[], profile: string, kind: AwsFileKind): { header: number; end: number } | undefined {
  let found: { header: number; end: number } | undefined;
  let open: { header: number } | undefined;
  for (const [index, line] of lines.entries()) {
    const name = headerProfile(line, kind);
    if (name === undefined) continue;
    if (open !== undefined) found = { header: open.header, end: index };
    open = name === profile ? { header: index } : undefined;
  }
  if (open !== undefined) found = { header: open.header, end: lines.length };
  return found;
}

/** The new section at the end, after one blank line; a last line without its newline gets one. */
export function appendSection(text: string, section: string): string {
  if (text === "") return section;
  return `${text}${text.endsWith("\n") ? "" : "\n"}\n${section}`;
}

/** `line` right after the header of `profile`'s section, every other line as it was. */
export function insertAfterHeader(text: string, profile: string, line: string, kind: AwsFileKind = "config"): string {
  const lines = text.split("\n");
  const range = sectionLines(lines, profile, kind);
  if (range === undefined) throw new UserError(`cannot find the [${sectionName(profile, kind)}] header in the file: add ${line} there by hand`);
  // A CRLF file gets a CRLF line.
  lines.splice(range.header + 1, 0, (lines[range.header] ?? "").endsWith("\r") ? `${line}\r` : line);
  return lines.join("\n");
}

/** `key = value` in the profile's section: the value replaced where the key is, else the line added after the header, else a new section. */
export function withSetting(text: string, profile: string, kind: AwsFileKind, key: string, value: string): string {
  const lines = text.split("\n");
  const range = sectionLines(lines, profile, kind);
  if (range === undefined) return appendSection(text, `[${sectionName(profile, kind)}]\n${key} = ${value}\n`);
  const at = lastSettingLine(lines, range, key);
  if (at === undefined) return insertAfterHeader(text, profile, `${key} = ${value}`, kind);
  const line = lines[at] ?? "";
  // The key, its separator and the spaces around it stay as written; the value and a CR after it are what change.
  const separator = /^[^=:]*[=:][ \t]*/.exec(line)?.[0] ?? `${key} = `;
  lines[at] = `${separator}${value}${line.endsWith("\r") ? "\r" : ""}`;
  return lines.join("\n");
}

/** The text less every line of the profile's section that sets one of `keys`; every other byte as it was. */
export function withoutSettings(text: string, profile: string, kind: AwsFileKind, keys: readonly string[]): string {
  const lines = text.split("\n");
  const range = sectionLines(lines, profile, kind);
  if (range === undefined) return text;
  return lines.filter((line, index) => index <= range.header || index >= range.end || !keys.includes(settingKey(line) ?? "")).join("\n");
}

/** The profile's `from` setting renamed to `to`, its value and every other byte as written; the text unchanged when it has none. */
export function withRenamedSetting(text: string, profile: string, kind: AwsFileKind, from: string, to: string): string {
  const lines = text.split("\n");
  const range = sectionLines(lines, profile, kind);
  const at = range === undefined ? undefined : lastSettingLine(lines, range, from);
  if (at === undefined) return text;
  const line = lines[at] ?? "";
  lines[at] = `${to}${line.slice(line.search(/[\s=:]/))}`;
  return lines.join("\n");
}

function lastSettingLine(lines: readonly string[], range: { header: number; end: number }, key: string): number | undefined {
  for (let index = range.end - 1; index > range.header; index--) {
    if (settingKey(lines[index] ?? "") === key) return index;
  }
  return undefined;
}
