import { requireHome } from "../files/homeFolder.ts";
import { joinPath } from "../files/joinPath.ts";

/** The AWS config file the AWS tools use: `AWS_CONFIG_FILE` (with `~` expanded, as botocore does), else `~/.aws/config`. */
export function configFilePath(env: Record<string, string | undefined>, home: string | undefined): string {
  const configured = env.AWS_CONFIG_FILE;
  if (configured) return expandHome(configured, home, "AWS_CONFIG_FILE");
  return joinPath(requireHome(home, "AWS_CONFIG_FILE to your AWS config file"), ".aws", "config");
}

/**
 * The AWS credentials file the SDK reads: `AWS_SHARED_CREDENTIALS_FILE` (with `~` expanded), else
 * `~/.aws/credentials`; undefined when there is no home folder to find it in (the SDK then finds no file). A
 * `~` in the variable without a home folder is the line that says what to set.
 */
export function credentialsFilePath(env: Record<string, string | undefined>, home: string | undefined): string | undefined {
  const configured = env.AWS_SHARED_CREDENTIALS_FILE;
  if (configured) return expandHome(configured, home, "AWS_SHARED_CREDENTIALS_FILE");
  return home === undefined ? undefined : joinPath(home, ".aws", "credentials");
}

/** `~` and `~/…` as botocore expands them; `variable` names the setting, for the line shown when there is no home. */
export function expandHome(path: string, home: string | undefined, variable: string): string {
  if (path === "~") return requireHome(home, `${variable} to a path without ~`);
  if (path.startsWith("~/") || path.startsWith("~\\")) return joinPath(requireHome(home, `${variable} to a path without ~`), path.slice(2));
  return path;
}
