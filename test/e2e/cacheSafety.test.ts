/**
 * The cache under crashes, kills, tampering and loose permissions: every damaged entry is a miss and a fresh
 * fetch, never an exception, never stale or foreign credentials; files stay private under any umask.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, cpSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openCacheStore } from "../../src/cache/cacheStore.ts";
import { readEntry } from "../../src/cache/cacheEntries.ts";
import { parseProfiles } from "../../src/config/readConfigFile.ts";
import { resolveRoleProfile } from "../../src/config/resolveRoleProfile.ts";
import { credentialIdentity } from "../../src/config/roleProfile.ts";
import { decodeEntry } from "../../src/credentials/cachedEntry.ts";
import { BINARY, PROMPT, Sandbox, credentialDocument, ensureBinary, readmeConfig, startAnyRoleSts, succeeded } from "../support/sandbox.ts";
import type { StsDouble, } from "../support/stsDouble.ts";

const CACHE_WRITER = join(import.meta.dir, "../support/cacheWriter.ts");
const NO_TERMINAL = /^vegas-credentials: profile "frank@concerts" needs an MFA code for .* there is no way to ask for one here/;
let sts: StsDouble;
let sandbox: Sandbox;
let nextCode = 500_000;

beforeAll(async () => {
  ensureBinary();
  sts = await startAnyRoleSts({ maxSessionDuration: 43_200 });
});
afterAll(() => sts.stop());
afterEach(() => sandbox?.remove());

/** The README profile plus a second role behind the same device. */
function twoRoles(): string {
  return readmeConfig(`endpoint_url = ${sts.url}\n\n[profile frank@movies]\nvegas_role_arn = arn:aws:iam::222222222222:role/ActorRole\nvegas_source_profile = default\nendpoint_url = ${sts.url}\n`);
}

/** One run that must ask (a miss): types a fresh code and returns the credentials it printed. */
const assumeTyping = async (profile = "frank@concerts", env: Record<string, string> = {}) => succeeded(await sandbox.assumeTyping(profile, nextCode++, env));

function entryFiles(): string[] {
  return readdirSync(sandbox.cacheFolder).filter((name) => name.endsWith(".entry"));
}

/** The entry file each profile's credentials went to, found by which file changes. */
async function populateTwo() {
  const concerts = await assumeTyping("frank@concerts");
  const concertsFile = entryFiles()[0] ?? "";
  const movies = await assumeTyping("frank@movies");
  const moviesFile = entryFiles().find((name) => name !== concertsFile) ?? "";
  return { concerts, concertsFile, movies, moviesFile };
}

describe("a tampered cache is a miss and a fresh fetch", () => {
  const tamperings: [string, (files: Awaited<ReturnType<typeof populateTwo>>) => void][] = [
    ["a flipped byte", ({ concertsFile }) => {
      const path = join(sandbox.cacheFolder, concertsFile);
      const bytes = readFileSync(path);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
      writeFileSync(path, bytes);
    }],
    ["a truncated entry", ({ concertsFile }) => truncateSync(join(sandbox.cacheFolder, concertsFile), 20)],
    ["an empty entry", ({ concertsFile }) => truncateSync(join(sandbox.cacheFolder, concertsFile), 0)],
    ["two entries' files swapped", ({ concertsFile, moviesFile }) => {
      const [a, b] = [join(sandbox.cacheFolder, concertsFile), join(sandbox.cacheFolder, moviesFile)];
      renameSync(a, `${a}.swap`);
      renameSync(b, a);
      renameSync(`${a}.swap`, b);
    }],
    ["a replaced machine secret", () => writeFileSync(join(sandbox.cacheFolder, "machine-secret"), crypto.getRandomValues(new Uint8Array(32)))],
    ["a truncated machine secret", () => truncateSync(join(sandbox.cacheFolder, "machine-secret"), 5)],
  ];

  for (const [name, tamper] of tamperings) {
    test(name, async () => {
      sandbox = new Sandbox(twoRoles());
      const files = await populateTwo();
      tamper(files);
      const before = sts.count("AssumeRole");
      const fresh = await assumeTyping("frank@concerts");
      expect(sts.count("AssumeRole")).toBe(before + 1);
      expect([files.concerts.AccessKeyId, files.movies.AccessKeyId]).not.toContain(fresh.AccessKeyId);
      // And the fresh entry is what the next run gets.
      const again = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
      expect(credentialDocument(again.stdout).AccessKeyId).toBe(fresh.AccessKeyId);
    });
  }

  test("a cache copied to another user does not open there", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    const mine = await assumeTyping();
    // Another user's home with everything copied over, as a backup restored elsewhere would be.
    const other = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    try {
      cpSync(sandbox.cacheFolder, other.cacheFolder, { recursive: true });
      chownRecursive(other.home, 65534, 65534);
      const run = await other.inTerminal(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", BINARY, "assume", "--profile=frank@concerts"]);
      await run.waitForText(PROMPT.trimEnd());
      await run.type(String(nextCode++));
      await run.pressEnter();
      const result = await run.done();
      expect(result.stderr).toBe("");
      expect(credentialDocument(result.stdout).AccessKeyId).not.toBe(mine.AccessKeyId);
    } finally {
      other.remove();
    }
  });
});

