/**
 * What is not STS speaking gets one line naming the endpoint and the HTTP status (an HTML error page, a
 * redirect, cut-off XML, a captive portal, an empty body), and a source profile the helper cannot get
 * credentials from gets the advice that fits it (SSO, a role of its own, an unreadable credentials file).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, Sandbox, ensureBinary, readmeConfig, SOURCE_KEY, zenityAnswering } from "../support/sandbox.ts";

const ASSUME = [BINARY, "assume", "--profile", "frank@concerts"];
let sandbox: Sandbox;
let nextCode = 810_000;
let answer: () => Response = () => new Response("", { status: 500 });
const redirected: string[] = [];
const odd = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (request) => {
    if (new URL(request.url).pathname === "/elsewhere") redirected.push(request.url);
    return answer();
  },
});

beforeAll(() => ensureBinary());

afterAll(() => odd?.stop(true));
afterEach(() => sandbox?.remove());

function newSandbox(config: string): Sandbox {
  sandbox = new Sandbox(config).putFakesOnPath("zenity");
  return sandbox;
}

const withCode = () => zenityAnswering(nextCode++);
const failure = (stderr: string) => stderr.split("\n").filter((line) => line !== "" && !/: in the dialog$/.test(line));

describe("answers that are not STS's", () => {
  const endpoint = () => `http://127.0.0.1:${odd.port}`;
  test.each([
    ["an HTML error page", () => new Response("<html><h1>503 Service Unavailable</h1></html>", { status: 503, headers: { "content-type": "text/html" } }), "HTTP 503 with a text/html body"],
    ["a redirect, never followed", () => new Response("", { status: 307, headers: { location: `http://127.0.0.1:${odd.port}/elsewhere` } }), `HTTP 307 (a redirect to http://127.0.0.1:${odd.port}/elsewhere, which is not followed)`],
    ["cut-off XML", () => new Response('<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA', { status: 200, headers: { "content-type": "text/xml" } }), "HTTP 200 with XML that is cut off or broken"],
    ["a captive portal's page", () => new Response("<html>Sign in to the hotel Wi-Fi</html>", { status: 200, headers: { "content-type": "text/html" } }), "HTTP 200 without credentials in it"],
    ["an empty 500", () => new Response("", { status: 500 }), "HTTP 500 with an empty or unreadable body"],
  ])("%s", async (_name, response, said) => {
    answer = response;
    newSandbox(readmeConfig(`endpoint_url = ${endpoint()}\n`));
    const result = await sandbox.run(ASSUME, withCode());
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(failure(result.stderr)).toEqual([
      `vegas-credentials: profile "frank@concerts": STS at ${endpoint()} answered ${said}, not an STS response: check endpoint_url, region and any proxy in between`,
    ]);
    expect(redirected).toEqual([]);
  });
});

describe("source profiles the SDK finds no credentials for", () => {
  const roleProfile = (source: string, sections = "") => `${readmeConfig(`endpoint_url = http://127.0.0.1:9\n`).replace(/^(\[default\]\n.*\n)/, `$1${source}`)}\n${sections}`;

  test("SSO without a token: sign in with aws sso login", async () => {
    newSandbox(roleProfile("sso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\n", "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"));
    writeFileSync(join(sandbox.home, ".aws", "credentials"), "");
    const result = await sandbox.run(ASSUME);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toStartWith(
      'vegas-credentials: profile "frank@concerts": source profile "default" signs in through IAM Identity Center (SSO) and has no valid token: run aws sso login --profile default (',
    );
  });

  test.skipIf(process.getuid?.() !== 0)("keys in a credentials file this user cannot read: say so, not 'add keys'", async () => {
    newSandbox(readmeConfig(`endpoint_url = http://127.0.0.1:9\n`));
    Bun.spawnSync(["chown", "-R", "4242:4242", sandbox.home]);
    const credentials = join(sandbox.home, ".aws", "credentials");
    chmodSync(credentials, 0o000);
    const result = await sandbox.run(["setpriv", "--reuid=4242", "--regid=4242", "--clear-groups", "--", ...ASSUME]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`vegas-credentials: profile "frank@concerts": cannot read the AWS credentials file ${credentials} (EACCES): fix its permissions (chmod 600, owned by you)\n`);
  });

  test("no keys at all: add them", async () => {
    newSandbox(readmeConfig(`endpoint_url = http://127.0.0.1:9\n`));
    writeFileSync(join(sandbox.home, ".aws", "credentials"), `[other]\naws_access_key_id = ${SOURCE_KEY.id}\naws_secret_access_key = ${SOURCE_KEY.secret}\n`);
    const result = await sandbox.run(ASSUME);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toStartWith('vegas-credentials: profile "frank@concerts": no credentials found for source profile "default": add aws_access_key_id and aws_secret_access_key for [default] to your AWS credentials file');
  });
});
