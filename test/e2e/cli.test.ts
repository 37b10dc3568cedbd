/**
 * The commands people troubleshoot with, run through the compiled binary on a cache filled by real runs
 * against the STS double: `cache` (table and JSON), `cache clean` and its choices, `config list`,
 * `config show-profile`, `version --full`, `--info`, completion, colour and emoji switches, and the log.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, credentialDocument, ensureBinary, MFA_SERIAL, ROOT, type Result, Sandbox, SOURCE_KEY, startAnyRoleSts, succeeded } from "../support/sandbox.ts";
import { ageCachedCredentials } from "../support/cacheAging.ts";
import type { StsDouble, } from "../support/stsDouble.ts";
import type { TerminalRun } from "../support/terminal.ts";

const HOBBY_SERIAL = "arn:aws:iam::111111111111:mfa/HobbyPhone";
let sts: StsDouble;
let sandbox: Sandbox;
const runs: TerminalRun[] = [];
const typedCodes: string[] = [];
const documents: ReturnType<typeof credentialDocument>[] = [];
let nextCode = 314_159;

beforeAll(async () => {
  ensureBinary();
  sts = await startAnyRoleSts({ maxSessionDuration: 43_200, requireMfa: true });
});
afterAll(() => sts.stop());
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.kill()));
  sts.setCredentialLifetime(undefined);
  sandbox?.remove();
});

function role(name: string, source: string, extra = ""): string {
  return `[profile ${name}]\ncredential_process = ${BINARY} assume --profile=${name}\nvegas_role_arn = arn:aws:iam::222222222222:role/${name}Role\nvegas_source_profile = ${source}\nendpoint_url = ${sts.url}\n${extra}`;
}

function config(frankExtra = ""): string {
  return [
    `[default]\nmfa_serial = ${MFA_SERIAL}\n`,
    `[profile hobby]\nmfa_serial = ${HOBBY_SERIAL}\nvegas_mfa_session = true\n`,
    role("frank", "default", frankExtra),
    role("painter", "hobby"),
    role("brief", "default"),
  ].join("\n");
}

async function assumeTyping(profile: string, serial = MFA_SERIAL): Promise<void> {
  const code = String(nextCode++);
  typedCodes.push(code);
  documents.push(succeeded(await sandbox.assumeTyping(profile, code, {}, serial)));
}

/** frank: role credentials; painter: role credentials and hobby's MFA session; brief: expired; one unreadable. */
async function populatedCache(): Promise<void> {
  sandbox = new Sandbox(config());
  appendFileSync(join(sandbox.home, ".aws", "credentials"), `[hobby]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\n`);
  await assumeTyping("frank");
  await assumeTyping("painter", HOBBY_SERIAL);
  await assumeTyping("brief");
  await ageCachedCredentials(sandbox, "brief", -1);
  writeFileSync(join(sandbox.cacheFolder, `${"f".repeat(40)}.entry`), "VGC2 but not really");
}

const cli = (args: string[], env: Record<string, string> = {}) => sandbox.run([BINARY, ...args], env);

