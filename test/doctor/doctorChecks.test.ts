import { describe, expect, test } from "bun:test";
import { honoursEndpointVariables, parseAwsCliVersion } from "../../src/doctor/awsCliCheck.ts";
import { checkCredentialProcess } from "../../src/doctor/credentialProcessCheck.ts";
import { clockCheck, hidePassword, proxyVariables } from "../../src/doctor/stsReach.ts";

describe("the AWS CLI's version", () => {
  test("read from what aws --version prints (v1 on stderr, v2 on stdout)", () => {
    expect(parseAwsCliVersion("aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.debian.12 prompt/off")).toEqual([2, 15, 0]);
    expect(parseAwsCliVersion("aws-cli/1.45.11 Python/3.12.8 Linux/6.1.0 botocore/1.36.11")).toEqual([1, 45, 11]);
    expect(parseAwsCliVersion("command not found")).toBeUndefined();
  });

  test("AWS_ENDPOINT_URL_STS from 2.13.0 and 1.29.0 on", () => {
    expect(honoursEndpointVariables([2, 13, 0])).toBe(true);
    expect(honoursEndpointVariables([2, 12, 9])).toBe(false);
    expect(honoursEndpointVariables([2, 9, 19])).toBe(false);
    expect(honoursEndpointVariables([1, 29, 0])).toBe(true);
    expect(honoursEndpointVariables([1, 28, 99])).toBe(false);
    expect(honoursEndpointVariables([3, 0, 0])).toBe(true);
  });
});

describe("a credential_process line", () => {
  const BINARY = "/usr/local/bin/vegas-credentials";
  const runnable = () => "runnable" as const;
  const check = (line: string | undefined, status: () => "runnable" | "missing" | "not-executable" = runnable) => checkCredentialProcess("frank@concerts", line, BINARY, status);

  test("this binary by its full path, assume, its own profile: in every form the AWS CLI splits", () => {
    for (const line of [`${BINARY} assume --profile=frank@concerts`, `${BINARY} assume --profile frank@concerts`, `"${BINARY}" assume -p frank@concerts`, `${BINARY} assume -p=frank@concerts --no-gui`]) {
      expect(check(line).status).toBe("ok");
    }
  });

  test("each way it goes wrong names what is wrong, with the line to write", () => {
    expect(check(undefined)).toMatchObject({ status: "fail", detail: "missing: the AWS tools never run this tool for it", fix: `set credential_process = ${BINARY} assume --profile=frank@concerts` });
    expect(check("vegas-credentials assume --profile=frank@concerts").detail).toContain('runs "vegas-credentials" by name');
    expect(check("~/bin/vegas-credentials assume --profile=frank@concerts").detail).toContain('runs "~/bin/vegas-credentials" by name');
    expect(check(`${BINARY} assume --profile=frank@concerts`, () => "missing").detail).toContain("which does not exist");
    expect(check(`${BINARY} assume --profile=frank@concerts`, () => "not-executable").fix).toStartWith(`chmod +x ${BINARY}`);
    expect(check(`${BINARY} export --profile=frank@concerts`).detail).toContain('not "assume"');
    expect(check(`${BINARY} assume --profile=dean`).detail).toBe('asks for profile "dean", not its own section\'s');
    expect(check(`${BINARY} assume`).detail).toBe("names no --profile");
  });
});

describe("the clock", () => {
  const reach = (skewMs: number | undefined, problem?: string) => ({ endpointUrl: "https://sts.us-west-1.amazonaws.com", proxy: "", skewMs, ...(problem === undefined ? {} : { problem }) });

  test("within a minute passes; past it fails, saying which way and how far", () => {
    expect(clockCheck(reach(400)).status).toBe("ok");
    expect(clockCheck(reach(-59_000))).toMatchObject({ status: "ok", detail: "this machine's clock is 59 s behind STS's, within the minute MFA codes and signatures allow" });
    expect(clockCheck(reach(61_000))).toMatchObject({ status: "fail", detail: "this machine's clock is 61 s ahead of STS's: MFA codes and request signatures fail on it" });
    expect(clockCheck(reach(-7_230_000)).detail).toContain("2 h 1 min behind");
    expect(clockCheck(reach(-3 * 86_400_000)).detail).toContain("3 days behind");
  });

  test("not compared when STS was not reached or sent no Date", () => {
    expect(clockCheck(reach(undefined, "ECONNREFUSED")).status).toBe("skip");
    expect(clockCheck(reach(undefined)).status).toBe("warn");
  });
});

test("proxy URLs are shown without their passwords", () => {
  expect(hidePassword("http://frank:hunter2@proxy.corp:3128")).toBe("http://frank:***@proxy.corp:3128");
  expect(hidePassword("http://frank@proxy.corp:3128")).toBe("http://frank@proxy.corp:3128");
  expect(hidePassword("proxy.corp:3128")).toBe("proxy.corp:3128");
  expect(hidePassword("frank:hunter2@proxy.corp:3128")).toBe("frank:***@proxy.corp:3128");
  // A password may hold @ or /: everything up to the last @ goes.
  expect(hidePassword("http://bob:p@ssw0rd@127.0.0.1:3128")).toBe("http://bob:***@127.0.0.1:3128");
  expect(hidePassword("http://user:pa/ss@proxy:8080")).toBe("http://user:***@proxy:8080");
  expect(proxyVariables({ HTTPS_PROXY: "http://a:b@p:1", no_proxy: "localhost", HTTP_PROXY: "" })).toBe("HTTPS_PROXY=http://a:***@p:1 no_proxy=localhost");
});
