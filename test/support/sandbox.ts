/**
 * A throwaway user for end-to-end tests: a temp HOME with its own AWS config and credentials files and cache
 * folder, the compiled binary, and ways to run it with or without a terminal.
 */
import { afterAll, beforeAll } from "bun:test";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type StsDouble, type StsRole, startStsDouble } from "./stsDouble.ts";
import { type TerminalResult, type TerminalRun, runInTerminal } from "./terminal.ts";
import { temporaryFolder } from "./temporaryFolder.ts";

export const ROOT = resolve(import.meta.dir, "../..");
export const BINARY = join(ROOT, "dist", process.platform === "win32" ? "vegas-credentials.exe" : "vegas-credentials");

export const SOURCE_KEY = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
export const MFA_SERIAL = "arn:aws:iam::111111111111:mfa/FrankSinatra";
export const ROLE_ARN = "arn:aws:iam::222222222222:role/SingerRole";
export const PROMPT = `MFA code for ${MFA_SERIAL} (frank@concerts): `;

const FRANK = { [SOURCE_KEY.id]: { secretAccessKey: SOURCE_KEY.secret, arn: "arn:aws:iam::111111111111:user/FrankSinatra" } };

/** The STS double as the README's profile needs it: Frank's key, any code, SingerRole (external ID, 2 h). */
export function startReadmeSts(moreRoles: Record<string, StsRole> = {}): Promise<StsDouble> {
  return startStsDouble({ users: FRANK, mfa: "any", roles: { [ROLE_ARN]: { maxSessionDuration: 7200, externalId: "0093624694724" }, ...moreRoles } });
}

/**
 * The README's STS double for the tests of one file: the binary checked and the double started before them,
 * stopped after them. Read `.sts` inside a test or a hook (it is there once beforeAll has run).
 */
export function readmeStsForThisFile(): { readonly sts: StsDouble } {
  let sts: StsDouble | undefined;
  beforeAll(async () => {
    ensureBinary();
    sts = await startReadmeSts();
  });
  afterAll(() => sts?.stop());
  return {
    get sts(): StsDouble {
      if (sts === undefined) throw new Error("the STS double starts in beforeAll: read .sts inside a test");
      return sts;
    },
  };
}

/** The STS double for tests of many roles: Frank's key, any code, any well-formed role ARN assumable so. */
export function startAnyRoleSts(anyRole: StsRole): Promise<StsDouble> {
  return startStsDouble({ users: FRANK, mfa: "any", anyRole });
}

export const FAKES = join(ROOT, "test", "support", "fakes");

/** The environment that makes the fake zenity (see putFakesOnPath) answer `code`, with a display to show it on. */
export function zenityAnswering(code: string | number): Record<string, string> {
  return { DISPLAY: ":99", FAKE_ZENITY_ANSWER: String(code) };
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
    this.home = temporaryFolder("vegas-e2e-");
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

  /** Puts the stand-ins of test/support/fakes (zenity, ykman) first on this sandbox's PATH. */
  putFakesOnPath(...fakes: ("zenity" | "ykman")[]): this {
    const bin = join(this.home, "bin");
    mkdirSync(bin, { recursive: true });
    for (const fake of fakes) symlinkSync(join(FAKES, fake), join(bin, fake));
    this.env.PATH = `${bin}:${this.env.PATH}`;
    return this;
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
  inTerminal(args: string[], env: Record<string, string> = {}, options: { cwd?: string; columns?: number; rows?: number } = {}): Promise<TerminalRun> {
    return runInTerminal(args, { env: { ...this.env, ...env }, stdin: "null", cwd: options.cwd ?? this.home, ...(options.columns === undefined ? {} : { columns: options.columns }), ...(options.rows === undefined ? {} : { rows: options.rows }) });
  }

  /**
   * `assume --profile=PROFILE` in a terminal, as a person meets it: waits for its MFA prompt (for the device
   * `mfaSerial`), types `code`, and returns what the run printed. The run is ended if anything goes wrong.
   */
  async assumeTyping(profile: string, code: string | number, env: Record<string, string> = {}, mfaSerial = MFA_SERIAL): Promise<TerminalResult> {
    const run = await this.inTerminal([BINARY, "assume", `--profile=${profile}`], env);
    try {
      await run.waitForText(`MFA code for ${mfaSerial} (${profile})`);
      await run.type(String(code));
      await run.pressEnter();
      return await run.done();
    } catch (error) {
      await run.kill();
      throw error;
    }
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

/** A run that must have succeeded quietly: its credential_process document, checked. */
export function succeeded(result: { exitCode: number; stdout: string; stderr: string }): ReturnType<typeof credentialDocument> {
  if (result.stderr !== "" || result.exitCode !== 0) throw new Error(`the run failed (exit ${result.exitCode}): ${result.stderr}`);
  return credentialDocument(result.stdout);
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
