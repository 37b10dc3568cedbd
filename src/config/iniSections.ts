import { UserError } from "../userError.ts";

/** The AWS config file names a profile's section `[profile NAME]` (`[default]` alone); the credentials file `[NAME]`. */
export type AwsFileKind = "config" | "credentials";

const HEADER = /^\s*\[([^\]]+)\]/;
/** A setting at the start of its line (an indented line belongs to a nested block above it). */
const SETTING = /^([A-Za-z0-9_.-]+)(\s*=\s*)([^\r]*)(\r?)$/;

export function sectionName(profile: string, kind: AwsFileKind = "config"): string {
  return kind === "credentials" || profile === "default" ? profile : `profile ${profile}`;
}

function isHeaderOf(line: string, profile: string, kind: AwsFileKind): boolean {
  const name = HEADER.exec(line)?.[1]?.trim();
  return name === sectionName(profile, kind) || (kind === "config" && profile === "default" && name === "profile default");
}

/** The lines of `profile`'s section: its header's index and the index after its last line; undefined when it has none. */
function sectionLines(lines: readonly string[], profile: string, kind: AwsFileKind): { header: number; end: number } | undefined {
  const header = lines.findIndex((line) => isHeaderOf(line, profile, kind));
  if (header < 0) return undefined;
  const next = lines.findIndex((line, index) => index > header && HEADER.test(line));
  return { header, end: next < 0 ? lines.length : next };
}

/** The settings of a profile's section as written (the last of a repeated key wins, as the AWS CLI reads it). */
export function readSection(text: string, profile: string, kind: AwsFileKind): Record<string, string> | undefined {
  const lines = text.split("\n");
  const range = sectionLines(lines, profile, kind);
  if (range === undefined) return undefined;
  const settings: Record<string, string> = {};
  for (const line of lines.slice(range.header + 1, range.end)) {
    const match = SETTING.exec(line);
    if (match !== null) settings[match[1] ?? ""] = (match[3] ?? "").trim();
  }
  return settings;
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
  lines.splice(range.header + 1, 0, line);
  return lines.join("\n");
}

/** `key = value` in the profile's section: the value replaced where the key is, else the line added after the header, else a new section. */
export function withSetting(text: string, profile: string, kind: AwsFileKind, key: string, value: string): string {
  const lines = text.split("\n");
  const range = sectionLines(lines, profile, kind);
  if (range === undefined) return appendSection(text, `[${sectionName(profile, kind)}]\n${key} = ${value}\n`);
  const at = lastSettingLine(lines, range, key);
  if (at === undefined) return insertAfterHeader(text, profile, `${key} = ${value}`, kind);
  lines[at] = (lines[at] ?? "").replace(SETTING, (_line, name: string, equals: string, _old: string, cr: string) => `${name}${equals}${value}${cr}`);
  return lines.join("\n");
}

/** The text less every line of the profile's section that sets one of `keys`; every other byte as it was. */
export function withoutSettings(text: string, profile: string, kind: AwsFileKind, keys: readonly string[]): string {
  const lines = text.split("\n");
  const range = sectionLines(lines, profile, kind);
  if (range === undefined) return text;
  return lines.filter((line, index) => index <= range.header || index >= range.end || !keys.includes(SETTING.exec(line)?.[1] ?? "")).join("\n");
}

function lastSettingLine(lines: readonly string[], range: { header: number; end: number }, key: string): number | undefined {
  for (let index = range.end - 1; index > range.header; index--) {
    if (SETTING.exec(lines[index] ?? "")?.[1] === key) return index;
  }
  return undefined;
}
