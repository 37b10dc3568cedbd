/**
 * A throwaway user for end-to-end tests: a temp HOME with its own AWS config and credentials files and cache
 * folder, the compiled binary, and ways to run it with or without a terminal.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type StsDouble, type StsRole, startStsDouble } from "./stsDouble.ts";
import { type TerminalRun, runInTerminal } from "./terminal.ts";

export const ROOT = resolve(import.meta.dir, "../..");
export const BINARY = join(ROOT, "dist", process.platform === "win32" ? "vegas-credentials.exe" : "vegas-credentials");

export const SOURCE_KEY = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
export const MFA_SERIAL = "arn:aws:iam::111111111111:mfa/FrankSinatra";
export const ROLE_ARN = "arn:aws:iam::222222222222:role/SingerRole";
export const PROMPT = `MFA code for ${MFA_SERIAL} (frank@concerts): `;

/** The STS double as the README's profile needs it: Frank's key, any code, SingerRole (external ID, 2 h). */
export function startReadmeSts(moreRoles: Record<string, StsRole> = {}): Promise<StsDouble> {
  return startStsDouble({
    users: { [SOURCE_KEY.id]: { secretAccessKey: SOURCE_KEY.secret, arn: "arn:aws:iam::111111111111:user/FrankSinatra" } },
    mfa: "any",
    roles: { [ROLE_ARN]: { maxSessionDuration: 7200, externalId: "0093624694724" }, ...moreRoles },
  });
}

/** The README's example profile, with `credential_process` pointing at the compiled binary. */
export function readmeConfig(extra = ""): string {
  return `[default]
mfa_serial = ${MFA_SERIAL}

[profile frank@concerts]
credential_process = ${BINARY} assume --profile=frank@concerts
vegas_role_arn = ${ROLE_ARN}
vegas_source_profile = default
region = us-west-1
duration_seconds = 4383
role_session_name = SinatraAtTheSands
external_id = 0093624694724
${extra}`;
}

export interface Result {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class Sandbox {
  readonly home: string;
  readonly cacheFolder: string;
  /** The whole environment of every run: nothing of the test process's AWS settings leaks in. */
  readonly env: Record<string, string>;

  constructor(config: string) {
    this.home = mkdtempSync(join(tmpdir(), "vegas-e2e-"));
    mkdirSync(join(this.home, ".aws"), { recursive: true });
    this.writeConfig(config);
    writeFileSync(join(this.home, ".aws", "credentials"), `[default]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\n`);
    this.cacheFolder = join(this.home, ".cache", "vegas-credentials");
    this.env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: this.home,
      LANG: "C.UTF-8",
      TERM: "xterm",
      TMPDIR: tmpdir(),
      // The AWS CLI and the SDK read ~/.aws/* under HOME; pin them anyway so nothing of the real user is used.
      AWS_CONFIG_FILE: join(this.home, ".aws", "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(this.home, ".aws", "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_MAX_ATTEMPTS: "1",
      AWS_PAGER: "",
      XDG_CACHE_HOME: join(this.home, ".cache"),
    };
  }

  writeConfig(config: string): void {
    writeFileSync(join(this.home, ".aws", "config"), config);
  }

  /** Runs with no controlling terminal at all (as under an IDE or in CI): a prompt is impossible. */
  async run(args: string[], env: Record<string, string> = {}, options: { cwd?: string } = {}): Promise<Result> {
    const child = Bun.spawn(["setsid", "--wait", ...args], { env: { ...this.env, ...env }, cwd: options.cwd ?? this.home, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { exitCode, stdout, stderr };
  }

  /** Runs in a real terminal; stdout and stderr go to files (as they are pipes under the AWS tools). */
  inTerminal(args: string[], env: Record<string, string> = {}, options: { cwd?: string } = {}): Promise<TerminalRun> {
    return runInTerminal(args, { env: { ...this.env, ...env }, stdin: "null", cwd: options.cwd ?? this.home });
  }

  remove(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** Builds dist/ when a test is run on its own (`npm test` builds first). */
export function ensureBinary(): void {
  if (existsSync(BINARY)) return;
  const built = Bun.spawnSync([process.execPath, "run", join(ROOT, "build.ts")], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  if (built.exitCode !== 0) throw new Error("bun run build.ts failed");
}

/** The one credential_process document a run must print, checked field by field. */
export function credentialDocument(stdout: string): { Version: number; AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string } {
  const lines = stdout.split("\n");
  if (lines.length !== 2 || lines[1] !== "") throw new Error(`expected exactly one line on stdout, got: ${JSON.stringify(stdout)}`);
  const document = JSON.parse(lines[0] ?? "");
  if (document.Version !== 1) throw new Error(`Version is ${document.Version}`);
  for (const key of ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]) {
    if (typeof document[key] !== "string" || document[key] === "") throw new Error(`${key} is missing`);
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(document.Expiration)) throw new Error(`Expiration ${document.Expiration} is not RFC 3339 UTC`);
  return document;
}
