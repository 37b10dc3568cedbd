/**
 * The end-to-end smoke test every OS of the CI matrix runs (.github/workflows/test.yml), Linux's also in
 * test/e2e/smoke.test.ts: the compiled binary assumes the README's role against the STS double, the MFA code
 * coming from `vegas_mfa_process` (no terminal can be typed at there), then answers the same again from its
 * encrypted cache without asking STS. `bun test/support/smoke.ts [BINARY]` exits 0 or says what failed.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BINARY, MFA_SERIAL, ROLE_ARN, SOURCE_KEY as KEY } from "./sandbox.ts";
import { startStsDouble } from "./stsDouble.ts";
import { temporaryFolder } from "./temporaryFolder.ts";

/** A path as the config's word splitting takes it: forward slashes (Windows takes them), in double quotes. */
const word = (path: string) => `"${path.replace(/\\/g, "/")}"`;

async function smoke(binary: string): Promise<void> {
  const sts = await startStsDouble({ users: { [KEY.id]: { secretAccessKey: KEY.secret } }, mfa: "any", anyRole: { maxSessionDuration: 7200 } });
  const home = temporaryFolder("vegas-smoke-");
  try {
    const codeProgram = join(home, "code.js");
    writeFileSync(codeProgram, "console.log(String(100000 + Math.floor(Math.random() * 900000)));\n");
    writeFileSync(
      join(home, "config"),
      `[default]\nmfa_serial = ${MFA_SERIAL}\nvegas_mfa_process = ${word(process.execPath)} ${word(codeProgram)}\n\n` +
        `[profile frank@concerts]\ncredential_process = ${binary} assume --profile=frank@concerts\nvegas_role_arn = ${ROLE_ARN}\nvegas_source_profile = default\n` +
        `region = us-west-1\nduration_seconds = 3600\nrole_session_name = SinatraAtTheSands\nendpoint_url = ${sts.url}\n`,
    );
    writeFileSync(join(home, "credentials"), `[default]\naws_access_key_id = ${KEY.id}\naws_secret_access_key = ${KEY.secret}\n`);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: home,
      USERPROFILE: home,
      LOCALAPPDATA: home,
      XDG_CACHE_HOME: join(home, "cache"),
      XDG_STATE_HOME: join(home, "state"),
      AWS_CONFIG_FILE: join(home, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      ...(process.env.SYSTEMROOT ? { SYSTEMROOT: process.env.SYSTEMROOT } : {}),
    };
    const first = await assume(binary, env);
    const second = await assume(binary, env);
    if (second.AccessKeyId !== first.AccessKeyId) throw new Error("the second run did not answer from the cache");
    if (sts.count("AssumeRole") !== 1) throw new Error(`STS was asked ${sts.count("AssumeRole")} times, not once`);
    console.log(`smoke: ok (${process.platform}-${process.arch}): assumed ${ROLE_ARN}, then answered from the cache`);
  } finally {
    await sts.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

async function assume(binary: string, env: Record<string, string>): Promise<{ AccessKeyId: string }> {
  // Not spawnSync: the STS double answers on this very thread.
  const child = Bun.spawn([binary, "assume", "--profile", "frank@concerts"], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => child.kill(), 60_000);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(timer);
  if (exitCode !== 0) throw new Error(`assume exited ${exitCode}: ${stderr.trim()}`);
  const document = JSON.parse(stdout) as { Version?: number; AccessKeyId?: string; Expiration?: string };
  if (document.Version !== 1 || !document.AccessKeyId?.startsWith("ASIA") || !document.Expiration) throw new Error(`assume printed no credentials: ${stdout.slice(0, 200)}`);
  return { AccessKeyId: document.AccessKeyId };
}

const binary = resolve(process.argv[2] ?? BINARY);
await smoke(binary).catch((error: unknown) => {
  console.error(`smoke: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