/** What a writer prints, as it comes. */
function collect(stream: ReadableStream<Uint8Array>): { text: string; done: Promise<string> } {
  const output = { text: "", done: Promise.resolve("") };
  output.done = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) output.text += decoder.decode(chunk, { stream: true });
    return output.text;
  })();
  return output;
}

async function untilFirstWrite(output: { text: string }, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output.text.includes("wrote ") && Date.now() < deadline) await Bun.sleep(5);
}

describe("crashes while writing", () => {
  test("200 cache writes killed at random moments: every entry opens or is a miss, no run prints anything broken", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n\n[profile frank@elsewhere]\nvegas_role_arn = arn:aws:iam::222222222222:role/OtherRole\nvegas_source_profile = default\n`));
    const profile = resolveRoleProfile({ path: "config", profiles: parseProfiles(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")) }, "frank@concerts", {});
    const identity = credentialIdentity(profile);
    let writes = 0;
    let kills = 0;
    const outcomes = { hits: 0, misses: 0 };
    // At least 200 writes, and enough kills that they land at every stage of a write; bounded in rounds and
    // time, for a busy machine where a writer may start slower than any fixed delay.
    const deadline = Date.now() + 50_000;
    for (let round = 0; writes < 200 || kills < 30; round++) {
      if (round >= 400 || Date.now() > deadline) throw new Error(`gave up after ${round} rounds: ${writes} writes, ${kills} kills`);
      const writer = Bun.spawn([process.execPath, CACHE_WRITER, sandbox.cacheFolder, identity], { stdout: "pipe", stderr: "ignore" });
      const output = collect(writer.stdout);
      // Every other round kills at once (before or during the first write); the others after a write,
      // at a random moment inside the following ones, so that every round counts however slow the start.
      if (round % 2 === 1) await untilFirstWrite(output, 10_000);
      await Bun.sleep(Math.random() * (round % 2 === 1 ? 20 : 60));
      writer.kill("SIGKILL");
      await writer.exited;
      kills++;
      writes += (await output.done).split("\n").filter((line) => line.startsWith("wrote ")).length;
      // A run right after the crash: a hit with intact credentials, or a miss (no terminal here), nothing else.
      const run = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
      if (run.exitCode === 0) {
        expect(credentialDocument(run.stdout).AccessKeyId).toStartWith("ASIAWRITER");
        outcomes.hits++;
      } else {
        expect(run.stdout).toBe("");
        expect(run.stderr).toMatch(NO_TERMINAL);
        outcomes.misses++;
      }
      const store = await openCacheStore(sandbox.cacheFolder);
      if (store !== undefined) {
        const plaintext = await readEntry(store, identity);
        if (plaintext !== undefined) expect(decodeEntry(plaintext)?.credentials.accessKeyId).toStartWith("ASIAWRITER");
      }
    }
    expect(outcomes.hits).toBeGreaterThan(0);
    // The next run that writes (any miss) removes what the killed writers left behind.
    const cleaning = await sandbox.run([BINARY, "assume", "--profile=frank@elsewhere"]);
    expect(cleaning.exitCode).toBe(1);
    expect(readdirSync(sandbox.cacheFolder).filter((name) => name.startsWith(".tmp-") || name.includes(".new-"))).toEqual([]);
  });
});

describe("permissions", () => {
  test("0700 folder and 0600 files (entries, secret) under umask 000, and no lock file left behind", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    const run = await sandbox.inTerminal(["/bin/sh", "-c", `umask 000; exec ${BINARY} assume --profile=frank@concerts`]);
    await run.waitForText(PROMPT.trimEnd());
    await run.type(String(nextCode++));
    await run.pressEnter();
    expect((await run.done()).exitCode).toBe(0);
    expect(statSync(sandbox.cacheFolder).mode & 0o777).toBe(0o700);
    const names = readdirSync(sandbox.cacheFolder);
    expect(names.filter((name) => name.endsWith(".lock"))).toEqual([]);
    expect(names.some((name) => name.endsWith(".entry"))).toBe(true);
    for (const name of names) expect(statSync(join(sandbox.cacheFolder, name)).mode & 0o777).toBe(0o600);
  });

  test("a cache folder others can write to is refused with one line", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    mkdirSync(sandbox.cacheFolder, { recursive: true });
    chmodSync(sandbox.cacheFolder, 0o777);
    const result = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
    expect(result).toEqual({ exitCode: 1, stdout: "", stderr: `vegas-credentials: cache folder ${sandbox.cacheFolder} can be written by other users: run chmod 700 ${sandbox.cacheFolder}\n` });
  });

  test("a cache folder that belongs to someone else is refused with one line", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    mkdirSync(sandbox.cacheFolder, { recursive: true, mode: 0o700 });
    chownSync(sandbox.cacheFolder, 65534, 65534);
    const result = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
    expect(result).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: `vegas-credentials: cache folder ${sandbox.cacheFolder} belongs to another user (uid 65534): remove it or set XDG_CACHE_HOME to a folder of yours\n`,
    });
  });
});

function chownRecursive(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!statSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownRecursive(join(path, name), uid, gid);
}
