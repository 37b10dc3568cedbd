/**
 * vegas_keys = file end to end: the key and the passphrase typed at a real terminal (neither shown), a miss
 * that asks for the passphrase and then the code, a wrong passphrase and no way to ask, each one line, and a
 * `cache clean` that leaves the keys alone.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, Sandbox, SOURCE_KEY, readmeConfig, readmeStsForThisFile } from "../support/sandbox.ts";

const PASSPHRASE = "Luck be a lady tonight";
let sandbox: Sandbox;
const readme = readmeStsForThisFile();
afterEach(() => sandbox?.remove());

test("typed at the terminal, never shown; a miss asks for the passphrase, then the code; cache clean keeps the keys", async () => {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${readme.sts.url}\n`));
  writeFileSync(join(sandbox.home, ".aws", "credentials"), "");
  Object.assign(sandbox.env, { AWS_ENDPOINT_URL_STS: readme.sts.url, XDG_STATE_HOME: join(sandbox.home, "state") });
  const keysFile = join(sandbox.home, "state", "vegas-credentials", "keys.sealed");

  const adding = await sandbox.inTerminal([BINARY, "keys", "add", "-p", "default", "--store", "file"]);
  let screen: string;
  try {
    await adding.waitForText('AWS access key ID for profile "default":');
    await adding.type(SOURCE_KEY.id);
    await adding.pressEnter();
    await adding.waitForText("Secret access key (not shown):");
    await adding.type(SOURCE_KEY.secret);
    await adding.pressEnter();
    await adding.waitForText("New passphrase for the keys file");
    await adding.type(PASSPHRASE);
    await adding.pressEnter();
    await adding.waitForText("The same passphrase again:");
    await adding.type(PASSPHRASE);
    await adding.pressEnter();
    const added = await adding.done();
    expect(added.stderr).toBe("");
    expect(added.exitCode).toBe(0);
    expect(added.stdout).toContain(`Stored the access key AKIA…MPLE of arn:aws:iam::111111111111:user/FrankSinatra for profile "default" in the keys file ${keysFile}.`);
    screen = added.screen;
  } catch (error) {
    await adding.kill();
    throw error;
  }
  expect(screen).not.toContain(SOURCE_KEY.secret);
  expect(screen).not.toContain(PASSPHRASE);
  expect(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")).toContain("[default]\nvegas_keys = file\n");

  const assuming = await sandbox.inTerminal([BINARY, "assume", "--profile=frank@concerts"]);
  try {
    await assuming.waitForText(`Passphrase of the keys file ${keysFile}:`);
    await assuming.type(PASSPHRASE);
    await assuming.pressEnter();
    await assuming.waitForText("MFA code for");
    await assuming.type("456789");
    await assuming.pressEnter();
    const result = await assuming.done();
    expect(result.exitCode).toBe(0);
    expect(result.screen).not.toContain(PASSPHRASE);
  } catch (error) {
    await assuming.kill();
    throw error;
  }
  expect(readme.sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.accessKeyId).toBe(SOURCE_KEY.id);

  const cleaned = await sandbox.run([BINARY, "cache", "clean"]);
  expect(cleaned.exitCode).toBe(0);
  expect(existsSync(keysFile)).toBe(true);

  // No terminal and no VEGAS_CREDENTIALS_KEYS_PASSPHRASE: one line.
  const unasked = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"], { VEGAS_CREDENTIALS_NO_GUI: "1" });
  expect(unasked.exitCode).toBe(1);
  expect(unasked.stdout).toBe("");
  expect(unasked.stderr).toMatch(new RegExp(`^vegas-credentials: the keys file ${keysFile} needs its passphrase and nothing can ask for it here: set VEGAS_CREDENTIALS_KEYS_PASSPHRASE, or run at a terminal \\(.*\\)\\n$`));

  const wrong = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"], { VEGAS_CREDENTIALS_KEYS_PASSPHRASE: "not the passphrase" });
  expect(wrong.exitCode).toBe(1);
  expect(wrong.stderr).toBe(`vegas-credentials: the passphrase does not open the keys file ${keysFile}: try again (nothing was changed)\n`);

  // Neither the secret nor the passphrase is in any file the runs left (the keys file, the config, the cache, the log).
  const files = readdirSync(sandbox.home, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  expect(files.length).toBeGreaterThan(3);
  for (const entry of files) {
    const bytes = readFileSync(join(entry.parentPath, entry.name));
    expect(`${entry.name}: ${bytes.includes(SOURCE_KEY.secret) || bytes.includes(PASSPHRASE)}`).toBe(`${entry.name}: false`);
  }
  for (const output of [unasked, wrong]) expect(output.stderr).not.toContain(SOURCE_KEY.secret);
}, 60_000);
