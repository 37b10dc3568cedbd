/**
 * The network as it is: an STS that takes the connection and never answers, proxies that are the only way
 * out (absolute-form for http, CONNECT for https, to host names that resolve nowhere else), a private CA.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, } from "node:fs";
import { join } from "node:path";
import { type ForwardProxy, startForwardProxy } from "../support/forwardProxy.ts";
import { BINARY, ROLE_ARN, Sandbox, SOURCE_KEY, credentialDocument, ensureBinary, readmeConfig, startReadmeSts, zenityAnswering } from "../support/sandbox.ts";
import { type StsDouble, startStsDouble } from "../support/stsDouble.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const ASSUME = [BINARY, "assume", "--profile", "frank@concerts"];
/** A name no resolver knows: only the proxy can reach it. */
const HIDDEN_HOST = "sts.vegas-test.invalid";
const work = temporaryFolder("vegas-network-");
let sts: StsDouble;
let sandbox: Sandbox;
let nextCode = 610_000;

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
});

afterAll(() => {
  sts?.stop();
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => sandbox?.remove());

function newSandbox(endpoint: string): Sandbox {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${endpoint}\n`)).putFakesOnPath("zenity");
  return sandbox;
}

const withCode = () => zenityAnswering(nextCode++);
const failureLine = (stderr: string) => stderr.split("\n").filter((line) => line !== "" && !/: in the dialog$/.test(line));

describe("an STS that never answers", () => {
  test("the run ends with one line naming the endpoint well inside Terraform's minute, and a run waiting for it ends too", async () => {
    const hanging = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const endpoint = `http://127.0.0.1:${hanging.port}`;
      newSandbox(endpoint);
      const started = Date.now();
      const first = sandbox.run(ASSUME, withCode());
      await Bun.sleep(300);
      // Waits on the first run's lock (same MFA device), then takes its line instead of asking again.
      const waiter = sandbox.run(ASSUME, withCode());
      const [asked, waited] = await Promise.all([first, waiter]);
      const seconds = (Date.now() - started) / 1000;
      expect(asked.exitCode).toBe(1);
      expect(asked.stdout).toBe("");
      expect(failureLine(asked.stderr)).toEqual([`vegas-credentials: profile "frank@concerts": STS at ${endpoint} did not answer within 18 s: check your network, proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), region and endpoint_url`]);
      expect(waited.exitCode).toBe(1);
      expect(failureLine(waited.stderr).at(-1)).toBe(`${failureLine(asked.stderr)[0]} (the failure of another run 0 s ago, which this run waited for: run the command again to retry now)`.replace(" 0 s ago", ` ${/another run (\d+) s ago/.exec(waited.stderr)?.[1]} s ago`));
      expect(seconds).toBeLessThan(45);
    } finally {
      hanging.stop(true);
    }
  }, 60_000);
});

