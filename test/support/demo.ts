/**
 * `npm run demo`: vegas-credentials end to end with no AWS account. Builds the binary, starts the local
 * STS stand-in the tests use, writes a throwaway AWS config, asks you for an MFA code (any 6 digits) at the
 * real prompt, prints the credential JSON, then shows the second call answered from the cache.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const binary = join(root, "dist", process.platform === "win32" ? "vegas-credentials.exe" : "vegas-credentials");
const keys = { id: "AKIADEMODEMODEMO1234", secret: "demo-secret-key-not-a-real-one-0000000000" };

async function main(): Promise<number> {
  say("1. Building the binary (bun run build.ts)");
  await run([process.execPath, "run", join(root, "build.ts")], { cwd: root });

  say("2. Starting the local STS stand-in (test/support/stsDouble.ts)");
  const sts = Bun.spawn([process.execPath, join(root, "test/support/stsDouble.ts"), "--port", "0", "--access-key-id", keys.id, "--secret-access-key", keys.secret], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const stsLog: string[] = [];
  collectLines(sts.stderr, stsLog);
  const url = await firstLine(sts.stdout);
  console.log(`   ${url}`);

  const home = mkdtempSync(join(tmpdir(), "vegas-demo-"));
  try {
    const env = writeThrowawayConfig(home, url.replace(/^listening /, ""));
    say(`3. A throwaway AWS config in ${home}/.aws/config:`);
    console.log((await Bun.file(env.AWS_CONFIG_FILE).text()).replace(/^/gm, "   "));

    say("4. First call: nothing is cached, so it asks for an MFA code. Type any 6 digits.");
    const first = await timed(() => run([binary, "assume", "--profile", "frank@concerts"], { env, stdout: "pipe" }));
    console.log(`   ${first.value}`);
    console.log(`   took ${first.ms.toFixed(0)} ms (including your typing), STS AssumeRole calls so far: ${countCalls(stsLog)}`);

    say("5. Second call: answered from the encrypted cache, no prompt, no STS call.");
    const second = await timed(() => run([binary, "assume", "--profile", "frank@concerts"], { env, stdout: "pipe" }));
    console.log(`   ${second.value}`);
    console.log(`   took ${second.ms.toFixed(1)} ms, STS AssumeRole calls so far: ${countCalls(stsLog)}`);
    console.log(`   same credentials: ${first.value === second.value ? "yes" : "no"}`);

    say(`6. The cache (${env.XDG_CACHE_HOME}/vegas-credentials): file names say nothing, contents are sealed.`);
    const listing = await run(["ls", "-l", join(env.XDG_CACHE_HOME, "vegas-credentials")], { stdout: "pipe" }).catch(() => "(ls not available)");
    console.log(listing.replace(/^/gm, "   "));
    const aws = Bun.which("aws", { PATH: process.env.PATH ?? "" });
    if (aws === null) {
      say("7. (The AWS CLI is not installed: with it, `aws sts get-caller-identity --profile frank@concerts` would answer as the role.)");
    } else {
      say("7. The AWS CLI through the profile, as in your own setup: aws sts get-caller-identity --profile frank@concerts");
      // --endpoint-url: Debian's AWS CLI v2 ignores the profile's endpoint_url and AWS_ENDPOINT_URL_STS.
      const identity = await run([aws, "sts", "get-caller-identity", "--profile", "frank@concerts", "--endpoint-url", url.replace(/^listening /, ""), "--output", "json"], { env, stdout: "pipe" });
      console.log(identity.replace(/^/gm, "   "));
    }
    say("Done. Put `credential_process = vegas-credentials assume --profile=NAME` in your own profiles.");
    return 0;
  } catch (error) {
    console.error(`demo failed: ${(error as Error).message}`);
    return 1;
  } finally {
    sts.kill();
    rmSync(home, { recursive: true, force: true });
  }
}

function writeThrowawayConfig(home: string, stsUrl: string) {
  const config = join(home, ".aws", "config");
  const credentials = join(home, ".aws", "credentials");
  Bun.spawnSync(["mkdir", "-p", join(home, ".aws")]);
  writeFileSync(
    config,
    `[default]
mfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra

[profile frank@concerts]
credential_process = ${binary} assume --profile=frank@concerts
vegas_role_arn = arn:aws:iam::222222222222:role/SingerRole
vegas_source_profile = default
region = us-west-1
duration_seconds = 4383
role_session_name = SinatraAtTheSands
external_id = 0093624694724
endpoint_url = ${stsUrl}
`,
  );
  writeFileSync(credentials, `[default]\naws_access_key_id = ${keys.id}\naws_secret_access_key = ${keys.secret}\n`);
  return {
    ...(process.env as Record<string, string>),
    HOME: home,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    XDG_CACHE_HOME: join(home, ".cache"),
  };
}

async function run(command: string[], options: { cwd?: string; env?: Record<string, string>; stdout?: "pipe" }): Promise<string> {
  const child = Bun.spawn(command, { cwd: options.cwd, env: options.env, stdin: "inherit", stdout: options.stdout ?? "inherit", stderr: "inherit" });
  const output = options.stdout === "pipe" ? await new Response(child.stdout as ReadableStream).text() : "";
  if ((await child.exited) !== 0) throw new Error(`${command.join(" ")} exited with ${child.exitCode}`);
  return output.trimEnd();
}

async function timed<T>(action: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await action();
  return { value, ms: performance.now() - started };
}

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the STS stand-in stopped before it listened");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text.split("\n")[0] ?? "";
}

function collectLines(stream: ReadableStream<Uint8Array>, lines: string[]): void {
  (async () => {
    for await (const chunk of stream) lines.push(...new TextDecoder().decode(chunk).split("\n").filter(Boolean));
  })();
}

function countCalls(log: string[]): number {
  return log.filter((line) => /AssumeRole/.test(line) && !/error|denied|fail/i.test(line)).length;
}

function say(text: string): void {
  console.log(`\n${text}`);
}

main().then((code) => process.exit(code));