function ok(result: Result): string {
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

/** Runs under `script`: stdout is a real terminal, as when a person types the command. */
async function inPty(args: string[], env: Record<string, string> = {}): Promise<string> {
  const command = [BINARY, ...args].map((arg) => `'${arg}'`).join(" ");
  const child = Bun.spawn(["script", "-qec", command, "/dev/null"], { env: { ...sandbox.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  return stdout;
}

function entryFiles(): string[] {
  return readdirSync(sandbox.cacheFolder).filter((file) => file.endsWith(".entry"));
}

function secretsOf(): string[] {
  return [SOURCE_KEY.secret, ...typedCodes, ...documents.flatMap((document) => [document.SecretAccessKey, document.SessionToken])];
}

describe("cache", () => {
  test("a row per entry: profile, kind, role or device, source, expiry, state; stale config marked; nothing secret", async () => {
    await populatedCache();
    sandbox.writeConfig(config("duration_seconds = 7200\n"));
    const table = ok(await cli(["cache"]));
    const rows = table.split("\n");
    expect(rows[0]).toMatch(/^PROFILE\s+KIND\s+ROLE \/ DEVICE\s+SOURCE\s+EXPIRES AT\s+IN\s+STATE$/);
    expect(table).toMatch(/\nbrief\s+role credentials\s+arn:aws:iam::222222222222:role\/briefRole\s+default\s+\S+ \S+\s+(?:\d+s ago|0s)\s+expired\n/);
    expect(table).toMatch(/\nfrank\s+role credentials\s+arn:aws:iam::222222222222:role\/frankRole\s+default\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+(59m|1h00m)\s+fresh, stale config\n/);
    expect(table).toMatch(/\npainter\s+role credentials\s+arn:aws:iam::222222222222:role\/painterRole\s+hobby\s+.*\s+fresh\n/);
    expect(table).toMatch(/\nhobby\s+MFA session\s+arn:aws:iam::111111111111:mfa\/HobbyPhone\s+hobby\s+.*\s+(11h59m|12h00m)\s+fresh\n/);
    expect(table).toMatch(/\n\?\s+unknown\s+\?\s+-\s+-\s+-\s+unreadable\n/);
    expect(table).toEndWith(`5 entries in ${sandbox.cacheFolder}\n`);
    for (const secret of secretsOf()) expect(table).not.toContain(secret);

    const listed = JSON.parse(ok(await cli(["cache", "list", "--json"])));
    expect(listed.map((entry: { profile: string | null; kind: string; state: string; staleConfig: boolean }) => [entry.profile, entry.kind, entry.state, entry.staleConfig])).toEqual([
      ["brief", "role-credentials", "expired", false],
      ["frank", "role-credentials", "fresh", true],
      ["painter", "role-credentials", "fresh", false],
      ["hobby", "mfa-session", "fresh", false],
      [null, "unknown", "unreadable", false],
    ]);
    expect(listed[1].expiresInSeconds).toBeGreaterThan(3500);
    expect(new Date(listed[1].expiresAt).toISOString()).toBe(listed[1].expiresAt);
  });

  test("an empty cache says so, and --json is []", async () => {
    sandbox = new Sandbox(config());
    expect(ok(await cli(["cache"]))).toBe(`The cache is empty (${sandbox.cacheFolder}).\n`);
    expect(JSON.parse(ok(await cli(["cache", "--json"])))).toEqual([]);
  });
});

describe("cache clean", () => {
  test("--expired, then --profile (a role profile takes its source's MFA session), then --credential, then everything", async () => {
    await populatedCache();
    expect(entryFiles()).toHaveLength(5);

    // What --expired keeps, and why, is said where a person looks first.
    expect(ok(await cli(["cache", "clean", "--help"])).replace(/\s+/g, " ")).toContain("stale config ones are kept until they expire");
    const expired = ok(await cli(["cache", "clean", "--expired", "--no-emoji"]));
    expect(expired).toBe(`Removed 2 entries from ${sandbox.cacheFolder}:\n  brief: role credentials\n  ?: unreadable entry\n`);
    expect(entryFiles()).toHaveLength(3);

    const painter = ok(await cli(["cache", "clean", "--profile", "painter", "--no-emoji"]));
    expect(painter).toBe(`Removed 2 entries from ${sandbox.cacheFolder}:\n  painter: role credentials\n  hobby: MFA session\n`);
    const left = JSON.parse(ok(await cli(["cache", "--json"])));
    expect(left.map((entry: { profile: string }) => entry.profile)).toEqual(["frank"]);

    expect(ok(await cli(["cache", "clean", "--session", "--no-emoji"]))).toBe(`Nothing to remove in ${sandbox.cacheFolder}.\n`);
    expect(ok(await cli(["cache", "clean", "--credential"]))).toStartWith("🧹 Removed 1 entry");
    expect(entryFiles()).toEqual([]);
    // Its own files only: the machine secret and anything else in the folder stay.
    writeFileSync(join(sandbox.cacheFolder, "notes.txt"), "mine");
    ok(await cli(["cache", "clean"]));
    expect(readdirSync(sandbox.cacheFolder).sort()).toEqual(expect.arrayContaining(["machine-secret", "notes.txt"]));
  });

  test("--session removes MFA sessions only: the roles' own credentials still answer", async () => {
    await populatedCache();
    expect(ok(await cli(["cache", "clean", "--session", "--no-emoji"]))).toBe(`Removed 1 entry from ${sandbox.cacheFolder}:\n  hobby: MFA session\n`);
    credentialDocument(ok(await cli(["assume", "--profile=painter"])));
    const kinds = JSON.parse(ok(await cli(["cache", "--json"]))).map((entry: { kind: string }) => entry.kind);
    expect(kinds).not.toContain("mfa-session");
  });

  test("after cleaning a profile, its next run asks for a code again", async () => {
    await populatedCache();
    ok(await cli(["cache", "clean", "--profile", "frank"]));
    const silent = await cli(["assume", "--profile=frank"]);
    expect(silent.exitCode).not.toBe(0);
    expect(silent.stdout).toBe("");
    expect(silent.stderr).toContain("needs an MFA code");
  });
});

describe("config", () => {
  test("config list names every file and folder in use", async () => {
    sandbox = new Sandbox(config());
    const listed = ok(await cli(["config", "list"]));
    expect(listed).toContain(`config file       ${join(sandbox.home, ".aws", "config")} (`);
    expect(listed).toContain(`cache folder      ${sandbox.cacheFolder}`);
    expect(listed).toContain(`log file          ${join(sandbox.home, ".local", "state", "vegas-credentials", "application.log")}`);
    expect(listed).toMatch(/terminal\s+none/);
    expect(listed).toMatch(/dialog\s+none: no dialog \(neither DISPLAY nor WAYLAND_DISPLAY is set\)/);
    expect(listed).toMatch(/ykman\s+not found/);
  });

  test("config list names the dialog and ykman a prompt would use, and --no-gui turns the dialog off", async () => {
    sandbox = new Sandbox(config());
    const fakes = join(ROOT, "test", "support", "fakes");
    const env = { PATH: `${fakes}:${sandbox.env.PATH}`, DISPLAY: ":1" };
    const listed = ok(await cli(["config", "list"], env));
    expect(listed).toMatch(new RegExp(`dialog\\s+zenity \\(${fakes}/zenity\\)`));
    expect(listed).toMatch(new RegExp(`ykman\\s+${fakes}/ykman`));
    expect(ok(await cli(["config", "list", "--no-gui"], env))).toMatch(/dialog\s+none: dialogs turned off/);
  });

  test("show-profile of a valid profile: every setting with its origin, the checksum, no problems", async () => {
    sandbox = new Sandbox(config());
    const shown = ok(await cli(["config", "show-profile", "--profile", "painter", "--no-emoji"]));
    expect(shown).toContain(`vegas_role_arn              arn:aws:iam::222222222222:role/painterRole`);
    expect(shown).toMatch(/mfa_serial\s+arn:aws:iam::111111111111:mfa\/HobbyPhone\s+\[profile hobby\]/);
    expect(shown).toMatch(/vegas_mfa_session_duration\s+43200\s+default/);
    expect(shown).toMatch(/\nchecksum: [0-9a-f]{16}\nproblems: none\n$/);
  });

  test("show-profile of a broken profile lists its problems on stdout and fails with one line", async () => {
    sandbox = new Sandbox(config("duration_seconds = 60\nvegas_externl_id = x\n"));
    const result = await cli(["config", "show-profile", "-p", "frank", "--no-emoji"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("problems (2):");
    expect(result.stdout).toContain("duration_seconds");
    expect(result.stdout).toContain("vegas_externl_id is not a setting");
    expect(result.stderr).toBe(`vegas-credentials: profile "frank" has 2 problems (listed above)\n`);
  });
});

describe("version, info, completion, help", () => {
  test("version --full names the build; --version and version the version alone", async () => {
    sandbox = new Sandbox(config());
    const pkg = JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8"));
    expect(ok(await cli(["version"]))).toBe(`${pkg.version}\n`);
    expect(ok(await cli(["--version"]))).toBe(`${pkg.version}\n`);
    const full = ok(await cli(["version", "--full"]));
    expect(full).toMatch(new RegExp(`^vegas-credentials ${pkg.version.replace(/\./g, "\\.")}\ncommit: +[0-9a-f]{12}\nbuilt: +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\nplatform: +${process.platform}-${process.arch}\nbun: +\\d+\\.\\d+\\.\\d+\n$`));
    const info = ok(await cli(["--info"]));
    expect(info).toContain(`config:   ${join(sandbox.home, ".aws", "config")}`);
  });

  test("completion prints a bash script that asks the binary; the binary completes commands", async () => {
    sandbox = new Sandbox(config());
    const script = ok(await cli(["completion"], { SHELL: "/bin/bash" }));
    expect(script).toContain("complete -o bashdefault -o default -F _vegas-credentials_yargs_completions vegas-credentials");
    const zsh = ok(await cli(["completion"], { SHELL: "/bin/zsh" }));
    expect(zsh).toContain("compdef _vegas-credentials_yargs_completions vegas-credentials");
    expect(ok(await cli(["--get-yargs-completions", "vegas-credentials", "cache", ""])).split("\n")).toEqual(expect.arrayContaining(["list", "clean"]));
    expect(ok(await cli(["--get-yargs-completions", "vegas-credentials", ""])).split("\n")).toEqual(expect.arrayContaining(["assume", "cache", "config", "version", "completion"]));
  });

  test("every command has help with examples", async () => {
    sandbox = new Sandbox(config());
    for (const command of [["assume"], ["cache", "list"], ["cache", "clean"], ["config", "list"], ["config", "show-profile"], ["version"]]) {
      const help = ok(await cli([...command, "--help"]));
      expect(help).toContain(`vegas-credentials ${command.join(" ")}`);
      expect(help).toContain("Examples:");
    }
  });
});

describe("colour and emoji", () => {
  test("colour only when the output is a terminal, and off with --no-color, NO_COLOR, VEGAS_CREDENTIALS_NO_COLOR or TERM=dumb", async () => {
    await populatedCache();
    const ESC = "\u001b[";
    expect(await inPty(["cache"])).toContain(`${ESC}32mfresh`);
    expect(ok(await cli(["cache"]))).not.toContain(ESC);
    expect(await inPty(["cache", "--no-color"])).not.toContain(ESC);
    expect(await inPty(["cache"], { NO_COLOR: "1" })).not.toContain(ESC);
    expect(await inPty(["cache"], { VEGAS_CREDENTIALS_NO_COLOR: "true" })).not.toContain(ESC);
    expect(await inPty(["cache"], { TERM: "dumb" })).not.toContain(ESC);
  });

  test("emoji unless --no-emoji, NO_EMOJI, VEGAS_CREDENTIALS_NO_EMOJI or TERM=dumb", async () => {
    sandbox = new Sandbox(config());
    const show = (flags: string[], env: Record<string, string> = {}) => cli(["config", "show-profile", "--profile", "frank", ...flags], env).then(ok);
    expect(await show([])).toContain("✅ problems: none");
    expect(await show(["--no-emoji"])).toContain("\nproblems: none");
    expect(await show([], { NO_EMOJI: "1" })).toContain("\nproblems: none");
    expect(await show([], { VEGAS_CREDENTIALS_NO_EMOJI: "1" })).toContain("\nproblems: none");
    expect(await show([], { TERM: "dumb" })).toContain("\nproblems: none");
  });
});

describe("the log", () => {
  const logPath = () => join(sandbox.home, ".local", "state", "vegas-credentials", "application.log");

  test("one line per run with the profile, role, device, cache outcome and STS outcome; no secret in the log or stderr", async () => {
    await populatedCache();
    const hit = await cli(["assume", "--profile=frank", "--verbose"]);
    expect(hit.exitCode).toBe(0);
    const failed = await cli(["assume", "--profile=nope"]);
    expect(failed.exitCode).toBe(1);
    const log = readFileSync(logPath(), "utf8");
    const lines = log.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^time=\S+ pid=\d+ command=assume profile=frank role=arn:aws:iam::222222222222:role\/frankRole mfa=arn:aws:iam::111111111111:mfa\/FrankSinatra cache=miss code_from=terminal sts="AssumeRole ok" exit=0 ms=[\d.]+$/);
    expect(lines[1]).toMatch(/command=assume profile=painter .* cache=miss code_from=terminal sts="GetSessionToken ok, AssumeRole ok" exit=0/);
    expect(lines.at(-2)).toMatch(/command=assume profile=frank .* cache=hit exit=0/);
    expect(lines.at(-1)).toMatch(/command=assume exit=1 ms=[\d.]+ error="profile \\"nope\\" not found/);
    for (const secret of secretsOf()) {
      expect(log).not.toContain(secret);
      expect(hit.stderr).not.toContain(secret);
      expect(failed.stderr).not.toContain(secret);
    }
  });

  test("a log that cannot be written never fails assume", async () => {
    await populatedCache();
    writeFileSync(join(sandbox.home, "state-is-a-file"), "");
    const result = await cli(["assume", "--profile=frank"], { XDG_STATE_HOME: join(sandbox.home, "state-is-a-file") });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    credentialDocument(result.stdout);
  });
});
