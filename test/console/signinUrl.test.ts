import { describe, expect, test } from "bun:test";
import { checkDestination, consoleDestination, loginUrl, logoutThenUrl, servicePath, signinOrigin } from "../../src/console/signinUrl.ts";
import { openerCommand } from "../../src/console/openInBrowser.ts";
import { partitionOfRole } from "../../src/config/resolveRoleProfile.ts";

describe("consoleDestination", () => {
  test("the console's home in the region, or the path given, on the console host", () => {
    expect(consoleDestination("console.aws.amazon.com", "us-west-1")).toBe("https://console.aws.amazon.com/console/home?region=us-west-1");
    expect(consoleDestination("eu-west-1.console.aws.amazon.com", "eu-west-1", "/ec2/home#Instances")).toBe("https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances");
    expect(consoleDestination("console.amazonaws.cn", "cn-north-1", "/s3/home?region=cn-northwest-1")).toBe("https://console.amazonaws.cn/s3/home?region=cn-northwest-1");
  });

  test.each(["s3/home", "//evil.example/", "/\\evil.example", "/a b", "https://evil.example/", "/..//evil.example/x", "/%2e%2e/%2e%2e//evil.example"])("a path that is not one on the console host (%p) is refused", (path) => {
    expect(() => consoleDestination("console.aws.amazon.com", "us-east-1", path)).toThrow("login --path");
  });
});

describe("partitions", () => {
  test.each([
    ["arn:aws:iam::222222222222:role/R", "signin.aws.amazon.com", "console.aws.amazon.com"],
    ["arn:aws-us-gov:iam::222222222222:role/R", "signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com"],
    ["arn:aws-cn:iam::222222222222:role/R", "signin.amazonaws.cn", "console.amazonaws.cn"],
  ])("%s signs in at %s into %s", (arn, signin, console) => {
    expect(partitionOfRole(arn)).toMatchObject({ signinHost: signin, consoleHost: console });
  });
});

describe("loginUrl", () => {
  test("Action=login with the issuer, the destination and the token, each encoded", () => {
    const url = new URL(loginUrl("https://signin.aws.amazon.com", "https://console.aws.amazon.com/console/home?region=us-east-1", "a+b/c="));
    expect(url.pathname).toBe("/federation");
    expect(Object.fromEntries(url.searchParams)).toEqual({ Action: "login", Issuer: "vegas-credentials", Destination: "https://console.aws.amazon.com/console/home?region=us-east-1", SigninToken: "a+b/c=" });
  });
});

describe("signinOrigin (VEGAS_CREDENTIALS_SIGNIN_URL)", () => {
  test("unset or empty: the partition's own", () => {
    expect(signinOrigin({})).toBeUndefined();
    expect(signinOrigin({ VEGAS_CREDENTIALS_SIGNIN_URL: "" })).toBeUndefined();
  });

  test.each([
    ["https://signin.example.com", "https://signin.example.com"],
    ["https://signin.example.com:8443/", "https://signin.example.com:8443"],
    ["http://127.0.0.1:9000", "http://127.0.0.1:9000"],
    ["http://localhost:9000", "http://localhost:9000"],
  ])("%s is taken as %s", (value, origin) => {
    expect(signinOrigin({ VEGAS_CREDENTIALS_SIGNIN_URL: value })).toBe(origin);
  });

  test.each(["http://signin.example.com", "http://10.0.0.1", "https://user:pw@signin.example.com", "https://signin.example.com/federation", "https://signin.example.com?x=1", "ftp://x", "nonsense"])(
    "%s is refused",
    (value) => {
      expect(() => signinOrigin({ VEGAS_CREDENTIALS_SIGNIN_URL: value })).toThrow("VEGAS_CREDENTIALS_SIGNIN_URL");
    },
  );
});

describe("openerCommand", () => {
  const url = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=x";
  test("each platform's opener, the URL one argument and never through a shell", () => {
    expect(openerCommand(url, "darwin")).toEqual(["open", url]);
    expect(openerCommand(url, "linux")).toEqual(["xdg-open", url]);
    expect(openerCommand(url, "freebsd")).toEqual(["xdg-open", url]);
    expect(openerCommand(url, "win32")).toEqual(["rundll32", "url.dll,FileProtocolHandler", url]);
  });
});

describe("--service and --destination", () => {
  test("a service lands on its console home", () => {
    expect(servicePath("s3")).toBe("/s3/home");
    expect(consoleDestination("us-west-1.console.aws.amazon.com", "us-west-1", servicePath("cloudwatch"))).toBe("https://us-west-1.console.aws.amazon.com/cloudwatch/home?region=us-west-1");
  });

  test.each(["S3", "s3/../x", "", "a b", "../iam", "x".repeat(60)])("%p is not a service name", (service) => {
    expect(() => servicePath(service)).toThrow("login --service");
  });

  test("a console URL stays as given, on the partition's console hosts", () => {
    const url = "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:";
    expect(checkDestination(url, "console.aws.amazon.com")).toBe(url);
    expect(checkDestination("https://console.amazonaws.cn/s3/home", "console.amazonaws.cn")).toBe("https://console.amazonaws.cn/s3/home");
  });

  test.each([
    "http://console.aws.amazon.com/s3/home",
    "https://console.aws.amazon.com.evil.example/",
    "https://evilconsole.aws.amazon.com/",
    "https://user@console.aws.amazon.com/",
    "https://console.aws.amazon.com:8443/",
    "https://console.amazonaws.cn/",
    "javascript:alert(1)",
    "not a url",
  ])("%p is refused", (url) => {
    expect(() => checkDestination(url, "console.aws.amazon.com")).toThrow("login --destination");
  });
});

test("--logout-first: the sign-in endpoint's logout, then on to the login URL", () => {
  const login = loginUrl("https://signin.aws.amazon.com", "https://console.aws.amazon.com/console/home?region=us-east-1", "t0k");
  const url = new URL(logoutThenUrl("https://signin.aws.amazon.com", login));
  expect(`${url.origin}${url.pathname}`).toBe("https://signin.aws.amazon.com/oauth");
  expect(Object.fromEntries(url.searchParams)).toEqual({ Action: "logout", redirect_uri: login });
});
