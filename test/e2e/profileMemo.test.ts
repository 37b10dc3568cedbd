/**
 * The sealed memo of a resolved profile (credentials/profileMemo.ts): a hit with a 5,000-profile config costs
 * what it costs with a small one, and no change to what resolution reads is ever missed: an edit of the same
 * size with the old mtime put back, a file renamed onto the config, AWS_CONFIG_FILE elsewhere, the source
 * profile changed, an environment variable resolution reads.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CodeProgram, countingCodeProgram, withCodeProgram } from "../support/codeProgram.ts";
import { BINARY, MFA_SERIAL, Sandbox, credentialDocument, ensureBinary, readmeConfig, startAnyRoleSts } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const ASSUME = [BINARY, "assume", "--profile=frank@concerts", "--verbose"];
let sts: StsDouble;
let sandbox: Sandbox;
let firstCode = 520_000;
let program: CodeProgram;

beforeAll(async () => {
  ensureBinary();
  sts = await startAnyRoleSts({ maxSessionDuration: 43_200 });
});
afterAll(() => sts.stop());
afterEach(() => sandbox?.remove());

/** The README's profile (its region line left out when `withRegion` is false), codes from a counting program. */
function newSandbox(withRegion = true): void {
  sandbox = new Sandbox("");
  program = countingCodeProgram(sandbox, firstCode);
  firstCode += 1000;
  sandbox.writeConfig(config(withRegion));
}

function config(withRegion = true): string {
  const text = withCodeProgram(readmeConfig(`endpoint_url = ${sts.url}\n`), program);
  return withRegion ? text : text.replace("region = us-west-1\n", "");
}

/** A memo is made only of a file whose last change is over 3 s old (a write in the same tick would go unseen). */
const settle = () => Bun.sleep(3_200);
const configPath = () => join(sandbox.home, ".aws", "config");
const memos = () => readdirSync(sandbox.cacheFolder).filter((name) => name.endsWith(".memo"));

/** "hit" or "miss", as the run's verbose lines say; the run must have handed out credentials. */
async function assumeOnce(env: Record<string, string> = {}): Promise<"hit" | "miss"> {
  const result = await sandbox.run(ASSUME, env);
  expect(result.exitCode).toBe(0);
  credentialDocument(result.stdout);
  if (result.stderr.includes("cache hit:")) return "hit";
  if (result.stderr.includes("cache miss:")) return "miss";
  throw new Error(`neither a hit nor a miss: ${result.stderr}`);
}

/** Filled cache and a memo of the settled config. */
async function withMemo(env: Record<string, string> = {}): Promise<void> {
  expect(await assumeOnce(env)).toBe("miss");
  await settle();
  expect(await assumeOnce(env)).toBe("hit");
  expect(memos()).toHaveLength(1);
  expect(await assumeOnce(env)).toBe("hit");
}

describe("the memo of a resolved profile", () => {
  test("an edit of the same size, with the old mtime put back, is seen at once", async () => {
    newSandbox();
    await withMemo();
    const before = statSync(configPath());
    writeFileSync(configPath(), readFileSync(configPath(), "utf8").replace("external_id = 0093624694724", "external_id = 0093624694725"));
    utimesSync(configPath(), before.atime, before.mtime);
    expect(statSync(configPath()).size).toBe(before.size);
    expect(await assumeOnce()).toBe("miss");
    expect(await assumeOnce()).toBe("hit");
  }, 30_000);

  test("a file renamed onto the config, and AWS_CONFIG_FILE pointed elsewhere, are seen at once", async () => {
    newSandbox();
    await withMemo();
    const other = join(sandbox.home, "other-config");
    writeFileSync(other, config().replace("duration_seconds = 4383", "duration_seconds = 4384"));
    expect(await assumeOnce({ AWS_CONFIG_FILE: other })).toBe("miss");
    const replacement = join(sandbox.home, "replacement");
    writeFileSync(replacement, config().replace("duration_seconds = 4383", "duration_seconds = 4385"));
    const old = statSync(configPath());
    utimesSync(replacement, old.atime, old.mtime);
    renameSync(replacement, configPath());
    expect(await assumeOnce()).toBe("miss");
  }, 30_000);

  test("the source profile changed is seen at once", async () => {
    newSandbox();
    await withMemo();
    writeFileSync(configPath(), config().replace(`mfa_serial = ${MFA_SERIAL}`, `mfa_serial = ${MFA_SERIAL.replace("FrankSinatra", "FrankSinatrb")}`));
    const result = await sandbox.run(ASSUME);
    expect(result.stderr).toContain("cache miss:");
    expect(result.stderr).toContain("FrankSinatrb");
  }, 30_000);

  test("an environment variable that resolution reads (AWS_REGION, for a profile without a region) is seen at once", async () => {
    newSandbox(false);
    await withMemo({ AWS_REGION: "us-west-1" });
    expect(await assumeOnce({ AWS_REGION: "eu-west-1" })).toBe("miss");
    expect(await assumeOnce({ AWS_REGION: "us-west-1" })).toBe("hit");
  }, 30_000);

  test("cache clean removes the memos with the rest", async () => {
    newSandbox();
    await withMemo();
    expect((await sandbox.run([BINARY, "cache", "clean"])).exitCode).toBe(0);
    expect(memos()).toEqual([]);
  }, 30_000);
});
