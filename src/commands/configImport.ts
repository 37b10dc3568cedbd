import { readFileToEdit, writeEditedFile } from "../config/editFile.ts";
import { insertAfterHeader, sectionName, withRenamedSetting } from "../config/iniSections.ts";
import { parseAwsConfig } from "../config/parseAwsConfig.ts";
import { resolveRoleProfile } from "../config/resolveRoleProfile.ts";
import type { Env } from "../environment.ts";
import { isUserError, UserError } from "../userError.ts";
import { whileAwsFileLocked } from "./awsFileLock.ts";

/** Where the AWS CLI would get a role's source credentials from something this tool cannot stand in for. */
const NOT_OURS = ["credential_source", "web_identity_token_file", "credential_process", "sso_session", "sso_start_url"];

export interface ConfigImportRequest {
  /** One profile, or undefined with `all`. */
  readonly profile: string | undefined;
  readonly all: boolean;
  readonly dryRun: boolean;
}

/**
 * `config import`: profiles written for the AWS CLI (`role_arn`, `source_profile`, `mfa_serial` on either) are
 * rewritten in place to this tool's (`vegas_role_arn`, `vegas_source_profile`, and credential_process naming
 * this binary by its full path), every other byte kept; each one checked as `assume` will read it before
 * anything is written. With `dryRun`, the change is only printed, as a diff. Returns what was (or would be) done.
 */
export async function importAwsCliProfiles(path: string, request: ConfigImportRequest, binary: string, env: Env): Promise<string> {
  return whileAwsFileLocked(path, { retry: "run config import again", makeFolder: false }, () => {
    const before = readFileToEdit(path, "the AWS config file");
    const profiles = parseAwsConfig(before.text, path);
    const names = request.all ? [...profiles].filter(([, settings]) => settings.role_arn && settings.source_profile && !NOT_OURS.some((key) => settings[key])).map(([name]) => name) : [request.profile ?? ""];
    if (names.length === 0) return `No profile in ${path} assumes a role through source_profile: nothing to import.`;
    let text = before.text;
    const diff: string[] = [];
    for (const name of names) {
      const settings = profiles.get(name);
      if (settings === undefined) throw new UserError(`config import: profile "${name}" is not in ${path}`);
      const other = NOT_OURS.find((key) => settings[key]);
      if (other !== undefined) throw new UserError(`config import: profile "${name}" in ${path} has ${other}, which this tool cannot stand in for: leave it to the AWS CLI`);
      if (!settings.role_arn || !settings.source_profile) throw new UserError(`config import: profile "${name}" in ${path} has no role_arn and source_profile: it is not a role profile of the AWS CLI's (vegas-credentials config add makes one)`);
      const command = `credential_process = ${binary.includes(" ") ? `"${binary}"` : binary} assume --profile=${name}`;
      text = insertAfterHeader(withRenamedSetting(withRenamedSetting(text, name, "config", "source_profile", "vegas_source_profile"), name, "config", "role_arn", "vegas_role_arn"), name, command);
      diff.push(`[${sectionName(name)}]`, `-role_arn = ${settings.role_arn}`, `+vegas_role_arn = ${settings.role_arn}`, `-source_profile = ${settings.source_profile}`, `+vegas_source_profile = ${settings.source_profile}`, `+${command}`, "");
    }
    // Each as assume will read it, on the file as it will be: a role that demands no MFA device is not one of ours.
    const after = { path, profiles: parseAwsConfig(text, path) };
    for (const name of names) {
      try {
        resolveRoleProfile(after, name, env);
      } catch (error) {
        if (!isUserError(error)) throw error;
        throw new UserError(`config import: profile "${name}" would not work as ours (${error.message}): nothing was written`);
      }
    }
    if (request.dryRun) return [`Would change ${path} (nothing written):`, "", ...diff].join("\n").trimEnd();
    writeEditedFile(before, text);
    return [`Changed ${path}:`, "", ...diff].join("\n").trimEnd();
  });
}
