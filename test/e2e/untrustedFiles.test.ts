/**
 * The compiled binary where someone else may have written: a cache folder that is not the user's alone (on a
 * cache hit too), a readable machine secret, links planted at the lock and the log, an STS message full of
 * escape sequences, no home folder, an entry the user cannot read, folders where files belong, a full disk.
 * Each gets a miss or one line naming the path; none gets credentials that were planted, or a crash.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockPath } from "../../src/cache/cacheFileNames.ts";
import { MACHINE_SECRET_FILE, openCacheStore } from "../../src/cache/cacheStore.ts";
import { readConfigFile } from "../../src/config/readConfigFile.ts";
import { resolveRoleProfile } from "../../src/config/resolveRoleProfile.ts";
import { mfaDeviceIdentity } from "../../src/config/roleProfile.ts";
import { LOG_FILE } from "../../src/log/runLog.ts";
import { BINARY, Sandbox, credentialDocument, ensureBinary, readmeConfig, startReadmeSts, zenityAnswering } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const ASSUME = [BINARY, "assume", "--profile", "frank@concerts"];
/** Another user than the one running the tests, with no passwd entry (as in a container with an arbitrary uid). */
const OTHER_UID = 4242;
const asRoot = process.getuid?.() === 0;
let sts: StsDouble;
let sandbox: Sandbox;
let nextCode = 520_000;

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
});

afterAll(() => sts?.stop());
afterEach(() => sandbox?.remove());

