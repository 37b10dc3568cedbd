/**
 * `serve` and `exec --server`: a container-credentials endpoint on 127.0.0.1 that boto3 and the JS SDK's
 * providers take the role from; requests without the token, with a wrong one, or under a foreign Host are
 * refused; credentials that run out while it serves are fetched again (a new code from vegas_mfa_process).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, PROMPT, Sandbox, ensureBinary, readmeConfig, startReadmeSts } from "../support/sandbox.ts";
import { ageCachedCredentials } from "../support/cacheAging.ts";
import type { StsDouble } from "../support/stsDouble.ts";
import { runInTerminal } from "../support/terminal.ts";

/** The AccessKeyId of a run that printed credentials. */
function succeededKey(result: { exitCode: number; stdout: string; stderr: string }): string {
  if (result.exitCode !== 0) throw new Error(`the run failed (exit ${result.exitCode}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as { AccessKeyId: string }).AccessKeyId;
}

/** A Python that has boto3 (the first on PATH, else Debian's, which .ci/run gives it). */
const PYTHON = ["python3", "/usr/bin/python3"].find((python) => Bun.spawnSync([python, "-c", "import boto3"]).exitCode === 0) ?? "python3";
const ROLE_SESSION_ARN = "arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands";
let sts: StsDouble;
let sandbox: Sandbox;

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
  sandbox = new Sandbox("");
  // A code per run, as a password manager's CLI gives one: refreshes need no person.
  const codes = join(sandbox.home, "next-code");
  // A code per run, slow when next-code.slow names seconds to wait.
  writeFileSync(codes, "#!/bin/sh\n[ -f \"$0.slow\" ] && sleep \"$(cat \"$0.slow\")\"\nn=$(cat \"$0.count\" 2>/dev/null || echo 300000)\nn=$((n + 1))\necho $n > \"$0.count\"\necho $n\n");
  chmodSync(codes, 0o755);
  sandbox.writeConfig(readmeConfig(`endpoint_url = ${sts.url}\n`).replace(`mfa_serial = ${MFA_SERIAL}\n`, `mfa_serial = ${MFA_SERIAL}\nvegas_mfa_process = ${codes}\n`));
});

afterAll(() => {
  sts?.stop();
  sandbox?.remove();
});

interface Serving {
  url: string;
  token: string;
  /** Everything printed on stdout before serving. */
  printed: string;
  /** SIGTERM, then what the run said and its exit code. */
  stop(): Promise<{ exitCode: number; stderr: string }>;
}

/** `serve` in the background, once it has printed its variables (bounded: 30 s). */
async function startServe(extra: string[] = []): Promise<Serving> {
  const child = Bun.spawn(["setsid", "--wait", BINARY, "serve", "--profile", "frank@concerts", ...extra], { env: sandbox.env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.getReader();
  let printed = "";
  const deadline = Date.now() + 30_000;
  while (!printed.includes("\nunset ") && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => undefined)]);
    if (chunk === undefined || chunk.done) break;
    printed += new TextDecoder().decode(chunk.value);
  }
  reader.releaseLock();
  const variable = (name: string) => new RegExp(`^export ${name}='([^']*)'$`, "m").exec(printed)?.[1];
  const url = variable("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  const token = variable("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  if (url === undefined || token === undefined) {
    child.kill();
    throw new Error(`serve printed no variables: ${printed} ${await stderr}`);
  }
  return {
    url,
    token,
    printed,
    stop: async () => {
      child.kill("SIGTERM");
      return { exitCode: await child.exited, stderr: await stderr };
    },
  };
}

