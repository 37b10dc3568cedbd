import { describe, expect, test } from "bun:test";
import { parseProfiles } from "../../src/config/readConfigFile.ts";
import { resolveRoleProfile } from "../../src/config/resolveRoleProfile.ts";
import { explainStsError } from "../../src/sts/explainStsError.ts";

const CONFIG = `[default]
mfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra
[profile frank]
vegas_role_arn = arn:aws:iam::222222222222:role/SingerRole
vegas_source_profile = default
duration_seconds = 7200
region = eu-west-1
`;
const profile = resolveRoleProfile({ path: "/home/frank/.aws/config", profiles: parseProfiles(CONFIG) }, "frank", {});
/** An error shaped as the SDK throws a service error. */
const serviceError = (name: string, message: string, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: "client" });
const explain = (error: unknown) => explainStsError(error, profile, "AssumeRole").message;

describe("explainStsError", () => {
  test.each([
    ["a code STS has taken once already", serviceError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ", 403), "if several roles ran at once on one code, set vegas_mfa_session = true in [default] so one code serves them all"],
    ["a clock ahead (SigV4's Signature not yet current)", serviceError("SignatureDoesNotMatch", "Signature not yet current: 20261126T010000Z is still later than 20261126T001500Z (20261126T000000Z + 15 min.)", 403), "this machine's clock is off"],
    ["a skewed clock (SigV4's Signature expired)", serviceError("SignatureDoesNotMatch", "Signature expired: 20261126T000000Z is now earlier than 20261126T001500Z (20261126T003000Z - 15 min.)", 403), "this machine's clock is off"],
    ["RequestTimeTooSkewed", serviceError("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403), "this machine's clock is off"],
    ["a wrong secret key", serviceError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", 403), "the secret access key of source profile \"default\" does not match"],
    ["role chaining above an hour", serviceError("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."), "role chaining"],
    ["a role's maximum", serviceError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."), "raise the role's MaxSessionDuration"],
    ["a timeout", Object.assign(new Error("Request did not complete within 8000 ms"), { name: "TimeoutError" }), "STS at https://sts.eu-west-1.amazonaws.com did not answer within 18 s"],
  ])("%s", (_name, error, said) => {
    expect(explain(error)).toContain(said);
  });

  test("a clock failure is not remembered for other runs; a wrong code is", () => {
    const clock = explainStsError(serviceError("SignatureDoesNotMatch", "Signature expired: 20261126T000000Z is now earlier than 20261126T001500Z (20261126T003000Z - 15 min.)", 403), profile, "AssumeRole");
    expect((clock as { remembered?: boolean }).remembered).toBe(false);
    const code = explainStsError(serviceError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ", 403), profile, "AssumeRole");
    expect((code as { remembered?: boolean }).remembered).toBe(true);
  });

  test("role chaining is not sent to raise MaxSessionDuration, which cannot help", () => {
    expect(explain(serviceError("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."))).not.toContain("MaxSessionDuration");
  });
});
