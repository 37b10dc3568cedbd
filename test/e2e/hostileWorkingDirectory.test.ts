/**
 * The AWS tools start credential_process in the user's working directory: a cloned repository there must
 * not reach the binary. The directory below holds every file a Bun program may pick up from its working
 * directory (.env files, bunfig.toml with a preload, tsconfig.json, package.json), each armed: the preload
 * leaves a marker, the .env files point the config, the cache and the MFA timeout elsewhere. The host build
 * and a release build run there through assume (miss and hit), version and cache: none of it takes effect.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, PROMPT, ROLE_ARN, ROOT, Sandbox, credentialDocument, ensureBinary, readmeConfig, startReadmeSts } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const EVIL_ROLE = "arn:aws:iam::999999999999:role/PlantedRole";
const work = temporaryFolder("vegas-hostile-");
const hostile = join(work, "cloned-repository");
const marker = join(work, "preload-ran");
const evilCache = join(work, "evil-cache");
let sts: StsDouble;
let nextCode = 410_000;

function armWorkingDirectory(): void {
  mkdirSync(hostile, { recursive: true });
  writeFileSync(join(hostile, "evil-config"), readmeConfig().replace(ROLE_ARN, EVIL_ROLE));
  const planted = [`AWS_CONFIG_FILE=${join(hostile, "evil-config")}`, `XDG_CACHE_HOME=${evilCache}`, "VEGAS_CREDENTIALS_MFA_TIMEOUT=not-a-number", "NODE_TLS_REJECT_UNAUTHORIZED=0"].join("\n");
  for (const name of [".env", ".env.local", ".env.development", ".env.development.local", ".env.production", ".env.production.local", ".env.test"]) {
    writeFileSync(join(hostile, name), `${planted}\n`);
  }
  const preload = `require("node:fs").appendFileSync(${JSON.stringify(marker)}, process.argv.join(" ") + "\\n");\n`;
  writeFileSync(join(hostile, "preload.js"), preload);
  writeFileSync(join(hostile, "bunfig.toml"), `preload = ["./preload.js"]\n\n[run]\npreload = ["./preload.js"]\n`);
  writeFileSync(join(hostile, "package.json"), JSON.stringify({ name: "cloned", type: "module", imports: { "#x": "./preload.js" } }));
  writeFileSync(join(hostile, "tsconfig.json"), JSON.stringify({ compilerOptions: { paths: { "*": ["./preload.js"] } } }));
}

beforeAll(async () => {
  ensureBinary();
  armWorkingDirectory();
  sts = await startReadmeSts({ [EVIL_ROLE]: { maxSessionDuration: 7200, externalId: "0093624694724" } });
});

afterAll(() => {
  sts?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("the planted directory is armed", () => {
  test("a compiled program built without the autoload switches runs the preload and reads the .env files", async () => {
    const probe = join(work, "probe.ts");
    writeFileSync(probe, "console.log(process.env.AWS_CONFIG_FILE ?? 'unset');\n");
    const built = Bun.spawnSync([process.execPath, "build", "--compile", probe, "--outfile", join(work, "probe")], { stdout: "pipe", stderr: "pipe" });
    expect(built.stderr.toString()).not.toContain("error");
    const ran = Bun.spawnSync([join(work, "probe")], { cwd: hostile, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, stdout: "pipe", stderr: "pipe" });
    expect(ran.stdout.toString().trim()).toBe(join(hostile, "evil-config"));
    expect(existsSync(marker)).toBe(true);
    rmSync(marker, { force: true });
  }, 60_000);
});

/** The host binary, and a linux-x64 release build where this machine can run one. */
const builds: [string, () => string][] = [["the host build", () => BINARY]];
let releaseBinary = "";
if (process.platform === "linux" && process.arch === "x64") builds.push(["the linux-x64 release build", () => releaseBinary]);

describe.each(builds)("%s in a hostile working directory", (_name, binary) => {
  let sandbox: Sandbox;

  beforeAll(() => {
    if (binary() === "") {
      const outdir = join(work, "release");
      const built = Bun.spawnSync([process.execPath, "run", "build.ts", "--target", "linux-x64", "--outdir", outdir], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
      if (built.exitCode !== 0) throw new Error(`build.ts --target linux-x64 failed: ${built.stderr.toString()}`);
      releaseBinary = join(outdir, "vegas-credentials-linux-x64");
    }
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
  }, 300_000);

  afterAll(() => sandbox?.remove());

  const assumeArgs = () => [binary(), "assume", "--profile", "frank@concerts"];

  test("assume on a miss asks, assumes the configured role and caches where the user's environment says", async () => {
    const before = sts.calls.length;
    const run = await sandbox.inTerminal(assumeArgs(), {}, { cwd: hostile });
    await run.waitForText(PROMPT.trimEnd());
    await run.type(String(nextCode++));
    await run.pressEnter();
    const result = await run.done();
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    credentialDocument(result.stdout);
    const assumed = sts.calls.slice(before).filter((call) => call.action === "AssumeRole").map((call) => call.params.RoleArn);
    expect(assumed).toEqual([ROLE_ARN]);
    expect(readdirSync(sandbox.cacheFolder).some((file) => file.endsWith(".entry"))).toBe(true);
    expect(existsSync(evilCache)).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });

  test("assume on a hit answers from the user's cache", async () => {
    const result = await sandbox.run(assumeArgs(), {}, { cwd: hostile });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    credentialDocument(result.stdout);
    expect(existsSync(marker)).toBe(false);
  });

  test("version and cache run clean", async () => {
    const version = await sandbox.run([binary(), "version"], {}, { cwd: hostile });
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const cache = await sandbox.run([binary(), "cache", "list", "--json"], {}, { cwd: hostile });
    expect(cache.stderr).toBe("");
    expect(cache.exitCode).toBe(0);
    expect(JSON.parse(cache.stdout).map((entry: { roleArn?: string }) => entry.roleArn)).toEqual([ROLE_ARN]);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(evilCache)).toBe(false);
  });
});
