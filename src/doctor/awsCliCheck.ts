import type { Env } from "../environment.ts";
import { findProgram } from "../mfa/findProgram.ts";
import { runProgram } from "../mfa/runProgram.ts";
import { type Check, failed, ok, warned } from "./check.ts";

const VERSION_DEADLINE_MS = 20_000;

/** The first AWS CLI versions that read AWS_ENDPOINT_URL_<SERVICE> and endpoint_url (service-specific endpoints). */
const ENDPOINT_VARIABLES_SINCE: Readonly<Record<number, readonly [number, number, number]>> = { 1: [1, 29, 0], 2: [2, 13, 0] };

/** `aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64` → [2, 15, 0]. */
export function parseAwsCliVersion(output: string): [number, number, number] | undefined {
  const match = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(output);
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Whether this AWS CLI version sends STS calls to AWS_ENDPOINT_URL_STS (and a profile's endpoint_url). */
export function honoursEndpointVariables(version: readonly [number, number, number]): boolean {
  const since = ENDPOINT_VARIABLES_SINCE[version[0]];
  if (since === undefined) return version[0] > 2;
  for (let index = 0; index < 3; index++) {
    if ((version[index] ?? 0) !== since[index]) return (version[index] ?? 0) > (since[index] ?? 0);
  }
  return true;
}

/**
 * The AWS CLI on PATH, its version, and whether it honours AWS_ENDPOINT_URL_STS. Not having it is a warning
 * (the SDKs run credential_process too); one that ignores the endpoint variable while it is set fails, since
 * the CLI then calls AWS's STS where the rest calls another.
 */
export async function checkAwsCli(env: Env): Promise<Check> {
  const name = "AWS CLI";
  const aws = findProgram("aws", env);
  if (aws === undefined) return warned(name, "not found on PATH (the AWS SDKs and tools still run credential_process)", "install the AWS CLI v2 to use the aws command with these profiles");
  const result = await runProgram({ argv: [aws, "--version"], env: { ...env, AWS_PAGER: "" }, detached: true, signal: AbortSignal.timeout(VERSION_DEADLINE_MS) });
  const version = parseAwsCliVersion(`${result.stdout} ${result.stderr}`);
  if (result.exitCode !== 0 || version === undefined) {
    return failed(name, `${aws} --version did not answer with a version (${result.exitCode === undefined ? "it did not finish" : `exit ${result.exitCode}`})`, "reinstall the AWS CLI v2");
  }
  const shown = version.join(".");
  const setting = env.AWS_ENDPOINT_URL_STS ? "AWS_ENDPOINT_URL_STS" : env.AWS_ENDPOINT_URL ? "AWS_ENDPOINT_URL" : undefined;
  if (honoursEndpointVariables(version)) return ok(name, `${aws}, version ${shown}, which honours AWS_ENDPOINT_URL_STS`);
  const since = ENDPOINT_VARIABLES_SINCE[version[0]]?.join(".") ?? "2.13.0";
  if (setting !== undefined) return failed(name, `${aws}, version ${shown}, ignores ${setting}, which is set here: it calls AWS's STS instead`, `upgrade the AWS CLI to ${since} or later`);
  return ok(name, `${aws}, version ${shown} (AWS_ENDPOINT_URL_STS needs ${since} or later; it is not set here)`);
}
