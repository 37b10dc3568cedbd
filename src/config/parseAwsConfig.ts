import { UserError } from "../userError.ts";

export type Settings = Readonly<Record<string, string>>;

/**
 * The profiles of an AWS config file, read as botocore reads it (Python's RawConfigParser, then botocore's
 * profile map), which is what the AWS CLI acts on. What matters for this tool:
 * - `#` and `;` start a comment only as a line's first non-blank character: `abc#def` is a value, whole;
 * - a section header ends at its last `]`: `[profile prod]   # production` is the section `profile prod`;
 * - `key = value` or `key: value`, keys lower-cased; an indented line continues the value above it, and a
 *   key with an empty value followed by indented `k = v` lines is a nested block (`s3 =`), which belongs to
 *   that key and never sets the profile's own settings;
 * - `[profile NAME]` is split like a shell word list (`[profile "my name"]` is `my name`), `[default]` is the
 *   default profile, a later section of the same profile replaces an earlier one, `[DEFAULT]` gives its
 *   keys to every section;
 * - a duplicate section or key, a line before any section, a line that is not `key = value`: botocore
 *   refuses the whole file, so this does too, with the line to fix.
 * Nested blocks are left out of the returned settings.
 */
export function parseAwsConfig(text: string, path: string): Map<string, Settings> {
  const sections = readSections(text, path);
  const defaults = sections.get("DEFAULT");
  sections.delete("DEFAULT");
  const profiles = new Map<string, Settings>();
  // botocore parses the nested blocks of every section, profile or not, and refuses the file on a bad one.
  for (const section of [...sections.values(), ...(defaults === undefined ? [] : [defaults])]) {
    for (const [key, value] of Object.entries(section.values)) if (value.startsWith("\n")) checkNestedBlock(value, path, section.lines[key] ?? 0);
  }
  for (const [name, values] of sections) {
    const profile = profileName(name);
    if (profile === undefined) continue;
    const settings: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries({ ...defaults?.values, ...values.values })) {
      if (!value.startsWith("\n")) settings[key] = value;
    }
    // Insertion order decides which of [default] and [profile default] wins, as in botocore's dict.
    profiles.delete(profile);
    profiles.set(profile, settings);
  }
  return profiles;
}

/**
 * The sections of an AWS credentials file by their names as written (botocore reads `[NAME]` there, with no
 * `profile` prefix), each with its settings; the same rules and refusals as the config file.
 */
export function parseCredentialsFile(text: string, path: string): Map<string, Settings> {
  const sections = new Map<string, Settings>();
  for (const [name, section] of readSections(text, path)) sections.set(name, Object.fromEntries(Object.entries(section.values).filter(([, value]) => !value.startsWith("\n"))));
  return sections;
}

interface Section {
  /** Each key's lines: the first value, then continuation lines ("" for a blank one). */
  readonly parts: Record<string, string[]>;
  /** The line each key was set on, for messages. */
  readonly lines: Record<string, number>;
  readonly values: Record<string, string>;
}

/**
 * Python's whitespace (str.strip, re's \s), which is not quite JavaScript's: no BOM, but the C0 separators and
 * NEL. Tested by code, not a regular expression: this runs on every cache hit, and compiling Unicode classes
 * cost more than the whole parse.
 */
function isPySpace(code: number): boolean {
  return (
    code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f) || code === 0x85 || code === 0xa0 ||
    (code >= 0x1680 && (code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000))
  );
}

function pyStripEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isPySpace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

export function pyStrip(text: string): string {
  let start = 0;
  while (start < text.length && isPySpace(text.charCodeAt(start))) start++;
  return pyStripEnd(text.slice(start));
}

/** `key = value` or `key: value` at the first = or :, as RawConfigParser's OPTCRE splits it. */
export function splitSetting(line: string): { key: string; value: string } | undefined {
  const equals = line.indexOf("=");
  const colon = line.indexOf(":");
  const at = equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
  if (at < 0) return undefined;
  return { key: pyStrip(line.slice(0, at)), value: pyStrip(line.slice(at + 1)) };
}

