/**
 * `keys rotate` against moto_server's IAM and STS: a new key made (through a 15-minute MFA session), taken by
 * STS, stored where the old one was, then the old one deleted. Each failure (CreateAccessKey denied, the
 * two-key limit, a new key STS never takes) leaves the old key stored and working, and no new key behind.
 */
import { afterAll, afterEach, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { faultInFrontOf } from "../support/awsFault.ts";
import { countingCodeProgram, withCodeProgram } from "../support/codeProgram.ts";
import { motoForThisFile } from "../support/motoServer.ts";
import { BINARY, Sandbox, readmeConfig } from "../support/sandbox.ts";
import { type StsDouble, startStsDouble } from "../support/stsDouble.ts";

const moto = motoForThisFile();
const PASSPHRASE = "a passphrase of the rotation test";
let sandbox: Sandbox;
let userCount = 0;
let sts: StsDouble | undefined;
afterAll(() => sts?.stop());
afterEach(() => sandbox?.remove());

interface Key {
  AccessKeyId: string;
  SecretAccessKey: string;
}

/** The AWS CLI against moto, as an administrator would run it. */
function iam(...args: string[]): { AccessKey?: Key; AccessKeyMetadata?: { AccessKeyId: string }[] } {
  const run = Bun.spawnSync(["aws", "iam", ...args, "--output", "json"], {
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", AWS_ACCESS_KEY_ID: "AKIAADMINADMINADMIN1", AWS_SECRET_ACCESS_KEY: "admin", AWS_DEFAULT_REGION: "us-east-1", AWS_ENDPOINT_URL: moto.url, AWS_PAGER: "" },
    timeout: 30_000,
  });
  if (run.exitCode !== 0) throw new Error(`aws iam ${args.join(" ")}: ${run.stderr.toString()}`);
  const out = run.stdout.toString();
  return out.trim() === "" ? {} : JSON.parse(out);
}

/** A fresh IAM user in moto with one key; the sandbox's [default] uses it, its MFA code from a program. */
function userWithKey(where: "file" | "credentials"): { user: string; key: Key } {
  const user = `Frank${++userCount}`;
  iam("create-user", "--user-name", user);
  const key = iam("create-access-key", "--user-name", user).AccessKey as Key;
  sandbox = new Sandbox(readmeConfig());
  const program = countingCodeProgram(sandbox, 700_000);
  sandbox.writeConfig(withCodeProgram(readmeConfig(), program, where === "file" ? "vegas_keys = file\n" : ""));
  writeFileSync(join(sandbox.home, ".aws", "credentials"), where === "credentials" ? `[default]\naws_access_key_id = ${key.AccessKeyId}\naws_secret_access_key = ${key.SecretAccessKey}\n# kept\n` : "");
  Object.assign(sandbox.env, { AWS_ENDPOINT_URL_STS: moto.url, AWS_ENDPOINT_URL_IAM: moto.url, VEGAS_CREDENTIALS_KEYS_PASSPHRASE: PASSPHRASE, XDG_STATE_HOME: join(sandbox.home, "state") });
  return { user, key };
}

async function addToFile(key: Key): Promise<void> {
  const child = Bun.spawn(["setsid", "--wait", BINARY, "keys", "add", "-p", "default", "--stdin", "--store", "file"], { env: sandbox.env, stdin: new TextEncoder().encode(`${key.AccessKeyId}\n${key.SecretAccessKey}\n`), stdout: "pipe", stderr: "pipe" });
  const [stderr, exitCode] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  if (exitCode !== 0) throw new Error(`keys add failed: ${stderr}`);
}

/** The one line the MFA code program's run leaves on stderr. */
const codeNotice = () => `vegas-credentials: MFA code for arn:aws:iam::111111111111:mfa/FrankSinatra (default): it comes from ${join(sandbox.home, "otp")}\n`;
const keyIds = (user: string) => (iam("list-access-keys", "--user-name", user).AccessKeyMetadata ?? []).map((key) => key.AccessKeyId).sort();
const masked = (id: string) => `${id.slice(0, 4)}…${id.slice(-4)}`;
const listed = async () => JSON.parse((await sandbox.run([BINARY, "keys", "list", "--json"])).stdout) as { keyId: string }[];

test("a key in the sealed file: the new one made, taken, stored; the old one deleted", async () => {
  const { user, key } = userWithKey("file");
  await addToFile(key);
  const rotated = await sandbox.run([BINARY, "keys", "rotate", "-p", "default"]);
  expect(rotated.stderr).toBe(codeNotice());
  expect(rotated.exitCode).toBe(0);
  const now = keyIds(user);
  expect(now).toHaveLength(1);
  expect(now[0]).not.toBe(key.AccessKeyId);
  expect(rotated.stdout).toBe(`Rotated the access key of profile "default" (IAM user ${user}): ${masked(key.AccessKeyId)} deleted, ${masked(now[0] ?? "")} stored in the keys file ${join(sandbox.home, "state", "vegas-credentials", "keys.sealed")} and working.\n`);
  expect((await listed()).map((row) => row.keyId)).toEqual([masked(now[0] ?? "")]);
  // The role is assumed with the new key.
  const assumed = await sandbox.run([BINARY, "assume", "--profile=frank@concerts"]);
  expect(assumed.exitCode).toBe(0);
  for (const output of [rotated, assumed]) expect(output.stderr).not.toContain(key.SecretAccessKey);
  // The old secret is in no file the runs left, the new one only sealed.
  const fresh = (await sandbox.run([BINARY, "export", "-p", "frank@concerts", "--format", "json"])).exitCode;
  expect(fresh).toBe(0);
  for (const entry of readdirSync(sandbox.home, { recursive: true, withFileTypes: true }).filter((each) => each.isFile())) {
    expect(`${entry.name}: ${readFileSync(join(entry.parentPath, entry.name)).includes(key.SecretAccessKey)}`).toBe(`${entry.name}: false`);
  }
});

test("a key in the credentials file: its two values replaced in place, every other byte kept", async () => {
  const { user, key } = userWithKey("credentials");
  const path = join(sandbox.home, ".aws", "credentials");
  const before = readFileSync(path, "utf8");
  const rotated = await sandbox.run([BINARY, "keys", "rotate", "-p", "default"]);
  expect(rotated.stderr).toBe(codeNotice());
  const [fresh] = keyIds(user);
  expect(fresh).not.toBe(key.AccessKeyId);
  const after = readFileSync(path, "utf8");
  const newSecret = /aws_secret_access_key = (.+)\n/.exec(after)?.[1] ?? "";
  expect(after).toBe(before.replace(key.AccessKeyId, fresh ?? "").replace(key.SecretAccessKey, newSecret));
  expect(newSecret).not.toBe(key.SecretAccessKey);
});

test("IAM's two-key limit: one line, nothing changed", async () => {
  const { user, key } = userWithKey("file");
  await addToFile(key);
  iam("create-access-key", "--user-name", user);
  const before = keyIds(user);
  const rotated = await sandbox.run([BINARY, "keys", "rotate", "-p", "default"]);
  expect(rotated.exitCode).toBe(1);
  expect(rotated.stdout).toBe("");
  expect(rotated.stderr).toBe(`${codeNotice()}vegas-credentials: profile "default": IAM user ${user} already has two access keys, IAM's limit: delete the one not in use (aws iam list-access-keys --user-name ${user}), then rotate again; nothing was changed\n`);
  expect(keyIds(user)).toEqual(before);
  expect((await listed()).map((row) => row.keyId)).toEqual([masked(key.AccessKeyId)]);
});

test("CreateAccessKey denied by policy: one line, the old key stays", async () => {
  const { user, key } = userWithKey("file");
  await addToFile(key);
  const denying = faultInFrontOf(moto.url, "CreateAccessKey", { status: 403, code: "AccessDenied", message: `User: arn:aws:iam::123456789012:user/${user} is not authorized to perform: iam:CreateAccessKey on resource: user ${user}` });
  try {
    const rotated = await sandbox.run([BINARY, "keys", "rotate", "-p", "default"], { AWS_ENDPOINT_URL_IAM: denying.url });
    expect(rotated.exitCode).toBe(1);
    expect(rotated.stderr).toBe(`${codeNotice()}vegas-credentials: profile "default": IAM refused to make a new key (AccessDenied: User: arn:aws:iam::123456789012:user/${user} is not authorized to perform: iam:CreateAccessKey on resource: user ${user}): your policy must allow iam:CreateAccessKey and iam:DeleteAccessKey on your own user; nothing was changed\n`);
    expect(denying.seen).toEqual(["CreateAccessKey"]);
  } finally {
    await denying.stop();
  }
  expect(keyIds(user)).toEqual([key.AccessKeyId]);
  expect((await listed()).map((row) => row.keyId)).toEqual([masked(key.AccessKeyId)]);
});

test("IAM deletes the old key but its answer is lost (a 500): IAM's list says it is gone, and the new key stays", async () => {
  const { user, key } = userWithKey("file");
  await addToFile(key);
  const losing = faultInFrontOf(moto.url, "DeleteAccessKey", { status: 500, code: "ServiceFailure", message: "internal error", after: true });
  let rotated: Awaited<ReturnType<Sandbox["run"]>>;
  try {
    rotated = await sandbox.run([BINARY, "keys", "rotate", "-p", "default"], { AWS_ENDPOINT_URL_IAM: losing.url });
    expect(losing.seen).toEqual(["CreateAccessKey", "DeleteAccessKey", "ListAccessKeys"]);
  } finally {
    await losing.stop();
  }
  expect(rotated.stderr).toBe(codeNotice());
  expect(rotated.exitCode).toBe(0);
  const now = keyIds(user);
  expect(now).toHaveLength(1);
  expect(now[0]).not.toBe(key.AccessKeyId);
  expect((await listed()).map((row) => row.keyId)).toEqual([masked(now[0] ?? "")]);
});

test("IAM refuses to delete the old key (a 403): the old key is stored again and the new one deleted", async () => {
  const { user, key } = userWithKey("file");
  await addToFile(key);
  const refusing = faultInFrontOf(moto.url, "DeleteAccessKey", { status: 403, code: "AccessDenied", message: "not authorized to perform: iam:DeleteAccessKey", times: 1 });
  let rotated: Awaited<ReturnType<Sandbox["run"]>>;
  try {
    rotated = await sandbox.run([BINARY, "keys", "rotate", "-p", "default"], { AWS_ENDPOINT_URL_IAM: refusing.url });
  } finally {
    await refusing.stop();
  }
  expect(rotated.exitCode).toBe(1);
  expect(rotated.stderr.replace(codeNotice(), "")).toMatch(new RegExp(`^vegas-credentials: profile "default": IAM would not delete the old key \\(AccessDenied: not authorized to perform: iam:DeleteAccessKey\\); the old key ${masked(key.AccessKeyId)} stays stored and working, and the new key AKIA…\\w{4} was deleted again\\n$`));
  expect(keyIds(user)).toEqual([key.AccessKeyId]);
  expect((await listed()).map((row) => row.keyId)).toEqual([masked(key.AccessKeyId)]);
  // The old key still signs: the role is assumed with it.
  expect((await sandbox.run([BINARY, "assume", "--profile=frank@concerts"])).exitCode).toBe(0);
});

test("a new key STS never takes (30 s): deleted again, the old key stays stored and working", async () => {
  const { user, key } = userWithKey("file");
  // An STS that knows only the old key: the new one is never taken.
  sts = await startStsDouble({ users: { [key.AccessKeyId]: { secretAccessKey: key.SecretAccessKey, arn: `arn:aws:iam::123456789012:user/${user}` } }, mfa: "any" });
  sandbox.env.AWS_ENDPOINT_URL_STS = sts.url;
  await addToFile(key);
  const rotated = await sandbox.run([BINARY, "keys", "rotate", "-p", "default"]);
  expect(rotated.exitCode).toBe(1);
  expect(rotated.stderr.replace(codeNotice(), "")).toMatch(new RegExp(`^vegas-credentials: profile "default": STS did not take the new key within 30 s; the old key ${masked(key.AccessKeyId)} stays stored and working, and the new key AKIA…\\w{4} was deleted again\\n$`));
  expect(keyIds(user)).toEqual([key.AccessKeyId]);
  expect((await listed()).map((row) => row.keyId)).toEqual([masked(key.AccessKeyId)]);
  const calls = sts.calls.filter((call) => call.action === "GetCallerIdentity" && call.accessKeyId !== key.AccessKeyId);
  expect(calls.length).toBeGreaterThanOrEqual(10);
  expect(calls.length).toBeLessThanOrEqual(16);
}, 60_000);
