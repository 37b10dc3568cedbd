/**
 * The windows-x64 release binary, end to end under wine (test/support/wine.ts) against the STS double on
 * 127.0.0.1: every command a Windows user runs, MFA codes from a batch file and from an .exe named by
 * unquoted Windows paths, the machine id from the registry, and a lock left by a killed run. Skipped only on
 * a developer machine without wine and mingw; CI installs them, so there it always runs.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FederationDouble, startFederationDouble } from "../support/federationDouble.ts";
import { freePort } from "../support/freePort.ts";
import { awsCredentialsJson } from "../support/otherToolKeyring.ts";
import { MFA_SERIAL, ROLE_ARN, SOURCE_KEY, startReadmeSts } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";
import { ROOT } from "../support/sandbox.ts";
import { buildWindowsBinary, everyOsTestPaths, missingForWine, Wine, type WineResult, windowsBun } from "../support/wine.ts";

const missing = missingForWine();

let wine: Wine;
let sts: StsDouble;
let signin: FederationDouble;
let exe: string;
let tools: string;
let env: Record<string, string>;
let nextCode = 400_000;

/** The profiles: one role per way of getting the code, each with a source (and MFA device) of its own. */
function config(): string {
  const windows = (path: string) => wine.windowsPath(path);
  const source = (name: string, mfaProcess: string, extra = "") => `[profile ${name}]\nmfa_serial = ${MFA_SERIAL}-${name}\nvegas_mfa_process = ${mfaProcess}\n${extra}\n`;
  const role = (name: string, sourceName: string) =>
    `[profile ${name}]\ncredential_process = ${windows(exe)} assume --profile=${name}\nvegas_role_arn = ${ROLE_ARN}\nvegas_source_profile = ${sourceName}\n` +
    `region = us-west-1\nduration_seconds = 3600\nrole_session_name = SinatraAtTheSands\nexternal_id = 0093624694724\nendpoint_url = ${sts.url}\n\n`;
  const marker = windows(join(wine.folder, "injected"));
  return [
    // Unquoted, backslashes and all, as a Windows user writes a path.
    source("cmd-source", windows(join(tools, "otp.cmd"))),
    role("via-cmd", "cmd-source"),
    // An unquoted path with spaces, then an argument in double quotes.
    source("exe-source", `${windows(join(tools, "My Tools", "code.exe"))} --account "aws prod" %OS%`, "vegas_mfa_timeout = 20\n"),
    role("via-exe", "exe-source"),
    // Arguments that would run a second command, or expand a variable, if cmd.exe saw them unescaped.
    // The fifth ends the quotes cmd.exe would see, unless they are doubled (as Windows splitting writes x" & … & ").
    source("hostile-source", `${windows(join(tools, "otp.cmd"))} "a & echo pwned > ${marker}" %VEGAS_TEST_MARK% "b^c|d" "e""f" "x\\" & echo pwned > ${marker} & \\""`),
    role("hostile", "hostile-source"),
    // In double quotes: the same words for a shell's rules and Windows', so only the running of a batch file counts.
    source("quoted-source", `"${windows(join(tools, "otp.cmd"))}" --flag`),
    role("quoted", "quoted-source"),
    // A bare name, found on PATH as NAME.cmd.
    source("bare-source", "otp"),
    role("bare", "bare-source"),
    // Its key in the Credential Manager (keys add), nowhere in the credentials file.
    source("stored-source", windows(join(tools, "otp.cmd")), "vegas_keys = os\n"),
    role("via-store", "stored-source"),
  ].join("");
}

/** One run of the binary, killed after `timeoutMs` (within the test's own 60 s, so that its stderr is seen). */
function run(args: readonly string[], extra: Record<string, string> = {}, timeoutMs = 40_000): Promise<WineResult> {
  return wine.run(exe, { args, env: { ...env, VEGAS_TEST_CODE: String(nextCode++), ...extra }, timeoutMs });
}

