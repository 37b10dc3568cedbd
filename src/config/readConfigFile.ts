import { UserError } from "../userError.ts";
import { FileError } from "../files/fileStatus.ts";
import { readFileText } from "../files/readFileBytes.ts";
import { parseAwsConfig, type Settings } from "./parseAwsConfig.ts";

export type { Settings };

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
  return { path, profiles: parseAwsConfig(text, path) };
}

export function parseProfiles(text: string, path = "config"): Map<string, Settings> {
  return parseAwsConfig(text, path);
}