/** The environment a shell gets by evaluating what serve printed. */
function servedEnv(serving: Serving): Record<string, string> {
  const result = Bun.spawnSync(["sh", "-c", `${serving.printed}\nenv`], { env: { ...sandbox.env, AWS_PROFILE: "frank@concerts", AWS_ACCESS_KEY_ID: "AKIASTALE" } });
  return Object.fromEntries(
    result.stdout
      .toString()
      .trimEnd()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

const BOTO3_CLIENT = `
import boto3, json, os, sys, time
session = boto3.Session(region_name="us-west-1")
keys = []
for pause in [float(arg) for arg in sys.argv[1:]] or [0]:
    time.sleep(pause)
    keys.append(session.get_credentials().get_frozen_credentials().access_key)
identity = session.client("sts", endpoint_url=os.environ["STS_URL"]).get_caller_identity()
print(json.dumps({"keys": keys, "arn": identity["Arn"], "method": session.get_credentials().method}))
`;

async function runPython(env: Record<string, string>, pauses: string[] = []): Promise<{ keys: string[]; arn: string; method: string }> {
  const child = Bun.spawn([PYTHON, "-c", BOTO3_CLIENT, ...pauses], { env: { ...env, STS_URL: sts.url }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (exitCode !== 0) throw new Error(`boto3 failed (${exitCode}): ${stderr}`);
  return JSON.parse(stdout);
}

/** An HTTP/1.1 GET written by hand, so the Host header is exactly `host`; the status code comes back. */
function rawGet(url: string, host: string, token?: string, patienceMs = 10_000, target = "/"): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${token === undefined ? "" : `Authorization: ${token}\r\n`}Connection: close\r\n\r\n`);
    });
    let answer = "";
    socket.setTimeout(patienceMs, () => socket.destroy(new Error("no answer")));
    socket.on("data", (data) => {
      answer += data.toString();
    });
    socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.on("error", reject);
  });
}

describe("serve", () => {
  test("boto3 and the JS SDK's container providers get the role from it; it refuses no token, a wrong one and a foreign Host", async () => {
    sts.setCredentialLifetime(undefined);
    const serving = await startServe();
    try {
      expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(serving.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const env = servedEnv(serving);
      expect(env.AWS_PROFILE).toBeUndefined();
      expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
      const boto3 = await runPython(env);
      expect(boto3.method).toBe("container-role");
      expect(boto3.arn).toBe(ROLE_SESSION_ARN);

      const js = Bun.spawnSync(
        [
          process.execPath,
          "-e",
          `const { fromHttp } = await import("@aws-sdk/credential-provider-http");
           const { fromContainerMetadata } = await import("@smithy/credential-provider-imds");
           const a = await fromHttp({})(); const b = await fromContainerMetadata()();
           console.log(JSON.stringify([a.accessKeyId, b.accessKeyId, a.expiration.toISOString()]));`,
        ],
        { env: { ...env, PATH: process.env.PATH ?? "" }, cwd: join(import.meta.dir, "../..") },
      );
      expect(js.stderr.toString()).toBe("");
      const [fromHttpKey, fromContainerKey] = JSON.parse(js.stdout.toString());
      expect(fromHttpKey).toBe(boto3.keys[0]);
      expect(fromContainerKey).toBe(boto3.keys[0]);

      expect(await rawGet(serving.url, new URL(serving.url).host)).toBe(401);
      expect(await rawGet(serving.url, new URL(serving.url).host)).toBe(401);
      expect(await rawGet(serving.url, new URL(serving.url).host, `${serving.token.slice(0, -1)}x`)).toBe(403);
      expect(await rawGet(serving.url, `attacker.example:${new URL(serving.url).port}`, serving.token)).toBe(403);
      expect(await rawGet(serving.url, `localhost:${new URL(serving.url).port}`, serving.token)).toBe(200);
      // An absolute-form target names the request's host itself (RFC 9112 §3.2.2): another host is refused, token or not.
      expect(await rawGet(serving.url, new URL(serving.url).host, serving.token, 10_000, "http://evil.example/")).toBe(403);
      const stopped = await serving.stop();
      expect(stopped.exitCode).toBe(0);
      // One line for the first refusal of each kind; the next ones of that kind within 10 s are counted, not told.
      expect(stopped.stderr.match(/refused a request for credentials/g)).toHaveLength(3);
      expect(stopped.stderr.match(/refused a request for credentials: no Authorization token/g)).toHaveLength(1);
      expect(stopped.stderr).toContain("refused a request for credentials: a wrong Authorization token");
      expect(stopped.stderr).toContain('refused a request for credentials: Host "attacker.example:');
      expect(stopped.stderr).not.toContain(serving.token);
    } finally {
      await serving.stop();
    }
  }, 60_000);

  test("credentials that run out while it serves are fetched again, with a new code, without a restart", async () => {
    // 302 s: fresh for the first 2 s only (a refresh is due with 300 s left); boto3 asks again each time.
    sts.setCredentialLifetime(302);
    expect((await sandbox.run([BINARY, "cache", "clean", "--credential"])).exitCode).toBe(0);
    const before = sts.count("AssumeRole");
    const serving = await startServe();
    try {
      const boto3 = await runPython(servedEnv(serving), ["0", "3"]);
      expect(new Set(boto3.keys).size).toBe(2);
      // serve's own first fetch, and at least one while it served (one more when boto3 started late).
      expect(sts.count("AssumeRole") - before).toBeGreaterThanOrEqual(2);
      expect(boto3.arn).toBe(ROLE_SESSION_ARN);
    } finally {
      const stopped = await serving.stop();
      expect(stopped.exitCode).toBe(0);
      sts.setCredentialLifetime(undefined);
    }
  }, 60_000);

  test("started on an empty cache, its first answer is the credentials it fetched (a client that does not retry gets them)", async () => {
    sts.setCredentialLifetime(undefined);
    expect((await sandbox.run([BINARY, "cache", "clean", "--credential"])).exitCode).toBe(0);
    const serving = await startServe();
    try {
      expect(await rawGet(serving.url, new URL(serving.url).host, serving.token)).toBe(200);
      expect(servedEnv(serving).AWS_REGION).toBe("us-west-1");
    } finally {
      const stopped = await serving.stop();
      expect(stopped.stderr).toEndWith(`vegas-credentials: serving the credentials of profile "frank@concerts" at ${serving.url} until Ctrl-C\n`);
      expect(stopped.stderr).not.toContain("warning");
    }
  }, 60_000);

  test("a refresh that fails while the credentials it has are still good: those are served, with one line, not a 503", async () => {
    sts.setCredentialLifetime(302);
    expect((await sandbox.run([BINARY, "cache", "clean", "--credential"])).exitCode).toBe(0);
    const serving = await startServe();
    try {
      const first = await runPython(servedEnv(serving));
      // Fresh for 2 s only: the next request refreshes, and STS says no.
      await Bun.sleep(2500);
      sts.failNext("AssumeRole", { status: 503, code: "ServiceUnavailable", message: "Service is unavailable" });
      const second = await runPython(servedEnv(serving));
      expect(second.keys).toEqual(first.keys);
      const stopped = await serving.stop();
      expect(stopped.stderr).toContain("could not refresh the credentials (");
      expect(stopped.stderr).toContain("the next try waits 30 s, then twice as long after each failure, up to 15 minutes");
    } finally {
      await serving.stop();
      sts.setCredentialLifetime(undefined);
    }
  }, 60_000);

  test("while a refresh waits for a code, a request gets the credentials held at once (the SDKs wait 1-2 s)", async () => {
    sts.setCredentialLifetime(undefined);
    expect((await sandbox.run([BINARY, "cache", "clean", "--credential"])).exitCode).toBe(0);
    const serving = await startServe();
    const slow = join(sandbox.home, "next-code.slow");
    try {
      const ask = (patienceMs: number) =>
        fetch(serving.url, { headers: { Authorization: serving.token }, signal: AbortSignal.timeout(patienceMs) }).then(async (response) => ({ status: response.status, key: ((await response.json()) as { AccessKeyId: string }).AccessKeyId }));
      const held = await ask(2_000);
      // The cached entry nears its end (a refresh is due); the code takes 4 s to come.
      await ageCachedCredentials(sandbox, "frank@concerts", 200);
      writeFileSync(slow, "4");
      const refreshing = ask(30_000);
      await Bun.sleep(500);
      const meanwhile = await ask(2_000);
      expect(meanwhile).toEqual(held);
      const refreshed = await refreshing;
      expect(refreshed.status).toBe(200);
      expect(refreshed.key).not.toBe(held.key);
    } finally {
      rmSync(slow, { force: true });
      await serving.stop();
    }
  }, 60_000);

  test("--port: that port, or one line when it is taken (before any MFA code is asked for)", async () => {
    expect((await sandbox.run([BINARY, "cache", "clean", "--credential"])).exitCode).toBe(0);
    const taken = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const result = await sandbox.run([BINARY, "serve", "--profile", "frank@concerts", "--port", String(taken.port)]);
      expect(result).toEqual({ exitCode: 2, stdout: "", stderr: `vegas-credentials: --port ${taken.port} is in use on 127.0.0.1: pick another port or leave --port out for a free one\n` });
      const bad = await sandbox.run([BINARY, "serve", "--profile", "frank@concerts", "--port", "http"]);
      expect(bad).toEqual({ exitCode: 2, stdout: "", stderr: 'vegas-credentials: serve --port: "http" is not a port (1-65535)\n' });
    } finally {
      taken.stop(true);
    }
  });
});

describe("exec --server", () => {
  test("a boto3 child gets the role from the server, with no keys in its environment, and its exit code comes back", async () => {
    const program = `${BOTO3_CLIENT}\nimport os\nassert "AWS_ACCESS_KEY_ID" not in os.environ\nassert os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"].startswith("http://127.0.0.1:")\nsys.exit(5)`;
    const result = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts", "--server", "--", PYTHON, "-c", program], { STS_URL: sts.url });
    expect(result.stderr).not.toContain("warning");
    expect(result.exitCode).toBe(5);
    const printed = JSON.parse(result.stdout);
    expect(printed.method).toBe("container-role");
    expect(printed.arn).toBe(ROLE_SESSION_ARN);
  });

  test("on an empty cache the child's first request is answered (no retry needed)", async () => {
    expect((await sandbox.run([BINARY, "cache", "clean", "--credential"])).exitCode).toBe(0);
    const program = `import os, urllib.request
request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
print(urllib.request.urlopen(request).status)`;
    const result = await sandbox.run([BINARY, "exec", "--profile", "frank@concerts", "--server", "--", PYTHON, "-c", program]);
    expect(result.stdout).toBe("200\n");
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain("warning");
  });

  test("--server after the command is the command's own argument", async () => {
    const result = await sandbox.run([BINARY, "exec", "-p", "frank@concerts", "printf", "[%s]", "a", "--server", "--help"]);
    expect(result).toEqual({ exitCode: 0, stdout: "[a][--server][--help]", stderr: "" });
  });

  test("inside it, assume for the same profile still finds the source profile's keys", async () => {
    const result = await sandbox.run([BINARY, "exec", "--server", "-p", "frank@concerts", "--", "sh", "-c", `${BINARY} cache clean --credential >/dev/null && ${BINARY} assume -p frank@concerts`]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).Version).toBe(1);
  });
});

