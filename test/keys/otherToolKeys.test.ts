/**
 * `keys import --from aws-vault | granted` against a real Secret Service (GNOME Keyring on a private D-Bus
 * session), its items laid out as those tools' keyring library writes them, through the compiled binary and
 * the strict STS double; the switch an aws-vault user makes, ending with the real AWS CLI asking one code.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { awsCredentialsJson, keyringItemJson, OtherToolKeyring } from "../support/otherToolKeyring.ts";
import { BINARY, ensureBinary, MFA_SERIAL, ROLE_ARN, Sandbox, SOURCE_KEY } from "../support/sandbox.ts";
import { SecretService } from "../support/secretService.ts";
import { type StsDouble, startStsDouble } from "../support/stsDouble.ts";

const DEAN = { id: "AKIADEANMARTINDEAN01", secret: "deanmartindeanmartindeanmartindeanmartin" };
/** A key IAM has deleted: STS does not know it. */
const GONE = { id: "AKIAGONEGONEGONEGONE", secret: "gonegonegonegonegonegonegonegonegonegone" };
const masked = (id: string) => `${id.slice(0, 4)}…${id.slice(-4)}`;

/** ~/.aws/config as an aws-vault user has it: the user's profile with its MFA device, a role profile for the AWS CLI. */
const AWS_VAULT_CONFIG = `[profile frank]
mfa_serial = ${MFA_SERIAL}
region = us-west-1

[profile dean]
region = us-west-1

[profile concerts]
source_profile = frank
role_arn = ${ROLE_ARN}
region = us-west-1
`;

let sts: StsDouble;

/** A home with the config and no credentials file, its runs' STS at the double. */
function sandboxWithout(config: string): Sandbox {
  const made = new Sandbox(config);
  rmSync(join(made.home, ".aws", "credentials"));
  Object.assign(made.env, { AWS_ENDPOINT_URL_STS: sts.url });
  return made;
}
let secrets: SecretService;
let keyring: OtherToolKeyring;
let sandbox: Sandbox;

beforeAll(async () => {
  ensureBinary();
  sts = await startStsDouble({
    users: { [SOURCE_KEY.id]: { secretAccessKey: SOURCE_KEY.secret, arn: "arn:aws:iam::111111111111:user/FrankSinatra" }, [DEAN.id]: { secretAccessKey: DEAN.secret, arn: "arn:aws:iam::111111111111:user/DeanMartin" } },
    mfa: "any",
    roles: { [ROLE_ARN]: { maxSessionDuration: 7200 } },
  });
});
afterAll(() => sts?.stop());