describe("proxies, as botocore uses them", () => {
  let proxy: ForwardProxy;
  let tlsSts: StsDouble;
  const caFile = join(work, "ca.pem");

  beforeAll(async () => {
    const keyFile = join(work, "key.pem");
    const made = Bun.spawnSync(
      ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", caFile, "-days", "2", "-subj", `/CN=${HIDDEN_HOST}`, "-addext", `subjectAltName=DNS:${HIDDEN_HOST}`],
      { stdout: "ignore", stderr: "pipe" },
    );
    if (made.exitCode !== 0) throw new Error(`openssl: ${made.stderr.toString()}`);
    tlsSts = await startStsDouble({
      users: { [SOURCE_KEY.id]: { secretAccessKey: SOURCE_KEY.secret, arn: "arn:aws:iam::111111111111:user/FrankSinatra" } },
      mfa: "any",
      roles: { [ROLE_ARN]: { maxSessionDuration: 7200, externalId: "0093624694724" } },
      tls: { cert: readFileSync(caFile, "utf8"), key: readFileSync(keyFile, "utf8") },
    });
    proxy = await startForwardProxy({ [`${HIDDEN_HOST}:80`]: Number(new URL(sts.url).port), [`${HIDDEN_HOST}:443`]: Number(new URL(tlsSts.url).port) });
  });

  afterAll(() => {
    proxy?.stop();
    tlsSts?.stop();
  });

  test("http endpoint through HTTP_PROXY: the request goes in absolute form to the proxy", async () => {
    newSandbox(`http://${HIDDEN_HOST}`);
    const before = proxy.requests.length;
    const result = await sandbox.run(ASSUME, { ...withCode(), HTTP_PROXY: proxy.url });
    expect(failureLine(result.stderr)).toEqual([]);
    expect(result.exitCode).toBe(0);
    credentialDocument(result.stdout);
    expect(proxy.requests.slice(before)).toEqual([`POST http://${HIDDEN_HOST}/ HTTP/1.1`]);
  });

  test("with an MFA session both calls (GetSessionToken, then AssumeRole signed by the session) go through the proxy", async () => {
    newSandbox(`http://${HIDDEN_HOST}`);
    sandbox.writeConfig(readmeConfig(`endpoint_url = http://${HIDDEN_HOST}\n`).replace("[default]\n", "[default]\nvegas_mfa_session = true\n"));
    const before = { requests: proxy.requests.length, sessions: sts.count("GetSessionToken"), roles: sts.count("AssumeRole") };
    const result = await sandbox.run(ASSUME, { ...withCode(), http_proxy: proxy.url });
    expect(failureLine(result.stderr)).toEqual([]);
    expect(result.exitCode).toBe(0);
    // The host resolves nowhere: both calls reached STS through the proxy (on one kept-alive connection).
    expect(proxy.requests[before.requests]).toBe(`POST http://${HIDDEN_HOST}/ HTTP/1.1`);
    expect([sts.count("GetSessionToken"), sts.count("AssumeRole")]).toEqual([before.sessions + 1, before.roles + 1]);
  });

  test("https endpoint through https_proxy (lower case): a CONNECT tunnel, the endpoint's certificate checked against AWS_CA_BUNDLE", async () => {
    newSandbox(`https://${HIDDEN_HOST}`);
    const before = proxy.requests.length;
    const result = await sandbox.run(ASSUME, { ...withCode(), https_proxy: proxy.url, AWS_CA_BUNDLE: caFile });
    expect(failureLine(result.stderr)).toEqual([]);
    expect(result.exitCode).toBe(0);
    credentialDocument(result.stdout);
    expect(proxy.requests.slice(before)).toEqual([`CONNECT ${HIDDEN_HOST}:443 HTTP/1.1`]);
    expect(tlsSts.count("AssumeRole")).toBe(1);
  });

  test("NO_PROXY names the host: no proxy, so the name that resolves nowhere is one line", async () => {
    newSandbox(`http://${HIDDEN_HOST}`);
    const before = proxy.requests.length;
    const result = await sandbox.run(ASSUME, { ...withCode(), HTTP_PROXY: proxy.url, NO_PROXY: `example.com,.vegas-test.invalid` });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(failureLine(result.stderr)).toHaveLength(1);
    expect(failureLine(result.stderr)[0]).toStartWith(`vegas-credentials: profile "frank@concerts": cannot reach STS at http://${HIDDEN_HOST}`);
    expect(proxy.requests.length).toBe(before);
  });

  test("an AWS_CA_BUNDLE that cannot be read is one line naming it, before any code is asked for", async () => {
    newSandbox(`https://${HIDDEN_HOST}`);
    const result = await sandbox.run(ASSUME, { https_proxy: proxy.url, AWS_CA_BUNDLE: join(work, "missing.pem") });
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`vegas-credentials: cannot read AWS_CA_BUNDLE ${join(work, "missing.pem")}: ENOENT\n`);
  });
});