function readSections(text: string, path: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  let current: { name: string; section: Section } | undefined;
  let option: string | undefined;
  let indent = Number.MAX_SAFE_INTEGER;
  function fail(line: number, what: string): never {
    throw new UserError(`AWS config file ${path}, line ${line}: ${what}: the AWS CLI cannot read this file either; fix that line`);
  }
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === "") lines.pop();
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const stripped = pyStrip(raw);
    const comment = stripped.startsWith("#") || stripped.startsWith(";");
    const value = comment ? "" : stripped;
    if (value === "") {
      // A blank line inside a value is kept (a comment line is not); the end is trimmed when values are joined.
      if (!comment && current !== undefined && option !== undefined) current.section.parts[option]?.push("");
      continue;
    }
    let lineIndent = 0;
    while (isPySpace(raw.charCodeAt(lineIndent))) lineIndent++;
    if (current !== undefined && option !== undefined && lineIndent > indent) {
      current.section.parts[option]?.push(value);
      continue;
    }
    indent = lineIndent;
    const header = /^\[(.+)\]/su.exec(value);
    if (header !== null) {
      const name = header[1] ?? "";
      const existing = sections.get(name);
      // [DEFAULT] may come back; any other section only once.
      if (existing !== undefined && name !== "DEFAULT") fail(lineNumber, `section [${name}] appears twice`);
      // Keys like "constructor" are plain settings: no prototype behind these records.
      current = { name, section: existing ?? { parts: Object.create(null), lines: Object.create(null), values: Object.create(null) } };
      sections.set(name, current.section);
      option = undefined;
      continue;
    }
    if (current === undefined) fail(lineNumber, "a setting before any [section] header");
    const setting = splitSetting(value);
    const key = setting?.key.toLowerCase();
    if (setting === undefined || !key) fail(lineNumber, `"${cutForMessage(value)}" is not a key = value line`);
    if (current.section.parts[key] !== undefined) fail(lineNumber, `${key} is set twice in [${current.name}]`);
    option = key;
    current.section.lines[key] = lineNumber;
    current.section.parts[key] = [setting.value];
  }
  for (const section of sections.values()) {
    for (const [key, parts] of Object.entries(section.parts)) section.values[key] = pyStripEnd(parts.join("\n"));
  }
  return sections;
}

/** `profile NAME` split as a shell word list into exactly two words (botocore's shlex.split), or `default`. */
export function profileName(section: string): string | undefined {
  if (section === "default") return "default";
  if (!section.startsWith("profile")) return undefined;
  const words = shellWords(section);
  return words?.length === 2 ? words[1] : undefined;
}

/** POSIX shell word splitting as Python's shlex.split does it; undefined for an unclosed quote or a trailing escape. */
export function shellWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? "";
    // shlex splits on these four only (a pasted no-break space is part of a name).
    if (char === " " || char === "\t" || char === "\r" || char === "\n") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "\\") {
      if (index + 1 >= text.length) return undefined;
      word = (word ?? "") + text[++index];
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end < 0) return undefined;
      word = (word ?? "") + text.slice(index + 1, end);
      index = end;
    } else if (char === '"') {
      let quoted = "";
      let closed = false;
      for (index++; index < text.length; index++) {
        const inner = text[index] ?? "";
        if (inner === '"') {
          closed = true;
          break;
        }
        // Inside double quotes a backslash escapes only a quote or a backslash.
        if (inner === "\\" && (text[index + 1] === '"' || text[index + 1] === "\\")) quoted += text[++index];
        else quoted += inner;
      }
      if (!closed) return undefined;
      word = (word ?? "") + quoted;
    } else {
      word = (word ?? "") + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** botocore parses a nested block and refuses the file when one of its lines has no `=`. */
function checkNestedBlock(value: string, path: string, line: number): void {
  for (const inner of value.split("\n")) {
    if (inner.trim() !== "" && !inner.includes("=")) {
      throw new UserError(`AWS config file ${path}, near line ${line}: "${cutForMessage(inner.trim())}" in a nested block is not a key = value line: the AWS CLI cannot read this file either; fix that line`);
    }
  }
}

function cutForMessage(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
