/**
 * `login`: the role's session traded for a console sign-in URL at a local stand-in of AWS's sign-in endpoint
 * (VEGAS_CREDENTIALS_SIGNIN_URL), printed with --stdout or handed to the browser opener on PATH. The URL is a
 * credential: never on stderr, never in the log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOG_FILE } from "../../src/log/runLog.ts";
import { type FederationDouble, startFederationDouble } from "../support/federationDouble.ts";
import { BINARY, ROLE_ARN, Sandbox, ensureBinary, readmeConfig, startReadmeSts, succeeded, zenityAnswering } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";

let sts: StsDouble;
let signin: FederationDouble;
let sandbox: Sandbox;
let document: ReturnType<typeof succeeded>;
let env: Record<string, string>;
const LOGIN = [BINARY, "login", "--profile", "frank@concerts"];

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
  signin = startFederationDouble(sts);
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`)).putFakesOnPath("zenity");
  sandbox.env.XDG_STATE_HOME = join(sandbox.home, ".state");
  env = { VEGAS_CREDENTIALS_SIGNIN_URL: signin.url };
  const first = await sandbox.run([BINARY, "assume", "--profile", "frank@concerts"], zenityAnswering(992_001));
  document = succeeded({ ...first, stderr: "" });
});

afterAll(() => {
  signin?.stop();
  sts?.stop();
  sandbox?.remove();
});

/** A browser opener (xdg-open) on PATH that writes its arguments to a file and exits `exitCode`. */
function fakeOpener(exitCode = 0): string {
  const bin = join(sandbox.home, "opener-bin");
  const record = join(sandbox.home, "opened");
  rmSync(record, { force: true });
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\necho "xdg-open: no method available for opening '$1'" >&2\nexit ${exitCode}\n`);
  chmodSync(join(bin, "xdg-open"), 0o755);
  return record;
}

function openerPath(): string {
  return `${join(sandbox.home, "opener-bin")}:${sandbox.env.PATH}`;
}

function expectNoSecretIn(text: string, url: string): void {
  const token = new URL(url).searchParams.get("SigninToken") ?? "-";
  for (const secret of [url, token, document.SecretAccessKey, document.SessionToken]) expect(text).not.toContain(secret);
}

describe("login", () => {
  test("--stdout: one sign-in URL for the role's own session, landing on the console of the profile's region", async () => {
    const before = signin.calls.length;
    const result = await sandbox.run([...LOGIN, "--stdout"], env);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const url = new URL(result.stdout.trimEnd());
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(`${url.origin}${url.pathname}`).toBe(`${signin.url}/federation`);
    expect(url.searchParams.get("Action")).toBe("login");
    expect(url.searchParams.get("Issuer")).toBe("vegas-credentials");
    expect(url.searchParams.get("Destination")).toBe("https://us-west-1.console.aws.amazon.com/console/home?region=us-west-1");
    // The request carried the session assume hands out (the cache), and nothing asked for a longer one.
    const tokenCall = signin.calls.slice(before).find((call) => call.action === "getSigninToken");
    expect(tokenCall?.session).toEqual({ sessionId: document.AccessKeyId, sessionKey: document.SecretAccessKey, sessionToken: document.SessionToken });
    expect(tokenCall?.params.SessionDuration).toBeUndefined();
    const token = url.searchParams.get("SigninToken") ?? "";
    expect(signin.tokens.get(token)).toBe("arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands");
    // The URL signs in: the stand-in takes it once.
    const page = await fetch(url);
    expect(await page.text()).toContain(`signed in as arn:aws:sts::222222222222:assumed-role/SingerRole`);
    const log = readFileSync(join(sandbox.home, ".state", "vegas-credentials", LOG_FILE), "utf8");
    expect(log).toContain("command=login");
    expectNoSecretIn(log, url.toString());
  });

  test("--region and --path choose where in the console to land", async () => {
    const result = await sandbox.run([...LOGIN, "--stdout", "--region", "eu-west-1", "--path", "/s3/home?bucket=x"], env);
    expect(result.exitCode).toBe(0);
    expect(new URL(result.stdout.trimEnd()).searchParams.get("Destination")).toBe("https://eu-west-1.console.aws.amazon.com/s3/home?bucket=x&region=eu-west-1");
  });

  test("without --stdout the browser opener gets the URL as one argument, and nothing is printed", async () => {
    const record = fakeOpener();
    const result = await sandbox.run(LOGIN, { ...env, PATH: openerPath() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("");
    const opened = readFileSync(record, "utf8").trimEnd();
    expect(opened.split("\n")).toHaveLength(1);
    expect(new URL(opened).searchParams.get("Action")).toBe("login");
    expect(result.stderr).toContain(`opened the AWS console as ${ROLE_ARN} (profile "frank@concerts", us-west-1)`);
    // The opener's complaint (which names the URL) is not passed on.
    expectNoSecretIn(result.stderr, opened);
  });

  test("when the opener fails the URL goes to stdout and stderr says why, without it", async () => {
    const record = fakeOpener(3);
    const result = await sandbox.run(LOGIN, { ...env, PATH: openerPath() });
    expect(result.exitCode).toBe(0);
    const url = result.stdout.trimEnd();
    expect(readFileSync(record, "utf8").trimEnd()).toBe(url);
    expect(result.stderr).toBe("vegas-credentials: warning: could not open a browser (xdg-open exited with 3): the sign-in URL is on stdout; it signs in whoever opens it, for the next 15 minutes\n");
  });

  test("no opener installed: the URL on stdout", async () => {
    // A PATH with setsid (which runs the binary) and nothing else.
    const bare = join(sandbox.home, "bare-bin");
    mkdirSync(bare, { recursive: true });
    symlinkSync(Bun.which("setsid") ?? "/usr/bin/setsid", join(bare, "setsid"));
    const result = await sandbox.run(LOGIN, { ...env, PATH: bare });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toStartWith(`${signin.url}/federation?Action=login&`);
    expect(result.stderr).toContain("could not open a browser (xdg-open is not installed)");
  });

  test("an endpoint that refuses the session: one line, exit 1, nothing on stdout", async () => {
    // Another STS double issued nothing: the stand-in in front of it knows no session.
    const stranger = await startReadmeSts();
    const strict = startFederationDouble(stranger);
    try {
      const result = await sandbox.run([...LOGIN, "--stdout"], { VEGAS_CREDENTIALS_SIGNIN_URL: strict.url });
      expect(result).toEqual({
        exitCode: 1,
        stdout: "",
        stderr: `vegas-credentials: login for profile "frank@concerts": ${strict.url} refused the role's session (HTTP 400): the credentials are not a role's session, or they have expired\n`,
      });
    } finally {
      strict.stop();
      stranger.stop();
    }
  });

  test("an endpoint that never answers ends the run with one line", async () => {
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const result = await sandbox.run([...LOGIN, "--stdout"], { VEGAS_CREDENTIALS_SIGNIN_URL: `http://127.0.0.1:${silent.port}` });
      expect(result).toEqual({ exitCode: 1, stdout: "", stderr: `vegas-credentials: login for profile "frank@concerts": http://127.0.0.1:${silent.port} did not answer within 15 s\n` });
    } finally {
      silent.stop(true);
    }
  }, 30_000);

  test("a broken answer (bad chunked encoding) and an endless one: one line, never the session", async () => {
    const broken = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(socket) {
          socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
          socket.end();
        },
      },
    });
    const endless = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response(new ReadableStream({ pull: (controller) => controller.enqueue(new Uint8Array(1 << 20).fill(0x20)) }), { headers: { "Content-Type": "application/json" } }),
    });
    try {
      for (const origin of [`http://127.0.0.1:${broken.port}`, `http://127.0.0.1:${endless.port}`]) {
        const result = await sandbox.run([...LOGIN, "--stdout"], { VEGAS_CREDENTIALS_SIGNIN_URL: origin });
        expect(result.exitCode).toBe(1);
        expect(result.stdout).toBe("");
        expect(result.stderr).toStartWith(`vegas-credentials: login for profile "frank@concerts": `);
        expect(result.stderr.split("\n")).toHaveLength(2);
        for (const secret of [document.SecretAccessKey, document.SessionToken.slice(0, 40), encodeURIComponent(document.SecretAccessKey), "sessionKey"]) expect(result.stderr).not.toContain(secret);
      }
    } finally {
      broken.stop(true);
      endless.stop(true);
    }
  });

  test("a --region that is no region is refused before any MFA code is asked for", async () => {
    expect((await sandbox.run([BINARY, "cache", "clean", "--credential"])).exitCode).toBe(0);
    const result = await sandbox.run([...LOGIN, "--stdout", "--region", "us-east-1 "], env);
    expect(result).toEqual({ exitCode: 2, stdout: "", stderr: 'vegas-credentials: login --region: "us-east-1 " is not a region, like us-east-1\n' });
    const refilled = await sandbox.run([BINARY, "assume", "--profile", "frank@concerts"], zenityAnswering(992_002));
    document = succeeded({ ...refilled, stderr: "" });
  });

  test.each([
    [["--path", "//evil.example/x"], 'login --path: "//evil.example/x" is not a path in the console: give one like /s3/home or /ec2/home#Instances'],
    [["--region", "cn-north-1"], 'login --region: "cn-north-1" is not a region of the aws partition of profile "frank@concerts" (like us-east-1)'],
  ])("bad input %p: one line, exit 2, no request for a token", async (extra, message) => {
    const before = signin.calls.length;
    const result = await sandbox.run([...LOGIN, "--stdout", ...extra], env);
    expect(result).toEqual({ exitCode: 2, stdout: "", stderr: `vegas-credentials: ${message}\n` });
    expect(signin.calls.length).toBe(before);
  });

  test.each([
    ["http://signin.example.com", "must be https (plain http only to this machine): the role's session is sent there"],
    ["https://signin.example.com/federation", "must be only a scheme and host (the /federation path is added), like https://signin.example.com"],
    ["signin", "is not a URL: give a scheme and host, like https://signin.example.com"],
  ])("VEGAS_CREDENTIALS_SIGNIN_URL=%s is refused before anything is sent", async (value, why) => {
    const result = await sandbox.run([...LOGIN, "--stdout"], { VEGAS_CREDENTIALS_SIGNIN_URL: value });
    expect(result).toEqual({ exitCode: 2, stdout: "", stderr: `vegas-credentials: VEGAS_CREDENTIALS_SIGNIN_URL="${value}" ${why}\n` });
  });
});
