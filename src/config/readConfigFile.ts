import { parse } from "ini";
import { UserError } from "../userError.ts";
import { FileError } from "../files/fileStatus.ts";
import { readFileText } from "../files/readFileBytes.ts";

export type Settings = Readonly<Record<string, string>>;

/** The profiles of one AWS config file, by profile name (`[default]` and `[profile NAME]` sections). */
export interface ConfigFile {
  readonly path: string;
  readonly profiles: ReadonlyMap<string, Settings>;
}

export function readConfigFile(path: string): ConfigFile {
  let text: string | undefined;
  try {
    text = readFileText(path);
  } catch (error) {
    throw new FileError((error as { code?: string }).code ?? "EIO", path, "read the AWS config file");
  }
  if (text === undefined) {
    throw new UserError(
      `AWS config file ${path} not found: create it with your profiles, or point AWS_CONFIG_FILE at it`,
    );
  }
  return { path, profiles: parseProfiles(text) };
}

export function parseProfiles(text: string): Map<string, Settings> {
  // `ini` nests sections whose names contain dots; profile names may contain dots, so escape them.
  const escaped = text.replace(/^(\s*)\[([^\]\r\n]*)\]/gm, (_, indent: string, name: string) => `${indent}[${name.replace(/\./g, "\\.")}]`);
  const sections = parse(escaped) as Record<string, unknown>;
  const profiles = new Map<string, Settings>();
  for (const [sectionName, section] of Object.entries(sections)) {
    const name = profileNameOf(sectionName);
    if (name === undefined || typeof section !== "object" || section === null) continue;
    // `[profile default]` and `[default]` both name the default profile; the AWS CLI prefers `[default]`.
    if (name === "default" && profiles.has(name) && sectionName !== "default") continue;
    profiles.set(name, toSettings(section as Record<string, unknown>));
  }
  return profiles;
}

function profileNameOf(sectionName: string): string | undefined {
  const trimmed = sectionName.trim();
  if (trimmed === "default") return "default";
  const match = /^profile\s+(.+)$/.exec(trimmed);
  return match?.[1]?.trim();
}

function toSettings(section: Record<string, unknown>): Settings {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(section)) {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) continue;
    settings[key.trim()] = Array.isArray(value) ? value.map(String).join(",") : String(value).trim();
  }
  return settings;
}
