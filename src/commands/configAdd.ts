import { parseAwsConfig } from "../config/parseAwsConfig.ts";
import { resolveRoleProfile } from "../config/resolveRoleProfile.ts";
import type { Env } from "../environment.ts";
import { FileError } from "../files/fileError.ts";
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

/** Names this tool writes into a section header and a credential_process line without quoting trouble. */
const PLAIN_NAME = /^[\w@.+=,:/-]+$/;

/**
 * `config add`: the new role profile (and, with --mfa-serial, that line in the source profile) added to the
 * config file with every other byte left as it was; validated as `assume` would read it before anything is
 * written. Returns what was written, for the person.
 */
export function addRoleProfile(path: string, request: ConfigAddRequest, binary: string, env: Env): string {
  for (const [flag, name] of [["--profile", request.profile], ["--source-profile", request.sourceProfile]] as const) {
    if (!PLAIN_NAME.test(name)) throw new UserError(`${flag} "${name}": use a profile name of letters, digits and @ . + = , : / _ - (no spaces or quotes)`, 2);
  }
  const before = readText(path);
  const existing = parseAwsConfig(before, path);
  if (existing.has(request.profile)) throw new UserError(`profile "${request.profile}" is already in ${path}: choose another name, or edit it there (config show-profile -p ${request.profile})`);
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
  // The same checks and lines as assume and show-profile, on the file as it will be.
  resolveRoleProfile({ path, profiles: parseAwsConfig(text, path) }, request.profile, env);
  writeKeepingMode(path, text);
  return `Added to ${path}:\n\n${written.join("\n")}`;
}

function optional(key: string, value: string | undefined): string[] {
  return value === undefined ? [] : [`${key} = ${value}`];
}

function sectionName(profile: string): string {
  return profile === "default" ? "default" : `profile ${profile}`;
}

/** The new section at the end, after one blank line; a last line without its newline gets one. */
function appendSection(text: string, section: string): string {
  if (text === "") return section;
  return `${text}${text.endsWith("\n") ? "" : "\n"}\n${section}`;
}

/** `line` right after the header of `profile`'s section, every other line as it was. */
function insertAfterHeader(text: string, profile: string, line: string): string {
  const lines = text.split("\n");
  const header = lines.findIndex((candidate) => {
    const name = /^\s*\[([^\]]+)\]/.exec(candidate)?.[1]?.trim();
    return name === sectionName(profile) || (profile === "default" && name === "default");
  });
  if (header < 0) throw new UserError(`cannot find the [${sectionName(profile)}] header in the file: add mfa_serial there by hand`);
  lines.splice(header + 1, 0, line);
  return lines.join("\n");
}

function readText(path: string): string {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    return fs.readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EIO";
    if (code === "ENOENT") return "";
    throw new FileError(code, path, "read the AWS config file");
  }
}

/** Atomically (a temp file beside the real file, then rename), with the file's own mode; through a link to its target. */
function writeKeepingMode(path: string, text: string): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const { dirname, join } = require("node:path") as typeof import("node:path");
  let target = path;
  let mode = 0o600;
  try {
    target = fs.realpathSync(path);
    mode = fs.statSync(target).mode & 0o777;
  } catch {
    fs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  }
  const temp = join(dirname(target), `.${process.pid}.vegas-credentials.tmp`);
  try {
    fs.writeFileSync(temp, text, { mode, flag: "wx" });
    // The umask would narrow it: the file keeps exactly the mode it had.
    fs.chmodSync(temp, mode);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new FileError((error as { code?: string }).code ?? "EIO", target, "write the AWS config file");
  }
}
