import { describe, expect, test } from "bun:test";
import {
  checkEndpointUrl,
  checkExternalId,
  checkMfaSerial,
  checkRegion,
  checkRoleArn,
  checkRoleSessionName,
  checkStsRegionalEndpoints,
  parseDurationSeconds,
} from "../../src/config/settingChecks.ts";

describe("checkRoleArn", () => {
  test.each([
    "arn:aws:iam::222222222222:role/SingerRole",
    "arn:aws:iam::222222222222:role/team/app/Name",
    "arn:aws-cn:iam::222222222222:role/China",
    "arn:aws-us-gov:iam::222222222222:role/path/Gov",
    "arn:aws:iam::222222222222:role/with+=,.@_-chars",
  ])("accepts %s", (arn) => expect(checkRoleArn(arn)).toBeUndefined());

  test.each([
    ["arn:aws:iam::2222:role/Short", "is not an IAM role ARN"],
    ["arn:aws:sts::222222222222:role/Wrong", "is not an IAM role ARN"],
    ["arn:aws-xx:iam::222222222222:role/Partition", "is not an IAM role ARN"],
    ["arn:aws:iam::222222222222:role/", "is not an IAM role ARN"],
    ["arn:aws:iam::222222222222:role/has space", "is not an IAM role ARN"],
    ["SingerRole", "is not an IAM role ARN"],
    ["arn:aws:iam::222222222222:user/Frank", "is a user ARN"],
  ])("refuses %s", (arn, problem) => expect(checkRoleArn(arn)).toContain(problem));
});

describe("checkMfaSerial", () => {
  test.each(["arn:aws:iam::111111111111:mfa/FrankSinatra", "arn:aws-us-gov:iam::111111111111:mfa/path/Frank", "GAHT12345678"])("accepts %s", (serial) =>
    expect(checkMfaSerial(serial)).toBeUndefined(),
  );
  test.each(["arn:aws:iam::111111111111:user/Frank", "123", "arn:aws:iam::1111:mfa/Frank", "GAHT-1234"])("refuses %s", (serial) =>
    expect(checkMfaSerial(serial)).toContain("is not an MFA device"),
  );
});

describe("parseDurationSeconds", () => {
  test("accepts whole seconds from 900 to 43200", () => {
    expect(parseDurationSeconds("900")).toBe(900);
    expect(parseDurationSeconds("4383")).toBe(4383);
    expect(parseDurationSeconds("43200")).toBe(43200);
  });
  test.each([
    ["899", "outside what STS allows"],
    ["43201", "outside what STS allows"],
    ["1h", "not a whole number"],
    ["3600.5", "not a whole number"],
    ["-900", "not a whole number"],
  ])("refuses %s", (value, problem) => expect(String(parseDurationSeconds(value))).toContain(problem));
});

describe("checkRoleSessionName", () => {
  test.each(["SinatraAtTheSands", "ab", "a".repeat(64), "frank.sinatra@sands+=,-_"])("accepts %s", (name) => expect(checkRoleSessionName(name)).toBeUndefined());
  test("refuses too short, too long and odd characters", () => {
    expect(checkRoleSessionName("a")).toContain("STS wants 2 to 64");
    expect(checkRoleSessionName("a".repeat(65))).toContain("STS wants 2 to 64");
    expect(checkRoleSessionName("Frank Sinatra")).toContain("characters STS refuses");
  });
});

describe("checkExternalId", () => {
  test("accepts STS's character set including : and /", () => expect(checkExternalId("0093624694724:a/b")).toBeUndefined());
  test("refuses a single character, a too long one and spaces", () => {
    expect(checkExternalId("x")).toContain("2 to 1224");
    expect(checkExternalId("x".repeat(1225))).toContain("2 to 1224");
    expect(checkExternalId("has space")).toContain("characters STS refuses");
  });
});

describe("region, endpoint_url and sts_regional_endpoints", () => {
  test("regions", () => {
    expect(checkRegion("us-west-1")).toBeUndefined();
    expect(checkRegion("cn-northwest-1")).toBeUndefined();
    expect(checkRegion("US West")).toContain("is not an AWS region name");
  });
  test("endpoint URLs", () => {
    expect(checkEndpointUrl("https://sts.eu-west-1.amazonaws.com")).toBeUndefined();
    expect(checkEndpointUrl("http://127.0.0.1:5000")).toBeUndefined();
    expect(checkEndpointUrl("sts.amazonaws.com")).toContain("is not a URL");
    expect(checkEndpointUrl("ftp://example.com")).toContain("must start with https://");
  });
  test("sts_regional_endpoints", () => {
    expect(checkStsRegionalEndpoints("regional")).toBeUndefined();
    expect(checkStsRegionalEndpoints("legacy")).toBeUndefined();
    expect(checkStsRegionalEndpoints("global")).toContain("use regional or legacy");
  });
});