function succeededWith(result: WineResult): { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } {
  if (result.exitCode !== 0) throw new Error(`exit ${result.exitCode}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  if (missing.length > 0) return;
  wine = new Wine();
  const build = join(wine.folder, "build");
  [exe] = await Promise.all([buildWindowsBinary(wine, build), wine.start()]);
  sts = await startReadmeSts();
  signin = startFederationDouble(sts);
  tools = join(wine.folder, "tools");
  wine.compile("code.c", join(tools, "My Tools", "code.exe"));
  wine.compile("wincred.c", join(tools, "wincred.exe"));
  // Echoes what it was given to stderr (seen with --verbose), then the code. wine's cmd.exe, unlike Windows',
  // expands variables again in what %* brings in: VEGAS_TEST_MARK tells whose expansion it would have been.
  wine.writeBatch(join(tools, "otp.cmd"), ["@echo off", "set VEGAS_TEST_MARK=inside", "echo args: %* 1>&2", "echo %VEGAS_TEST_CODE%"]);
  const aws = join(wine.folder, "aws");
  await Bun.write(join(aws, "config"), config());
  const sources = ["cmd-source", "exe-source", "hostile-source", "quoted-source", "bare-source"];
  writeFileSync(join(aws, "credentials"), sources.map((name) => `[${name}]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\n`).join(""));
  env = {
    AWS_CONFIG_FILE: wine.windowsPath(join(aws, "config")),
    AWS_SHARED_CREDENTIALS_FILE: wine.windowsPath(join(aws, "credentials")),
    AWS_EC2_METADATA_DISABLED: "true",
    VEGAS_CREDENTIALS_SIGNIN_URL: signin.url,
    // Folders wine puts first on the Windows PATH: the bare name is found there.
    WINEPATH: wine.windowsPath(tools),
  };
}, 300_000);

afterAll(async () => {
  signin?.stop();
  await sts?.stop();
  await wine?.stop();
});

describe.skipIf(missing.length > 0 && process.env.CI !== "true")("the windows-x64 binary under wine", () => {
  test("wine and mingw are here (CI installs them)", () => {
    expect(missing).toEqual([]);
  });

  test("version --full names the Windows build", async () => {
    const result = await run(["version", "--full"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("platform: win32-x64");
  });

  test("config list shows Windows paths: the config file, the cache under %LOCALAPPDATA%", async () => {
    const result = await run(["config", "list"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(env.AWS_CONFIG_FILE ?? "-");
    expect(result.stdout).toMatch(/cache folder +C:\\users\\[^\\]+\\AppData\\Local\\vegas-credentials\\cache/);
  });

  test("config show-profile shows the program's argv as Windows splits it: backslashes kept, spaces in an unquoted path", async () => {
    const result = await run(["config", "show-profile", "-p", "via-exe"]);
    expect(result.exitCode).toBe(0);
    const program = wine.windowsPath(join(tools, "My Tools", "code.exe"));
    expect(result.stdout).toContain(JSON.stringify([program, "--account", "aws prod", "%OS%"]));
  });

  test("assume with the code from a .cmd named by an unquoted path; the second answer comes from the cache", async () => {
    const before = sts.count("AssumeRole");
    const first = succeededWith(await run(["assume", "--profile", "via-cmd"]));
    expect(first.AccessKeyId).toStartWith("ASIA");
    expect(sts.count("AssumeRole")).toBe(before + 1);
    const second = succeededWith(await run(["assume", "--profile", "via-cmd"]));
    expect(second.AccessKeyId).toBe(first.AccessKeyId);
    expect(sts.count("AssumeRole")).toBe(before + 1);
  });

  test("assume with the code from an .exe named by an unquoted path with spaces, its argument split as Windows does", async () => {
    const result = await run(["assume", "--profile", "via-exe", "--verbose"]);
    succeededWith(result);
    expect(result.stderr).toContain("says: argv: [--account] [aws prod] [%OS%]");
  });

  test("a batch file runs (Bun's spawn refuses one without a shell: EINVAL)", async () => {
    const result = await run(["assume", "--profile", "quoted", "--verbose"]);
    succeededWith(result);
    expect(result.stderr).toContain("says: args: --flag");
  });

  test("a bare program name is found on PATH as NAME.cmd", async () => {
    succeededWith(await run(["assume", "--profile", "bare"]));
  });

  test("a batch file's arguments reach it as written: no second command, no variable expanded", async () => {
    const result = await run(["assume", "--profile", "hostile", "--verbose"], { VEGAS_TEST_MARK: "outside" });
    succeededWith(result);
    expect(existsSync(join(wine.folder, "injected"))).toBe(false);
    const said = /says: args: (.*)/.exec(result.stderr)?.[1] ?? "";
    expect(said).toContain('"a & echo pwned >');
    expect(said).toContain('"b^c|d" "e""f" "x"" & echo pwned >');
    // Not expanded on cmd.exe's command line (Windows leaves it to the batch as written; wine expands it there).
    expect(said).not.toContain("outside");
  });

  test("cache lists the entries, cache clean removes them, and the next run asks STS again", async () => {
    succeededWith(await run(["assume", "--profile", "via-cmd"]));
    const listed = await run(["cache", "list", "--json"]);
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout).some((entry: { profile?: string }) => entry.profile === "via-cmd")).toBe(true);
    const cleaned = await run(["cache", "clean", "--profile", "via-cmd"]);
    expect(cleaned.exitCode).toBe(0);
    const before = sts.count("AssumeRole");
    succeededWith(await run(["assume", "--profile", "via-cmd"]));
    expect(sts.count("AssumeRole")).toBe(before + 1);
  });

  test("exec -- cmd /c set: the command gets the role's variables; exec -- cmd /c exit 3 exits 3", async () => {
    const shown = await run(["exec", "-p", "via-cmd", "--", "cmd", "/c", "set"]);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/^AWS_ACCESS_KEY_ID=ASIA/m);
    expect(shown.stdout).toMatch(/^AWS_SESSION_TOKEN=./m);
    expect(shown.stdout).not.toMatch(/^AWS_PROFILE=/m);
    const exited = await run(["exec", "-p", "via-cmd", "--", "cmd", "/c", "exit", "3"]);
    expect(exited.exitCode).toBe(3);
  });

  test("export in every format", async () => {
    const { AccessKeyId } = succeededWith(await run(["assume", "--profile", "via-cmd"]));
    const expected: Record<string, string> = {
      sh: `export AWS_ACCESS_KEY_ID='${AccessKeyId}'`,
      fish: `set -gx AWS_ACCESS_KEY_ID '${AccessKeyId}'`,
      powershell: `$env:AWS_ACCESS_KEY_ID = '${AccessKeyId}'`,
      env: `AWS_ACCESS_KEY_ID=${AccessKeyId}`,
      json: `"AccessKeyId":"${AccessKeyId}"`,
    };
    for (const [format, line] of Object.entries(expected)) {
      const result = await run(["export", "-p", "via-cmd", "--format", format]);
      expect(`${format}: ${result.exitCode}`).toBe(`${format}: 0`);
      // PowerShell's drive is Env: or env: alike.
      expect(result.stdout.replace(/": "/g, '":"').replace(/^\$Env:/gm, "$env:")).toContain(line);
    }
  });

  test("keys add stores the key in the Credential Manager (advapi32 through bun:ffi); a miss signs with it; list and remove", async () => {
    const added = await wine.run(exe, { args: ["keys", "add", "-p", "stored-source", "--stdin"], env: { ...env, AWS_ENDPOINT_URL_STS: sts.url }, stdin: `${SOURCE_KEY.id}\r\n${SOURCE_KEY.secret}\r\n`, timeoutMs: 40_000 });
    expect(added.stderr).toBe("");
    expect(added.stdout).toContain('for profile "stored-source" in the Windows Credential Manager.');
    const listed = await run(["keys", "list", "--json"]);
    expect(JSON.parse(listed.stdout)).toEqual([{ profile: "stored-source", store: "os", keyId: "AKIA…MPLE", addedAt: expect.any(String), ageDays: 0 }]);
    const calls = sts.calls.length;
    succeededWith(await run(["assume", "--profile", "via-store"]));
    expect(sts.calls.slice(calls).map((call) => [call.action, call.accessKeyId])).toEqual([["AssumeRole", SOURCE_KEY.id]]);
    const removed = await run(["keys", "remove", "-p", "stored-source", "--yes"]);
    expect(removed.stdout).toContain('Removed the key AKIA…MPLE of profile "stored-source" from the Windows Credential Manager');
    expect(JSON.parse((await run(["keys", "list", "--json"])).stdout)).toEqual([]);
    await run(["cache", "clean"]);
    const missingKey = await run(["assume", "--profile", "via-store"]);
    expect(missingKey.exitCode).toBe(1);
    expect(missingKey.stderr).toContain('its source profile "stored-source" has vegas_keys = os, but the Windows Credential Manager holds no key for it');
  });

  test("keys import --from aws-vault takes the key from aws-vault's generic credential (aws-vault:aws-vault:PROFILE); --remove-source deletes exactly that one", async () => {
    const helper = join(tools, "wincred.exe");
    const write = async (target: string, blob: string) => expect((await wine.run(helper, { args: ["write", target], stdin: blob, timeoutMs: 30_000 })).exitCode).toBe(0);
    const targets = async (prefix: string) => (await wine.run(helper, { args: ["list", prefix], timeoutMs: 30_000 })).stdout.split(/\r?\n/).filter((line) => line !== "").sort();
    await write("aws-vault:aws-vault:stored-source", awsCredentialsJson(SOURCE_KEY));
    await write("aws-vault:aws-vault:stored-source session (1764800000)", awsCredentialsJson({ id: "ASIASESSIONSESSION01", secret: "sessionsessionsessionsessionsessionsessi", sessionToken: "FwoG" }));
    await write("granted-aws-iam-credentials:granted-aws-iam-credentials:stored-source", awsCredentialsJson(SOURCE_KEY));

    const imported = await run(["keys", "import", "--from", "aws-vault", "--all", "--remove-source"], { AWS_ENDPOINT_URL_STS: sts.url });
    expect(imported.stderr).toBe("");
    expect(imported.stdout).toContain('for profile "stored-source" in the Windows Credential Manager.');
    expect(imported.stdout).toContain("Removed it from aws-vault (the Windows Credential Manager, aws-vault:aws-vault:…).");
    expect(await targets("aws-vault:aws-vault:")).toEqual(["aws-vault:aws-vault:stored-source session (1764800000)"]);
    expect(await targets("granted-aws-iam-credentials:")).toEqual(["granted-aws-iam-credentials:granted-aws-iam-credentials:stored-source"]);
    expect(JSON.parse((await run(["keys", "list", "--json"])).stdout)).toEqual([{ profile: "stored-source", store: "os", keyId: "AKIA…MPLE", addedAt: expect.any(String), ageDays: 0 }]);
    expect((await run(["keys", "remove", "-p", "stored-source", "--yes"])).exitCode).toBe(0);

    const missingOne = await run(["keys", "import", "--from", "granted", "-p", "nobody"]);
    expect(missingOne.exitCode).toBe(1);
    expect(missingOne.stderr.trimEnd()).toBe('vegas-credentials: granted (the Windows Credential Manager, granted-aws-iam-credentials:granted-aws-iam-credentials:…) holds no key for profile "nobody" (it holds keys for "stored-source"): nothing was imported');
  });

  test("serve answers a request from the Linux side with the token, and refuses one without it", async () => {
    const port = await freePort();
    const serving = wine.spawn(exe, { args: ["serve", "-p", "via-cmd", "--port", String(port)], env: { ...env, VEGAS_TEST_CODE: String(nextCode++) } });
    try {
      const deadline = Date.now() + 40_000;
      while (!serving.stdout().includes("AWS_CONTAINER_AUTHORIZATION_TOKEN") && Date.now() < deadline && serving.child.exitCode === null) await Bun.sleep(100);
      const printed = serving.stdout();
      const variable = (name: string) => new RegExp(`${name}='([^']*)'`).exec(printed)?.[1];
      const url = variable("AWS_CONTAINER_CREDENTIALS_FULL_URI") ?? "";
      const token = variable("AWS_CONTAINER_AUTHORIZATION_TOKEN") ?? "";
      expect(url).toBe(`http://127.0.0.1:${port}/`);
      const answer = await fetch(url, { headers: { Authorization: token }, signal: AbortSignal.timeout(30_000) });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { AccessKeyId: string }).AccessKeyId).toStartWith("ASIA");
      const refused = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      expect(refused.status).toBe(401);
    } finally {
      serving.child.kill("SIGTERM");
      await serving.done(10_000);
    }
  });

  test("login --stdout prints one sign-in URL from the sign-in double", async () => {
    const result = await run(["login", "-p", "via-cmd", "--stdout"]);
    expect(result.exitCode).toBe(0);
    const url = new URL(result.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe(`${signin.url}/federation`);
    expect(signin.tokens.get(url.searchParams.get("SigninToken") ?? "")).toContain("assumed-role/SingerRole");
    expect(result.stderr).not.toContain(url.searchParams.get("SigninToken") ?? "-");
  });

  test("another MachineGuid in the registry is a miss; the old one restored is a hit again", async () => {
    const key = "HKLM\\SOFTWARE\\Microsoft\\Cryptography";
    const query = await wine.reg(["query", key, "/v", "MachineGuid"]);
    const original = /MachineGuid\s+REG_SZ\s+(\S+)/.exec(query.stdout)?.[1];
    expect(original).toMatch(/^[0-9a-f-]{36}$/);
    succeededWith(await run(["assume", "--profile", "via-cmd"]));
    const set = (guid: string) => wine.reg(["add", key, "/v", "MachineGuid", "/t", "REG_SZ", "/d", guid, "/f"]);
    try {
      expect((await set("0badc0de-0000-4000-8000-000000000000")).exitCode).toBe(0);
      const before = sts.count("AssumeRole");
      succeededWith(await run(["assume", "--profile", "via-cmd"]));
      expect(sts.count("AssumeRole")).toBe(before + 1);
    } finally {
      await set(original ?? "");
    }
    const before = sts.count("AssumeRole");
    succeededWith(await run(["assume", "--profile", "via-cmd"]));
    expect(sts.count("AssumeRole")).toBe(before);
  });

  test("a run killed while it holds the lock, and wine restarted (pids start again at 32): the next run does not wait", async () => {
    expect((await run(["cache", "clean", "--profile", "via-exe"])).exitCode).toBe(0);
    // The holder is the first process of a new wineserver, as the next run will be: the two get the same pid.
    await wine.killAll();
    wine.keepServerUp();
    const holder = wine.spawn(exe, { args: ["assume", "--profile", "via-exe"], env: { ...env, VEGAS_TEST_CODE: String(nextCode++), VEGAS_TEST_WAIT: "1" } });
    const cache = join(wine.prefix, "drive_c", "users");
    const deadline = Date.now() + 30_000;
    const lockFiles = () => {
      const found: string[] = [];
      for (const user of existsSync(cache) ? readdirSync(cache) : []) {
        const folder = join(cache, user, "AppData", "Local", "vegas-credentials", "cache");
        if (existsSync(folder)) found.push(...readdirSync(folder).filter((name) => name.endsWith(".lock")));
      }
      return found;
    };
    while (lockFiles().length === 0 && Date.now() < deadline && holder.child.exitCode === null) await Bun.sleep(100);
    if (lockFiles().length === 0) {
      holder.child.kill("SIGKILL");
      const { exitCode, stderr } = await holder.done(10_000);
      throw new Error(`the holder took no lock (exit ${exitCode}): ${stderr}`);
    }
    await wine.killAll();
    await holder.done(10_000);
    wine.keepServerUp();
    const result = await run(["assume", "--profile", "via-exe"], {}, 40_000);
    expect(result.stderr).not.toContain("waiting for another run");
    succeededWith(result);
  });

  test("the unit tests that hold on every OS (package.json's test:every-os) pass under the Windows Bun", async () => {
    const paths = everyOsTestPaths();
    expect(paths.length).toBeGreaterThan(10);
    const bun = await windowsBun(wine);
    const result = await wine.run(bun, { args: ["test", "--timeout", "60000", ...paths], cwd: ROOT, timeoutMs: 240_000 });
    const summary = result.stderr.split("\n").filter((line) => /^\(fail\)|^ *\d+ (pass|fail)$/.test(line));
    expect({ exitCode: result.exitCode, summary: summary.filter((line) => !/ pass$/.test(line)) }).toEqual({ exitCode: 0, summary: [" 0 fail"] });
  }, 300_000);
});
