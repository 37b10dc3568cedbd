import { UserError } from "../userError.ts";
import { FileError } from "../files/fileError.ts";
import { readFileFollowing } from "../files/readFileNoFollow.ts";
import { parseAwsConfig, type Settings } from "./parseAwsConfig.ts";

export type { Settings };

/** The profiles of one AWS config file, by profile name (`[default]` and `[profile NAME]` sections). */
export interface ConfigFile {
  readonly path: string;
  readonly profiles: ReadonlyMap<string, Settings>;
}

/** Far larger than any real config file: /dev/zero, or a log pointed at by mistake, is not read for ever. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

export function readConfigFile(path: string): ConfigFile {
  let content: ReturnType<typeof readFileFollowing>;
  try {
    content = readFileFollowing(path, MAX_CONFIG_BYTES);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EIO";
    if (code === "EFBIG") throw new UserError(`AWS config file ${path} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB, which no config file is: point AWS_CONFIG_FILE at your config`);
    throw new FileError(code, path, "read the AWS config file");
  }
  if (content !== undefined && content.bytes === undefined) {
    throw new UserError(`AWS config file ${path} is not a regular file (${content.status.type === "folder" ? "a folder" : "a device, FIFO or socket"}): point AWS_CONFIG_FILE at your config`);
  }
  const text = content?.bytes === undefined ? undefined : decodeUtf8(content.bytes, path);
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

/** UTF-8 as botocore reads the file: a byte order mark is kept (and then refused as botocore does), bad bytes refused. */
function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UserError(`AWS config file ${path} is not UTF-8 text: the AWS CLI cannot read it either; save it as UTF-8`);
  }
}