describe("at a terminal", () => {
  test("exec --server: once the program has the terminal, a refresh asks no code there; the credentials held are served", async () => {
    const terminalSts = await startReadmeSts();
    const person = new Sandbox(readmeConfig(`endpoint_url = ${terminalSts.url}\n`));
    const child = `echo reading >&2; read line; ${PYTHON} -c 'import os, urllib.request, json
request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
print(json.load(urllib.request.urlopen(request))["AccessKeyId"])'`;
    const run = await runInTerminal([BINARY, "exec", "--profile", "frank@concerts", "--server", "--", "sh", "-c", child], { env: person.env, stdin: "terminal", stderr: "terminal" });
    try {
      await run.waitForText(PROMPT.trimEnd(), 30_000);
      await run.type("400101");
      await run.pressEnter();
      await run.waitForText("reading", 30_000);
      const first = succeededKey(await person.run([BINARY, "assume", "--profile", "frank@concerts"]));
      await ageCachedCredentials(person, "frank@concerts", 200);
      await run.type("go");
      await run.pressEnter();
      const result = await run.done(30_000);
      expect(result.stdout).toBe(`${first}\n`);
      expect(result.exitCode).toBe(0);
      expect(result.screen.split(PROMPT.trimEnd()).length - 1).toBe(1);
      expect(result.screen).toContain("could not refresh the credentials (");
      expect(result.screen).toContain("the terminal belongs to sh (exec --server)");
    } finally {
      await run.kill();
      await terminalSts.stop();
      person.remove();
    }
  }, 90_000);

  test("a run in the background of a job-control shell does not take the terminal (it would be stopped): one line", async () => {
    const terminalSts = await startReadmeSts();
    const person = new Sandbox(readmeConfig(`endpoint_url = ${terminalSts.url}\n`));
    const err = join(person.home, "err");
    const run = await runInTerminal(["bash", "--norc", "--noprofile", "-i"], { env: { ...person.env, PS1: "$ " }, stdin: "terminal", stdout: "terminal", stderr: "terminal" });
    try {
      await run.waitForText("$", 30_000);
      await run.type(`${BINARY} assume --profile frank@concerts >/dev/null 2>${err} & wait $!; echo "status=$?"`);
      await run.pressEnter();
      const screen = await run.waitForText(/status=\d+/, 30_000);
      expect(screen).not.toContain("Stopped");
      expect(screen).toMatch(/status=[1-9]/);
      expect(readFileSync(err, "utf8")).toContain("the terminal is another program's (this one runs in the background)");
    } finally {
      await run.kill();
      await terminalSts.stop();
      person.remove();
    }
  }, 60_000);

  test("asks for the first code on its terminal, and again there when a refresh needs one, while it serves", async () => {
    const terminalSts = await startReadmeSts();
    // 302 s: fresh for 2 s, then every request refreshes with a new code.
    terminalSts.setCredentialLifetime(302);
    const person = new Sandbox(readmeConfig(`endpoint_url = ${terminalSts.url}\n`));
    const run = await person.inTerminal([BINARY, "serve", "--profile", "frank@concerts"]);
    try {
      await run.waitForText(PROMPT.trimEnd(), 30_000);
      await run.type("400001");
      await run.pressEnter();
      await run.waitForText("serving the credentials of profile", 30_000);
      const printed = readFileSync(join(run.directory, "stdout"), "utf8");
      const url = /^export AWS_CONTAINER_CREDENTIALS_FULL_URI='([^']*)'$/m.exec(printed)?.[1] ?? "";
      const token = /^export AWS_CONTAINER_AUTHORIZATION_TOKEN='([^']*)'$/m.exec(printed)?.[1] ?? "";
      await Bun.sleep(2500);
      // A client with the patience to wait for the code (the SDKs' is 1-2 s: the server asks ahead of time for them).
      const answer = rawGet(url, new URL(url).host, token, 60_000);
      await run.waitForText(PROMPT.trimEnd(), 30_000);
      await run.type("400002");
      await run.pressEnter();
      expect(await answer).toBe(200);
      expect(terminalSts.count("AssumeRole")).toBe(2);
    } finally {
      await run.kill();
      await terminalSts.stop();
      person.remove();
    }
  }, 90_000);
});
