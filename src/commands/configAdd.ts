import { parseAwsConfig } from "../config/parseAwsConfig.ts";
import { resolveRoleProfile } from "../config/resolveRoleProfile.ts";
import { checkExternalId, checkMfaSerial, checkRegion, checkRoleArn, checkRoleSessionName, parseDurationSeconds } from "../config/settingChecks.ts";
import type { Env } from "../environment.ts";
import { readFileToEdit, writeEditedFile } from "../config/editFile.ts";
import { whileAwsFileLocked } from "./awsFileLock.ts";
import { appendSection, insertAfterHeader, sectionName } from "../config/iniSections.ts";
import { quoteValue } from "../output/printableText.ts";
import { UserError } from "../userError.ts";

export interface ConfigAddRequest {
  readonly profile: string;
  readonly roleArn: string;
  readonly sourceProfile: string;
  readonly mfaSerial?: string;
  readonly region?: string;
  readonly durationSeconds?: string;
  readonly roleSessionName?: string;
  readonly externalId?: string;
}

/**
 * Names this tool writes into a section header and a credential_process line (which the JS SDK runs through a
 * shell): letters and digits of any script, and a few marks no shell or INI reader takes as syntax.
 */
const PLAIN_NAME = /^[\p{L}\p{N}\p{M}_@.+=,:/-]+$/u;
/** A line break or any other control character in a value would end its line: the rest becomes keys or sections. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * `config add`: the new role profile (and, with --mfa-serial, that line in the source profile) added to the
 * config file with every other byte left as it was; each option checked as `assume` checks that setting, and
 * the file as it will be read as `assume` reads it, before anything is written. Runs on one file take turns
 * (a lock beside it), and a file changed by anything else meanwhile is not overwritten. Returns what was
 * written, for the person.
 */
export async function addRoleProfile(path: string, request: ConfigAddRequest, binary: string, env: Env): Promise<string> {
  checkRequest(request);
  // A first profile: the folder the lock and the file go in may not be there yet.
  return whileAwsFileLocked(path, { retry: "run config add again", makeFolder: true }, () => {
    // Read under the lock: what another run wrote before it let go is kept.
    const current = readFileToEdit(path, "the AWS config file");
    const { text, written } = withRoleProfile(path, current.text, request, binary);
    // The same checks and lines as assume and show-profile, on the file as it will be.
    resolveRoleProfile({ path, profiles: parseAwsConfig(text, path) }, request.profile, env);
    writeEditedFile(current, text);
    return `Added to ${path}:\n\n${written.join("\n")}`;
  });
}

/** Every option as `assume` will check its setting, named by its option; a value must stay on its line. */
function checkRequest(request: ConfigAddRequest): void {
  for (const [flag, name] of [["--profile", request.profile], ["--source-profile", request.sourceProfile]] as const) {
    if (!PLAIN_NAME.test(name)) throw new UserError(`config add ${flag} ${quoteValue(name)}: use a profile name of letters, digits and @ . + = , : / _ - (no spaces, quotes or control characters)`, 2);
  }
  const checks: [string, string, string | undefined, (value: string) => string | undefined][] = [
    ["--role-arn", "vegas_role_arn", request.roleArn, checkRoleArn],
    ["--mfa-serial", "mfa_serial", request.mfaSerial, checkMfaSerial],
    ["--region", "region", request.region, checkRegion],
    ["--duration-seconds", "duration_seconds", request.durationSeconds, (value) => problemOf(parseDurationSeconds(value))],
    ["--role-session-name", "role_session_name", request.roleSessionName, checkRoleSessionName],
    ["--external-id", "external_id", request.externalId, (value) => problemOf(checkExternalId(value), "the value ")],
  ];
  for (const [flag, key, value, check] of checks) {
    if (value === undefined) continue;
    const named = `config add ${flag} (${key})`;
    if (CONTROL.test(value)) throw new UserError(`${named}: the value has a line break or another control character: give it on one line`, 2);
    const problem = check(value);
    if (problem !== undefined) throw new UserError(`${named}: ${problem}`, 2);
  }
}

/** What a parser said was wrong (its text), or undefined when it took the value. */
function problemOf(parsed: number | string | undefined, prefix = ""): string | undefined {
  return typeof parsed === "string" ? `${prefix}${parsed}` : undefined;
}

/** The file's text with the new sections, and what was written, for the person. */
function withRoleProfile(path: string, before: string, request: ConfigAddRequest, binary: string): { text: string; written: string[] } {
  const existing = parseAwsConfig(before, path);
  const already = existing.get(request.profile);
  if (already?.login_session || already?.sso_session || already?.sso_start_url) {
    const how = already.login_session ? "aws login (login_session)" : "IAM Identity Center (sso_session)";
    throw new UserError(`profile "${request.profile}" in ${path} signs in with ${how}, and the AWS CLI will not sign in a profile with credential_process: keep it as the source, and add the role under a new name with --source-profile ${request.profile}`);
  }
  if (already !== undefined) throw new UserError(`profile "${request.profile}" is already in ${path}: choose another name, or edit it there (config show-profile -p ${request.profile})`);
  let text = before;
  const written: string[] = [];
  if (request.mfaSerial !== undefined) {
    const source = existing.get(request.sourceProfile);
    if (source?.mfa_serial !== undefined && source.mfa_serial !== request.mfaSerial) {
      throw new UserError(`profile "${request.sourceProfile}" already has mfa_serial ${source.mfa_serial} in ${path}: leave out --mfa-serial, or change it there`);
    }
    if (source === undefined) {
      const section = `[${sectionName(request.sourceProfile)}]\nmfa_serial = ${request.mfaSerial}\n`;
      text = appendSection(text, section);
      written.push(section);
    } else if (source.mfa_serial === undefined) {
      text = insertAfterHeader(text, request.sourceProfile, `mfa_serial = ${request.mfaSerial}`);
      written.push(`[${sectionName(request.sourceProfile)}]\nmfa_serial = ${request.mfaSerial}   (added)\n`);
    }
  }
  const lines = [
    `[${sectionName(request.profile)}]`,
    `credential_process = ${binary.includes(" ") ? `"${binary}"` : binary} assume --profile=${request.profile}`,
    `vegas_role_arn = ${request.roleArn}`,
    `vegas_source_profile = ${request.sourceProfile}`,
    ...optional("region", request.region),
    ...optional("duration_seconds", request.durationSeconds),
    ...optional("role_session_name", request.roleSessionName),
    ...optional("external_id", request.externalId),
  ];
  const section = `${lines.join("\n")}\n`;
  text = appendSection(text, section);
  written.push(section);
  return { text, written };
}
function optional(key: string, value: string | undefined): string[] {
  return value === undefined ? [] : [`${key} = ${value}`];
}