describe.skipIf(!SecretService.available() && process.env.CI !== "true")("keys import --from aws-vault | granted, from the Secret Service", () => {
  beforeAll(async () => {
    secrets = await SecretService.start();
    keyring = await OtherToolKeyring.open(secrets.env);
  });
  afterAll(async () => {
    keyring?.close();
    await secrets?.stop();
  });
  afterEach(async () => {
    sandbox?.remove();
    for (const collection of ["awsvault", "granted-aws-iam-credentials", "other-name"]) await keyring.deleteCollection(collection);
    secrets.secretTool(["clear", "application", "vegas-credentials"]);
  });

  function newSandbox(config = AWS_VAULT_CONFIG): Sandbox {
    sandbox = sandboxWithout(config);
    Object.assign(sandbox.env, secrets.env);
    return sandbox;
  }

  /** What aws-vault keeps after `aws-vault add frank`, `add dean`, and a few runs: its sessions and an OIDC token. */
  async function plantAwsVault(collection = "awsvault"): Promise<void> {
    await keyring.setItem(collection, "frank", keyringItemJson("frank", awsCredentialsJson(SOURCE_KEY), "aws-vault (frank)"));
    await keyring.setItem(collection, "dean", keyringItemJson("dean", awsCredentialsJson(DEAN), "aws-vault (dean)"));
    const session = awsCredentialsJson({ id: "ASIASESSIONSESSION01", secret: "sessionsessionsessionsessionsessionsessi", sessionToken: "FwoGZXIvYXdzEXAMPLE" });
    await keyring.setItem(collection, "frank session (1764800000)", keyringItemJson("frank session (1764800000)", session));
    await keyring.setItem(collection, "session,ZnJhbms,,1764800000", keyringItemJson("session,ZnJhbms,,1764800000", session));
    await keyring.setItem(collection, "oidc:https://example.awsapps.com/start", keyringItemJson("oidc:https://example.awsapps.com/start", '{"Token":{"AccessToken":"x"}}'));
  }

  const run = (...args: string[]) => sandbox.run([BINARY, ...args]);
  const ourSecrets = () => secrets.secretTool(["search", "--all", "application", "vegas-credentials"]).stdout;

  test("an aws-vault user switches: keys import --all, config import --all, the AWS CLI asks one code, doctor --secrets finds nothing", async () => {
    newSandbox();
    await plantAwsVault();

    const imported = await run("keys", "import", "--from", "aws-vault", "--all");
    expect(imported.stderr).toBe("");
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toContain(`From aws-vault (the Secret Service collection "awsvault"):\nStored the access key ${masked(SOURCE_KEY.id)} of arn:aws:iam::111111111111:user/FrankSinatra for profile "frank" in the Secret Service.`);
    expect(imported.stdout).toContain(`Stored the access key ${masked(DEAN.id)} of arn:aws:iam::111111111111:user/DeanMartin for profile "dean" in the Secret Service.`);
    expect(imported.stdout).toContain('aws-vault (the Secret Service collection "awsvault") still holds it: run again with --remove-source, or aws-vault remove frank');
    // Sessions and tokens are aws-vault's business: neither imported nor named.
    expect(imported.stdout).not.toContain("session");
    expect(imported.stdout).not.toContain("oidc");
    for (const key of [SOURCE_KEY, DEAN]) expect(`${imported.stdout}${imported.stderr}`).not.toContain(key.secret);
    // aws-vault keeps every item it had; ours holds both keys.
    expect(await keyring.labels("awsvault")).toEqual(["dean", "frank", "frank session (1764800000)", "oidc:https://example.awsapps.com/start", "session,ZnJhbms,,1764800000"]);
    expect(ourSecrets()).toContain(SOURCE_KEY.secret);
    expect(ourSecrets()).toContain(DEAN.secret);
    const config = readFileSync(join(sandbox.home, ".aws", "config"), "utf8");
    expect(config).toContain("[profile frank]\nvegas_keys = os\nmfa_serial");
    expect(config).toContain("[profile dean]\nvegas_keys = os\nregion");

    const rewritten = await run("config", "import", "--all");
    expect(rewritten.exitCode).toBe(0);
    expect(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")).toContain("vegas_role_arn = arn:aws:iam::222222222222:role/SingerRole");

    const identity = ["aws", "sts", "get-caller-identity", "--profile", "concerts", "--output", "json"];
    const calls = sts.calls.length;
    const first = await sandbox.inTerminal(identity);
    await first.waitForText(`MFA code for ${MFA_SERIAL} (concerts)`, 20_000);
    await first.type("246801");
    await first.pressEnter();
    const answered = await first.done();
    expect(answered.stderr).toBe("");
    expect(answered.exitCode).toBe(0);
    expect(JSON.parse(answered.stdout).Arn).toStartWith("arn:aws:sts::222222222222:assumed-role/SingerRole/");
    // No terminal now: the cache answers, no second code.
    const second = await sandbox.run(identity);
    expect(second.exitCode).toBe(0);
    expect(JSON.parse(second.stdout).Arn).toBe(JSON.parse(answered.stdout).Arn);
    const assumed = sts.calls.slice(calls).filter((call) => call.action === "AssumeRole");
    expect(assumed.map((call) => [call.accessKeyId, call.error])).toEqual([[SOURCE_KEY.id, undefined]]);

    const doctor = await run("doctor", "--secrets");
    expect(doctor.stderr).toBe("");
    expect(doctor.exitCode).toBe(0);
  }, 60_000);

  test("--remove-source removes exactly the item imported, only once ours holds a key STS takes", async () => {
    newSandbox();
    await plantAwsVault();
    await keyring.setItem("granted-aws-iam-credentials", "frank", keyringItemJson("frank", awsCredentialsJson(SOURCE_KEY)));

    const moved = await run("keys", "import", "--from", "aws-vault", "-p", "frank", "--remove-source");
    expect(moved.stderr).toBe("");
    expect(moved.exitCode).toBe(0);
    expect(moved.stdout).toEndWith('Removed it from aws-vault (the Secret Service collection "awsvault").\n');
    expect(await keyring.labels("awsvault")).toEqual(["dean", "frank session (1764800000)", "oidc:https://example.awsapps.com/start", "session,ZnJhbms,,1764800000"]);
    // granted's item of the same name, and our own, are untouched.
    expect(await keyring.labels("granted-aws-iam-credentials")).toEqual(["frank"]);
    expect(ourSecrets()).toContain(SOURCE_KEY.secret);

    // A key STS refuses is never removed from aws-vault, and nothing is stored or changed for it.
    await keyring.setItem("awsvault", "dean", keyringItemJson("dean", awsCredentialsJson(GONE)));
    const config = readFileSync(join(sandbox.home, ".aws", "config"), "utf8");
    const refused = await run("keys", "import", "--from", "aws-vault", "-p", "dean", "--remove-source");
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(new RegExp(`^vegas-credentials: profile "dean": STS does not take the key ${masked(GONE.id)} \\(InvalidClientTokenId: .*\\): check the key ID and the secret; nothing was stored\\n$`));
    expect(await keyring.labels("awsvault")).toContain("dean");
    expect(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")).toBe(config);
    expect(ourSecrets()).not.toContain(GONE.secret);
  }, 60_000);

  test("items the keyring library did not write are never read, even in a shared collection", async () => {
    newSandbox();
    await keyring.setItem("awsvault", "frank", keyringItemJson("frank", awsCredentialsJson(SOURCE_KEY)));
    await keyring.setOtherItem("awsvault", "Wi-Fi home", [["ssid", "home"]], "the wifi password");
    // Ours, with the same profile attribute: not aws-vault's.
    await keyring.setOtherItem("awsvault", "dean", [["application", "vegas-credentials"], ["profile", "dean"]], "{}");
    const result = await run("keys", "import", "--from", "aws-vault", "--all");
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('for profile "frank" in the Secret Service');
    expect(result.stdout).not.toContain("Wi-Fi");
    expect(result.stdout).not.toContain("dean");
  }, 60_000);

  test("--all goes on past a key that fails: the others are imported, the failure is one line, exit 1", async () => {
    newSandbox();
    await keyring.setItem("awsvault", "frank", keyringItemJson("frank", awsCredentialsJson(SOURCE_KEY)));
    await keyring.setItem("awsvault", "dean", keyringItemJson("dean", awsCredentialsJson(GONE)));
    await keyring.setItem("awsvault", "temp", keyringItemJson("temp", awsCredentialsJson({ ...DEAN, sessionToken: "FwoGZXIvYXdzEXAMPLE" })));
    const result = await run("keys", "import", "--from", "aws-vault", "--all", "--remove-source");
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('for profile "frank" in the Secret Service');
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^vegas-credentials: profile "dean": STS does not take the key AKIA…GONE \(InvalidClientTokenId: .*\): check the key ID and the secret; nothing was stored$/);
    expect(lines[1]).toBe('vegas-credentials: profile "temp": its entry in aws-vault (the Secret Service collection "awsvault") holds temporary credentials (with a session token), not a long-term key; nothing was imported');
    expect(lines[2]).toBe("vegas-credentials: keys import --from aws-vault: 2 of the keys could not be imported (each line above says why; the others were)");
    expect(await keyring.labels("awsvault")).toEqual(["dean", "temp"]);
    for (const secret of [SOURCE_KEY.secret, GONE.secret, DEAN.secret]) expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  }, 60_000);

  test("granted: its key moves here and its credential_process line leaves the profile", async () => {
    const config = `[profile dev]\ncredential_process = granted credential-process --profile=dev\nregion = us-west-1\n`;
    newSandbox(config);
    await keyring.setItem("granted-aws-iam-credentials", "dev", keyringItemJson("dev", awsCredentialsJson(DEAN)));
    const result = await run("keys", "import", "--from", "granted", "-p", "dev", "--remove-source");
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`: vegas_keys = os set on profile "dev", credential_process removed.`);
    expect(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")).toBe("[profile dev]\nvegas_keys = os\nregion = us-west-1\n");
    expect(await keyring.labels("granted-aws-iam-credentials")).toEqual([]);
    expect(ourSecrets()).toContain(DEAN.secret);
  }, 60_000);

  test("a collection named by AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME is the one read", async () => {
    newSandbox();
    await plantAwsVault("other-name");
    const unset = await run("keys", "import", "--from", "aws-vault", "--all");
    expect(unset.exitCode).toBe(1);
    expect(unset.stderr).toBe('vegas-credentials: aws-vault has no keys here: the Secret Service has no collection "awsvault" (AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME names another); if aws-vault keeps them elsewhere, set AWS_VAULT_BACKEND as it is set for aws-vault\n');
    const named = await sandbox.run([BINARY, "keys", "import", "--from", "aws-vault", "-p", "dean"], { AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME: "other-name" });
    expect(named.stderr).toBe("");
    expect(named.stdout).toContain('From aws-vault (the Secret Service collection "other-name")');
  }, 60_000);

  test("a locked collection, a missing item, a backend not read here and a wrong --from each give one line and change nothing", async () => {
    newSandbox();
    await plantAwsVault();
    const config = readFileSync(join(sandbox.home, ".aws", "config"), "utf8");

    const missing = await run("keys", "import", "--from", "aws-vault", "-p", "sammy");
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe('vegas-credentials: aws-vault (the Secret Service collection "awsvault") holds no key for profile "sammy" (it holds keys for "dean", "frank"): nothing was imported\n');

    const fileBackend = await sandbox.run([BINARY, "keys", "import", "--from", "aws-vault", "--all"], { AWS_VAULT_BACKEND: "pass" });
    expect(fileBackend.exitCode).toBe(1);
    expect(fileBackend.stderr).toStartWith('vegas-credentials: aws-vault keeps its keys in its "pass" backend here, which this tool does not read: move each key with aws-vault exec --no-session PROFILE -- ');

    const wrongTool = await run("keys", "import", "--from", "awsvault", "--all");
    expect(wrongTool.exitCode).toBe(2);
    expect(wrongTool.stderr).toBe('vegas-credentials: keys import --from "awsvault": name aws-vault or granted\n');
    const both = await run("keys", "import", "--from", "aws-vault", "--all", "-p", "frank");
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toBe("vegas-credentials: keys import --from aws-vault: name one profile with -p NAME, or give --all\n");

    await keyring.lock("awsvault");
    const locked = await run("keys", "import", "--from", "aws-vault", "--all", "--remove-source");
    expect(locked.exitCode).toBe(1);
    expect(locked.stdout).toBe("");
    expect(locked.stderr).toBe('vegas-credentials: the Secret Service collection "awsvault" is locked, and the unlock dialog was dismissed or could not be shown here: unlock the keyring (log in to the desktop, or open Passwords and Keys), then run again\n');

    for (const result of [missing, fileBackend, wrongTool, both, locked]) expect(result.stdout).toBe("");
    expect(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")).toBe(config);
    expect(ourSecrets()).toBe("");
  }, 90_000);

  test("no session bus: one line", async () => {
    newSandbox();
    writeFileSync(join(sandbox.home, ".aws", "credentials"), "");
    const result = await sandbox.run([BINARY, "keys", "import", "--from", "granted", "--all"], { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sandbox.home, "no-bus")}` });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^vegas-credentials: the Secret Service collection "granted-aws-iam-credentials" cannot be reached: cannot connect to the session bus: .*: run this in your desktop session\n$/);
  });
});

describe("keys import --from aws-vault | granted, from their file backend", () => {
  afterEach(() => sandbox?.remove());
  const PASSPHRASE = "the passphrase of aws-vault's files";

  /** A key file as the keyring library writes it (test/support/keyringFile.py, an implementation of its own). */
  function plantFile(folder: string, key: string, itemJson: string, passphrase = PASSPHRASE): void {
    const written = Bun.spawnSync(["python3", join(import.meta.dir, "..", "support", "keyringFile.py"), folder, passphrase, key], { stdin: new TextEncoder().encode(itemJson), stderr: "pipe", timeout: 20_000 });
    if (written.exitCode !== 0) throw new Error(`keyringFile.py: ${written.stderr.toString()}`);
  }

  test("AWS_VAULT_BACKEND=file: every key of ~/.awsvault/keys imported with AWS_VAULT_FILE_PASSPHRASE, --remove-source deletes exactly those files", async () => {
    sandbox = sandboxWithout(`${AWS_VAULT_CONFIG}\n[profile team/dev]\nregion = us-west-1\n`);
    const folder = join(sandbox.home, ".awsvault", "keys");
    plantFile(folder, "frank", keyringItemJson("frank", awsCredentialsJson(SOURCE_KEY), "aws-vault (frank)"));
    plantFile(folder, "team/dev", keyringItemJson("team/dev", awsCredentialsJson(DEAN), "aws-vault (team/dev)"));
    plantFile(folder, "frank session (1764800000)", keyringItemJson("frank session (1764800000)", awsCredentialsJson({ ...DEAN, sessionToken: "FwoG" })));
    expect(readdirSync(folder).sort()).toEqual(["frank", "frank session (1764800000)", "team%2Fdev"]);

    const env = { AWS_VAULT_BACKEND: "file", AWS_VAULT_FILE_PASSPHRASE: PASSPHRASE };
    const result = await sandbox.run([BINARY, "keys", "import", "--from", "aws-vault", "--all", "--remove-source", "--store", "file"], { ...env, VEGAS_CREDENTIALS_KEYS_PASSPHRASE: "our own passphrase" });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`From aws-vault (its file backend, ${folder}):`);
    expect(result.stdout).toContain(`Stored the access key ${masked(DEAN.id)} of arn:aws:iam::111111111111:user/DeanMartin for profile "team/dev" in the keys file`);
    expect(readdirSync(folder)).toEqual(["frank session (1764800000)"]);
    const listed = await sandbox.run([BINARY, "keys", "list", "--json"]);
    expect(listed.stderr).toBe("");
    expect(JSON.parse(listed.stdout).map((row: { profile: string }) => row.profile)).toEqual(["frank", "team/dev"]);
    for (const secret of [SOURCE_KEY.secret, DEAN.secret, PASSPHRASE]) expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  }, 60_000);

  test("the passphrase is asked at the terminal when AWS_VAULT_FILE_PASSPHRASE is not set, once for every key; a wrong one is one line", async () => {
    sandbox = sandboxWithout(AWS_VAULT_CONFIG);
    const folder = join(sandbox.home, "vault-keys");
    plantFile(folder, "frank", keyringItemJson("frank", awsCredentialsJson(SOURCE_KEY)));
    plantFile(folder, "dean", keyringItemJson("dean", awsCredentialsJson(DEAN)));
    const env = { AWS_VAULT_BACKEND: "file", AWS_VAULT_FILE_DIR: folder, VEGAS_CREDENTIALS_KEYS_PASSPHRASE: "our own passphrase" };

    const wrong = await sandbox.run([BINARY, "keys", "import", "--from", "aws-vault", "-p", "frank", "--store", "file"], { ...env, AWS_VAULT_FILE_PASSPHRASE: "not it" });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toBe("");
    expect(wrong.stderr).toBe(`vegas-credentials: aws-vault (its file backend, ${folder}): the passphrase given does not open ${join(folder, "frank")} (or its key part is damaged): type the one that opens it, or set AWS_VAULT_FILE_PASSPHRASE to it\n`);

    const noTerminal = await sandbox.run([BINARY, "keys", "import", "--from", "aws-vault", "-p", "frank", "--store", "file"], env);
    expect(noTerminal.exitCode).toBe(1);
    expect(noTerminal.stderr).toStartWith(`vegas-credentials: aws-vault (its file backend, ${folder}) asks for its passphrase, and nothing can ask here: set AWS_VAULT_FILE_PASSPHRASE (`);

    const run = await sandbox.inTerminal([BINARY, "keys", "import", "--from", "aws-vault", "--all", "--store", "file"], env);
    await run.waitForText("Passphrase of aws-vault's keys in", 20_000);
    await run.type(PASSPHRASE);
    await run.pressEnter();
    const typed = await run.done();
    expect(typed.stderr).toBe("");
    expect(typed.exitCode).toBe(0);
    expect(typed.stdout).toContain('for profile "dean" in the keys file');
    expect(typed.stdout).toContain('for profile "frank" in the keys file');
    expect(typed.screen).not.toContain(PASSPHRASE);
    // Without --remove-source aws-vault keeps its files.
    expect(readdirSync(folder).sort()).toEqual(["dean", "frank"]);
  }, 60_000);

  test("granted's file backend with no CF_KEYRING_FILE_PASSWORD is opened with an empty passphrase, as granted opens it; names from outside reach stdout without escapes", async () => {
    sandbox = sandboxWithout("[profile dev]\nregion = us-west-1\n");
    const folder = join(sandbox.home, "granted \u001b[31mkeys");
    mkdirSync(join(sandbox.home, ".granted"));
    writeFileSync(join(sandbox.home, ".granted", "config"), `[Keyring] # moved to files\n  Backend = "file"\n  FileDir = "${folder.replace("\u001b", "\\u001b")}"\n`);
    plantFile(folder, "dev", keyringItemJson("dev", awsCredentialsJson(DEAN)), "");
    const result = await sandbox.run([BINARY, "keys", "import", "--from", "granted", "--all", "--store", "file"], { VEGAS_CREDENTIALS_KEYS_PASSPHRASE: "our own passphrase" });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('for profile "dev" in the keys file');
    expect(result.stdout).toContain("granted keys");
    expect(result.stdout).not.toContain("\u001b");
  }, 60_000);

  test("granted with Backend = \"file\" in its config: its secure-storage folder and CF_KEYRING_FILE_PASSWORD", async () => {
    sandbox = sandboxWithout("[profile dev]\ncredential_process = /usr/local/bin/granted credential-process --profile dev\n");
    mkdirSync(join(sandbox.home, ".granted"));
    writeFileSync(join(sandbox.home, ".granted", "config"), 'DefaultBrowser = "STDOUT"\n\n[Keyring]\n  Backend = "file"\n');
    const folder = join(sandbox.home, ".granted", "secure-storage-aws-iam-credentials");
    plantFile(folder, "dev", keyringItemJson("dev", awsCredentialsJson(DEAN)), "granted's password");
    const result = await sandbox.run([BINARY, "keys", "import", "--from", "granted", "-p", "dev", "--store", "file"], { CF_KEYRING_FILE_PASSWORD: "granted's password", VEGAS_CREDENTIALS_KEYS_PASSPHRASE: "our own passphrase" });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(sandbox.home, ".aws", "config"), "utf8")).toBe("[profile dev]\nvegas_keys = file\n");
    expect(existsSync(join(folder, "dev"))).toBe(true);
  }, 60_000);
});
