/**
 * Long-term keys in a real Secret Service (GNOME Keyring on a private D-Bus session): `keys import`, `add`,
 * `list` and `remove` through the compiled binary, a miss that signs with the stored key against the strict
 * STS double, a hit that never opens the store, and the locked keyring and the missing bus, each one line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, Sandbox, SOURCE_KEY, ensureBinary, readmeConfig, startReadmeSts, succeeded } from "../support/sandbox.ts";
import { SecretService } from "../support/secretService.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const CREDENTIALS = `# my keys\n[default]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\nregion = us-west-1\n\n[other]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = otherotherotherotherotherotherotherother\n`;
const MASKED = `${SOURCE_KEY.id.slice(0, 4)}…${SOURCE_KEY.id.slice(-4)}`;

let sts: StsDouble;
let secrets: SecretService;
let sandbox: Sandbox;

describe.skipIf(!SecretService.available() && process.env.CI !== "true")("keys in the Secret Service", () => {
  beforeAll(async () => {
    ensureBinary();
    sts = await startReadmeSts();
    secrets = await SecretService.start();
  });
  afterAll(async () => {
    await sts?.stop();
    await secrets?.stop();
  });
  afterEach(() => {
    sandbox?.remove();
    // Each test starts with an empty keyring, whatever the one before left.
    secrets.secretTool(["clear", "application", "vegas-credentials"]);
  });

  /** A sandbox whose runs reach the keyring's bus, with STS at the double. */
  function newSandbox(): Sandbox {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
    writeFileSync(join(sandbox.home, ".aws", "credentials"), CREDENTIALS);
    chmodSync(join(sandbox.home, ".aws", "credentials"), 0o640);
    Object.assign(sandbox.env, secrets.env, { AWS_ENDPOINT_URL_STS: sts.url });
    return sandbox;
  }

  const keys = (...args: string[]) => sandbox.run([BINARY, "keys", ...args]);

  test("import moves the key out of the credentials file into the keyring; a miss signs with it, a hit never opens the store", async () => {
    newSandbox();
    const imported = await keys("import", "-p", "default");
    expect(imported.stderr).toBe("");
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toContain(`Stored the access key ${MASKED} of arn:aws:iam::111111111111:user/FrankSinatra for profile "default" in the Secret Service.`);
    // The credentials file is byte for byte what it was, less the two lines, and keeps its mode.
    const credentialsPath = join(sandbox.home, ".aws", "credentials");
    expect(readFileSync(credentialsPath, "utf8")).toBe(CREDENTIALS.replace(`aws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\n`, ""));
    expect(statSync(credentialsPath).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")).toBe(readmeConfig(`endpoint_url = ${sts.url}\n`).replace("[default]\n", "[default]\nvegas_keys = os\n"));

    // The keyring holds it (read as any other Secret Service client would).
    const stored = secrets.secretTool(["search", "--all", "application", "vegas-credentials", "profile", "default"]);
    expect(stored.stdout).toContain(SOURCE_KEY.secret);

    const calls = sts.calls.length;
    const miss = await sandbox.assumeTyping("frank@concerts", "123456");
    expect(miss.exitCode).toBe(0);
    succeeded({ exitCode: miss.exitCode, stdout: miss.stdout, stderr: miss.stderr });
    const assumed = sts.calls.slice(calls).filter((call) => call.action === "AssumeRole");
    expect(assumed.map((call) => [call.accessKeyId, call.error])).toEqual([[SOURCE_KEY.id, undefined]]);

    // A hit with no bus, and a secret-tool first on PATH that leaves a mark if run: it never looks for the store.
    const bin = join(sandbox.home, "spy");
    mkdirSync(bin);
    writeFileSync(join(bin, "secret-tool"), `#!/bin/sh\ntouch ${join(sandbox.home, "secret-tool-ran")}\nexit 1\n`, { mode: 0o755 });
    const hit = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"], { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent", PATH: `${bin}:${sandbox.env.PATH}` });
    expect(hit.stdout).toBe(miss.stdout);
    expect(hit.stderr).toBe("");
    expect(existsSync(join(sandbox.home, "secret-tool-ran"))).toBe(false);

    const listed = await keys("list");
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`default\\s+os \\(Secret Service\\)\\s+${MASKED}\\s+\\d{4}-\\d\\d-\\d\\d\\s+0 days`));
    const json = JSON.parse((await keys("list", "--json")).stdout);
    expect(json).toEqual([{ profile: "default", store: "os", keyId: MASKED, addedAt: expect.any(String), ageDays: 0 }]);

    // The secret is nowhere but in the keyring: not in any file of the home folder, nor in anything printed.
    for (const output of [imported, miss, hit, listed]) expect(`${output.stdout}${output.stderr}`).not.toContain(SOURCE_KEY.secret);
    for (const file of filesUnder(sandbox.home)) expect(readFileSync(file).includes(SOURCE_KEY.secret)).toBe(false);

    const removed = await keys("remove", "-p", "default", "--yes");
    expect(removed.exitCode).toBe(0);
    expect(removed.stdout).toContain(`Removed the key ${MASKED} of profile "default" from the Secret Service`);
    expect(secrets.secretTool(["search", "--all", "application", "vegas-credentials", "profile", "default"]).stdout).toBe("");
    expect((await keys("list")).stdout).toContain("No keys are stored");

    // A miss now says what to do, in one line.
    await sandbox.run([BINARY, "cache", "clean"]);
    const missing = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(`vegas-credentials: profile "frank@concerts": its source profile "default" has vegas_keys = os, but the Secret Service holds no key for it: store one with vegas-credentials keys add -p default\n`);
  });

  test("add reads the key from stdin, checks it with STS first: a wrong secret stores nothing and changes no file", async () => {
    newSandbox();
    writeFileSync(join(sandbox.home, ".aws", "credentials"), "");
    const config = readFileSync(join(sandbox.home, ".aws", "config"), "utf8");
    const wrong = await stdinRun(["keys", "add", "-p", "default", "--stdin"], `${SOURCE_KEY.id}\n${SOURCE_KEY.secret.replace("w", "x")}\n`);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toBe("");
    expect(wrong.stderr).toMatch(new RegExp(`^vegas-credentials: profile "default": STS does not take the key ${MASKED} \\(SignatureDoesNotMatch: .*\\): check the key ID and the secret; nothing was stored\\n$`));
    expect(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")).toBe(config);
    expect(secrets.secretTool(["search", "--all", "application", "vegas-credentials"]).stdout).toBe("");

    const added = await stdinRun(["keys", "add", "-p", "default", "--stdin"], `${SOURCE_KEY.id}\n${SOURCE_KEY.secret}\n`);
    expect(added.stderr).toBe("");
    expect(added.exitCode).toBe(0);
    expect(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")).toContain("[default]\nvegas_keys = os\nmfa_serial");
    expect((await keys("remove", "-p", "default", "--yes")).exitCode).toBe(0);
  });

  test("a locked keyring and a missing session bus each give one line, and nothing falls back to plaintext", async () => {
    newSandbox();
    writeFileSync(join(sandbox.home, ".aws", "config"), readmeConfig(`endpoint_url = ${sts.url}\n`).replace("[default]\n", "[default]\nvegas_keys = os\n"));
    const noBus = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"], { DBUS_SESSION_BUS_ADDRESS: "" });
    expect(noBus.exitCode).toBe(1);
    expect(noBus.stdout).toBe("");
    expect(noBus.stderr).toBe("vegas-credentials: the Secret Service cannot be reached: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS); log in to a desktop session, or use vegas_keys = file on machines without one\n");

    // The key was stored, then the keyring locked (its daemon ends; the next one starts locked).
    secrets.secretTool(["store", "--label=planted", "application", "vegas-credentials", "profile", "default"], JSON.stringify({ version: 1, profile: "default", accessKeyId: SOURCE_KEY.id, secretAccessKey: SOURCE_KEY.secret, addedAt: new Date().toISOString() }));
    await secrets.stopKeyring();
    const calls = sts.calls.length;
    try {
      // The next call starts a keyring by activation, locked, with no display to ask for its password on.
      const locked = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
      expect(locked.exitCode).toBe(1);
      expect(locked.stdout).toBe("");
      expect(locked.stderr).toMatch(/^vegas-credentials: the Secret Service: the keyring is locked and could not be unlocked here .*\n$/);
      // The key still in the credentials file was not used instead: STS was never called.
      expect(sts.calls.length).toBe(calls);
    } finally {
      await secrets.stopKeyring();
      await restartUnlocked();
    }
  });

  test("a key older than vegas_key_max_age_days: one line at the terminal on a miss; show-profile and config list say where the key is", async () => {
    newSandbox();
    writeFileSync(join(sandbox.home, ".aws", "credentials"), "");
    writeFileSync(join(sandbox.home, ".aws", "config"), readmeConfig(`endpoint_url = ${sts.url}\n`).replace("[default]\n", "[default]\nvegas_keys = os\n"));
    const added = new Date(Date.now() - 120 * 86_400_000);
    secrets.secretTool(["store", "--label=old", "application", "vegas-credentials", "profile", "default"], JSON.stringify({ version: 1, profile: "default", accessKeyId: SOURCE_KEY.id, secretAccessKey: SOURCE_KEY.secret, addedAt: added.toISOString() }));

    const shown = await sandbox.run([BINARY, "config", "show-profile", "-p", "frank@concerts"]);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/vegas_keys\s+os\s+\[default\]/);
    expect(shown.stdout).toMatch(/vegas_key_max_age_days\s+90\s+default/);
    expect(shown.stdout).toMatch(new RegExp(`  key\\s+${MASKED}\\s+in the Secret Service, added ${added.toISOString().slice(0, 10)} \\(120 days ago\\)`));
    const listed = await sandbox.run([BINARY, "config", "list"]);
    expect(listed.stdout).toMatch(/keystore \(os\)\s+the Secret Service \(\/usr\/bin\/secret-tool\)/);
    expect(listed.stdout).toMatch(new RegExp(`key of default\\s+vegas_keys = os: ${MASKED} in the Secret Service, added ${added.toISOString().slice(0, 10)} \\(120 days ago\\)`));

    const run = await sandbox.inTerminal([BINARY, "assume", "--profile=frank@concerts"]);
    try {
      await run.waitForText(`vegas-credentials: the access key of profile "default" (${MASKED}) is 120 days old: rotate it with vegas-credentials keys rotate -p default`);
      await run.waitForText("MFA code for");
      await run.type("234567");
      await run.pressEnter();
      const result = await run.done();
      expect(result.exitCode).toBe(0);
      // The line is for the person at the terminal, not the AWS tool's stderr.
      expect(result.stderr).toBe("");
    } catch (error) {
      await run.kill();
      throw error;
    }

    // 0 turns it off.
    await sandbox.run([BINARY, "cache", "clean"]);
    writeFileSync(join(sandbox.home, ".aws", "config"), readmeConfig(`endpoint_url = ${sts.url}\n`).replace("[default]\n", "[default]\nvegas_keys = os\nvegas_key_max_age_days = 0\n"));
    const quiet = await sandbox.assumeTyping("frank@concerts", "345678");
    expect(quiet.exitCode).toBe(0);
    expect(quiet.screen).not.toContain("days old");
  });

  test("an aws-vault user's steps: keys import, the README's config, then the AWS CLI asks for one code and the credentials file holds no key", async () => {
    newSandbox();
    writeFileSync(join(sandbox.home, ".aws", "credentials"), `[default]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\n`);
    expect((await keys("import", "-p", "default")).exitCode).toBe(0);
    expect(readFileSync(join(sandbox.home, ".aws", "credentials"), "utf8")).toBe("[default]\n");
    const callerIdentity = ["aws", "sts", "get-caller-identity", "--profile", "frank@concerts", "--endpoint-url", sts.url, "--output", "json"];
    const first = await sandbox.inTerminal(callerIdentity);
    try {
      await first.waitForText("MFA code for", 20_000);
      await first.type("567890");
      await first.pressEnter();
      const result = await first.done();
      expect(result.exitCode).toBe(0);
      expect(JSON.parse(result.stdout).Arn).toBe("arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands");
    } catch (error) {
      await first.kill();
      throw error;
    }
    // Once: the next call is answered from the cache, with no terminal to ask at.
    const second = await sandbox.run(callerIdentity);
    expect(second.exitCode).toBe(0);
    expect(JSON.parse(second.stdout).Arn).toBe("arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands");
  });

  test("an import that fails after storing puts back the key the store held before, and changes no file", async () => {
    newSandbox();
    const earlier = { version: 1, profile: "default", accessKeyId: "AKIAEARLIEREARLIER01", secretAccessKey: "earlierearlierearlierearlierearlierearli", addedAt: "2026-01-01T00:00:00.000Z" };
    secrets.secretTool(["store", "--label=earlier", "application", "vegas-credentials", "profile", "default"], JSON.stringify(earlier));
    const configPath = join(sandbox.home, ".aws", "config");
    const config = readFileSync(configPath, "utf8");
    chmodSync(configPath, 0o444);
    const failed = await keys("import", "-p", "default");
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toBe(`vegas-credentials: the AWS config file ${configPath} is read-only (mode 0444): make it writable (chmod u+w), or change it by hand\n`);
    expect(readFileSync(configPath, "utf8")).toBe(config);
    expect(readFileSync(join(sandbox.home, ".aws", "credentials"), "utf8")).toBe(CREDENTIALS);
    const held = secrets.secretTool(["search", "--all", "application", "vegas-credentials", "profile", "default"]).stdout;
    expect(held).toContain(earlier.secretAccessKey);
    expect(held).not.toContain(SOURCE_KEY.secret);
  });

  async function restartUnlocked(): Promise<void> {
    await secrets.stop();
    secrets = await SecretService.start();
  }

  async function stdinRun(args: string[], stdin: string) {
    const child = Bun.spawn(["setsid", "--wait", BINARY, ...args], { env: sandbox.env, cwd: sandbox.home, stdin: new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { exitCode, stdout, stderr };
  }
});

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