/** A sandbox whose MFA code comes from a stand-in zenity (no terminal needed, so it works as any user). */
function newSandbox(): Sandbox {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`)).putFakesOnPath("zenity");
  sandbox.env.XDG_STATE_HOME = join(sandbox.home, ".state");
  return sandbox;
}

const withCode = () => zenityAnswering(nextCode++);
const stateFolder = () => join(sandbox.home, ".state", "vegas-credentials");
const entries = () => readdirSync(sandbox.cacheFolder).filter((name) => name.endsWith(".entry"));

/** With no terminal, where the code is asked for is said on stderr: what is left is what a test looks at. */
const withoutNotice = (stderr: string) => stderr.replace(/^vegas-credentials: MFA code for \S+ \(frank@concerts\): in the dialog\n/m, "");

/** First run: a miss that fills the cache. */
async function fillCache(args = ASSUME): Promise<string> {
  const result = await sandbox.run(args, withCode());
  expect(withoutNotice(result.stderr)).toBe("");
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

/** Runs as OTHER_UID, which owns the sandbox: root can read anything, this user cannot. */
function asOtherUser(args: string[]): string[] {
  return ["setpriv", `--reuid=${OTHER_UID}`, `--regid=${OTHER_UID}`, "--clear-groups", "--", ...args];
}

function chownTree(path: string, uid: number): void {
  expect(Bun.spawnSync(["chown", "-R", `${uid}:${uid}`, path]).exitCode).toBe(0);
}

describe("a cache folder someone else controls is refused on a hit too", () => {
  test.skipIf(!asRoot)("one that belongs to uid 65534", async () => {
    newSandbox();
    await fillCache();
    chownSync(sandbox.cacheFolder, 65534, 65534);
    const result = await sandbox.run(ASSUME);
    expect(result).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: `vegas-credentials: cache folder ${sandbox.cacheFolder} belongs to another user (uid 65534): remove it or set XDG_CACHE_HOME to a folder of yours\n`,
    });
  });

  test("one that others can write to", async () => {
    newSandbox();
    await fillCache();
    chmodSync(sandbox.cacheFolder, 0o777);
    const before = sts.count("AssumeRole");
    const result = await sandbox.run(ASSUME);
    expect(result).toEqual({ exitCode: 1, stdout: "", stderr: `vegas-credentials: cache folder ${sandbox.cacheFolder} can be written by other users: run chmod 700 ${sandbox.cacheFolder}\n` });
    expect(sts.count("AssumeRole")).toBe(before);
  });

  test("a symbolic link to a folder that holds a good cache", async () => {
    newSandbox();
    await fillCache();
    const elsewhere = join(sandbox.home, "elsewhere");
    renameSync(sandbox.cacheFolder, elsewhere);
    symlinkSync(elsewhere, sandbox.cacheFolder);
    const result = await sandbox.run(ASSUME);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`vegas-credentials: cache folder ${sandbox.cacheFolder} is a symbolic link: replace it with a folder of your own (mkdir -m 700) or set XDG_CACHE_HOME elsewhere\n`);
  });

  test("a machine secret others could read is not used: the run says so, asks again and starts a new cache", async () => {
    newSandbox();
    const first = credentialDocument(await fillCache());
    const secretPath = join(sandbox.cacheFolder, MACHINE_SECRET_FILE);
    const oldSecret = readFileSync(secretPath);
    chmodSync(secretPath, 0o644);
    const before = sts.count("AssumeRole");
    const result = await sandbox.run(ASSUME, withCode());
    expect(result.exitCode).toBe(0);
    expect(withoutNotice(result.stderr)).toBe(
      `vegas-credentials: warning: the machine secret ${secretPath} could be read by other users: not using it; starting a new cache (the next runs ask for MFA codes again)\n`,
    );
    expect(credentialDocument(result.stdout).AccessKeyId).not.toBe(first.AccessKeyId);
    expect(sts.count("AssumeRole")).toBe(before + 1);
    expect(readFileSync(secretPath)).not.toEqual(oldSecret);
    expect(statSync(secretPath).mode & 0o777).toBe(0o600);
    expect(await sandbox.run(ASSUME)).toEqual({ exitCode: 0, stdout: result.stdout, stderr: "" });
  });
});

describe("links planted where the helper writes", () => {
  test("at the lock's and the log's paths: neither target is touched, and the run works", async () => {
    newSandbox();
    await fillCache();
    expect((await sandbox.run([BINARY, "cache", "clean"])).exitCode).toBe(0);
    const store = await openCacheStore(sandbox.cacheFolder);
    if (store === undefined) throw new Error("no cache store");
    const profile = resolveRoleProfile(readConfigFile(sandbox.env.AWS_CONFIG_FILE ?? ""), "frank@concerts", sandbox.env);
    const lock = lockPath(store, mfaDeviceIdentity(profile));
    const lockTarget = join(sandbox.home, "lock-target");
    const logTarget = join(sandbox.home, "log-target");
    writeFileSync(lockTarget, "precious lock target\n");
    writeFileSync(logTarget, "precious log target\n");
    symlinkSync(lockTarget, lock);
    rmSync(join(stateFolder(), LOG_FILE), { force: true });
    symlinkSync(logTarget, join(stateFolder(), LOG_FILE));

    const result = await sandbox.run(ASSUME, withCode());
    // The link at the log's path is said once (for that target), not on every run.
    expect(withoutNotice(result.stderr)).toBe(`vegas-credentials: warning: this run was not logged: the run log ${join(stateFolder(), LOG_FILE)} is a symbolic link (to ${logTarget}), which is never written through: remove it, and a new log starts there\n`);
    expect(result.exitCode).toBe(0);
    credentialDocument(result.stdout);
    expect((await sandbox.run(ASSUME)).stderr).toBe("");
    expect(readFileSync(lockTarget, "utf8")).toBe("precious lock target\n");
    expect(readFileSync(logTarget, "utf8")).toBe("precious log target\n");
    expect(existsSync(lock)).toBe(false);
  });
});

describe("text from the network never drives the terminal", () => {
  test("an STS message with escape sequences reaches stderr as plain text, one line", async () => {
    newSandbox();
    sts.failNext("AssumeRole", { status: 403, code: "AccessDenied", message: "Not\x1b]0;pwned\x07 allowed\x1b[2J\x1b[H here\x1b[8m hidden\x1b[0m\r\nsecond line" });
    const result = await sandbox.run(ASSUME, withCode());
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    const failure = withoutNotice(result.stderr);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
    expect(failure).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(failure.split("\n")).toHaveLength(2);
    expect(failure).toContain("(Not allowed here hidden second line)");
  });

  test("a 100 KB message is cut, with its length", async () => {
    newSandbox();
    sts.failNext("AssumeRole", { status: 400, code: "ValidationError", message: "x".repeat(100_000) });
    const result = await sandbox.run(ASSUME, withCode());
    expect(result.exitCode).toBe(1);
    expect(withoutNotice(result.stderr).length).toBeLessThan(1100);
    expect(result.stderr).toContain("… (100000 characters)");
  });
});

describe.skipIf(!asRoot)("no home folder (HOME unset, and a uid with no passwd entry)", () => {
  const withoutHome = () => {
    const env = { ...sandbox.env, ...withCode() } as Record<string, string | undefined>;
    delete env.HOME;
    return env as Record<string, string>;
  };
  // Not spawnSync: the STS double answers from this process.
  const runWithout = async (args: string[], unset: string[] = []) => {
    const env = withoutHome();
    for (const name of unset) delete env[name];
    const child = Bun.spawn(asOtherUser(args), { env, cwd: "/", stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { exitCode, stdout, stderr };
  };

  test("works from AWS_CONFIG_FILE and XDG_CACHE_HOME, and logs to XDG_STATE_HOME", async () => {
    newSandbox();
    chownTree(sandbox.home, OTHER_UID);
    const first = await runWithout(ASSUME);
    expect(withoutNotice(first.stderr)).toBe("");
    expect(first.exitCode).toBe(0);
    credentialDocument(first.stdout);
    expect(await runWithout(ASSUME)).toEqual({ exitCode: 0, stdout: first.stdout, stderr: "" });
    expect(readFileSync(join(stateFolder(), LOG_FILE), "utf8")).toContain("cache=hit");
  });

  test("without AWS_CONFIG_FILE, or XDG_CACHE_HOME, one line says what to set; no log is no crash", async () => {
    newSandbox();
    chownTree(sandbox.home, OTHER_UID);
    expect(await runWithout(ASSUME, ["AWS_CONFIG_FILE", "XDG_STATE_HOME"])).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: "vegas-credentials: HOME is not set (or not an absolute path) and this user has no home folder: set HOME, or AWS_CONFIG_FILE to your AWS config file\n",
    });
    expect(await runWithout(ASSUME, ["XDG_CACHE_HOME", "XDG_STATE_HOME"])).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: "vegas-credentials: HOME is not set (or not an absolute path) and this user has no home folder: set HOME, or XDG_CACHE_HOME to a folder of yours\n",
    });
    const version = await runWithout([BINARY, "version"], ["AWS_CONFIG_FILE", "XDG_CACHE_HOME", "XDG_STATE_HOME"]);
    expect(version.exitCode).toBe(0);
    expect(version.stderr).toBe("");
  });
});

describe("file system failures are a miss or one line naming the path", () => {
  test.skipIf(!asRoot)("an entry this user cannot read (chmod 000) is a miss, and the next write replaces it", async () => {
    newSandbox();
    chownTree(sandbox.home, OTHER_UID);
    const first = await sandbox.run(asOtherUser(ASSUME), withCode());
    expect(first.exitCode).toBe(0);
    const [entry] = entries();
    chmodSync(join(sandbox.cacheFolder, entry ?? ""), 0o000);
    const before = sts.count("AssumeRole");
    const second = await sandbox.run(asOtherUser(ASSUME), withCode());
    expect(withoutNotice(second.stderr)).toBe("");
    expect(second.exitCode).toBe(0);
    expect(sts.count("AssumeRole")).toBe(before + 1);
    expect(statSync(join(sandbox.cacheFolder, entry ?? "")).mode & 0o777).toBe(0o600);
  });

  test("a folder where an entry should be: a miss, the credentials still handed out, and a warning naming the path", async () => {
    newSandbox();
    await fillCache();
    const [entry] = entries();
    const path = join(sandbox.cacheFolder, entry ?? "");
    rmSync(path);
    mkdirSync(join(path, "inside"), { recursive: true });
    const result = await sandbox.run(ASSUME, withCode());
    expect(result.exitCode).toBe(0);
    credentialDocument(result.stdout);
    expect(withoutNotice(result.stderr)).toStartWith(`vegas-credentials: warning: could not save credentials in the cache (cannot write ${path}: it is a folder (EISDIR))`);
  });

  test("a folder where the config should be", async () => {
    newSandbox();
    const config = sandbox.env.AWS_CONFIG_FILE ?? "";
    rmSync(config);
    mkdirSync(config);
    expect(await sandbox.run(ASSUME)).toEqual({ exitCode: 1, stdout: "", stderr: `vegas-credentials: AWS config file ${config} is not a regular file (a folder): point AWS_CONFIG_FILE at your config\n` });
  });

  describe.skipIf(!asRoot)("a full disk on the first run", () => {
    const disk = temporaryFolder("vegas-full-disk-");
    let mounted = false;
    beforeAll(() => {
      mounted = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", disk]).exitCode === 0;
    });
    afterAll(() => {
      if (mounted) Bun.spawnSync(["umount", disk]);
      rmSync(disk, { recursive: true, force: true });
    });

    test("one line naming the path, before any code is asked for", async () => {
      expect(mounted).toBe(true);
      newSandbox();
      // Fill the small file system to the last block.
      Bun.spawnSync(["dd", "if=/dev/zero", `of=${join(disk, "filler")}`, "bs=4k"], { stderr: "ignore" });
      const before = sts.calls.length;
      const result = await sandbox.run(ASSUME, { ...withCode(), XDG_CACHE_HOME: disk });
      expect(result.stdout).toBe("");
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^vegas-credentials: cannot (write|create) ${disk}/vegas-credentials/\\S+: the disk is full \\(ENOSPC\\)\\n$`));
      expect(sts.calls.length).toBe(before);
    });
  });
});
