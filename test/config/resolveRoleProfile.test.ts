import { describe, expect, test } from "bun:test";
import { type ConfigFile, parseProfiles } from "../../src/config/readConfigFile.ts";
import { resolveRoleProfile } from "../../src/config/resolveRoleProfile.ts";
import { credentialIdentity } from "../../src/config/roleProfile.ts";
import { UserError } from "../../src/userError.ts";

const FILE = "/home/frank/.aws/config";
const SOURCE = "[default]\nmfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra\n";
const ROLE = `[profile frank@concerts]
credential_process = vegas-credentials assume --profile=frank@concerts
vegas_role_arn = arn:aws:iam::222222222222:role/SingerRole
vegas_source_profile = default
`;

function config(text: string): ConfigFile {
  return { path: FILE, profiles: parseProfiles(text) };
}

function errorOf(text: string, profile = "frank@concerts", env: Record<string, string> = {}): string {
  try {
    resolveRoleProfile(config(text), profile, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected the profile to be refused");
}

describe("a valid profile", () => {
  test("resolves the README example with every setting", () => {
    const profile = resolveRoleProfile(
      config(`${SOURCE}${ROLE}region = us-west-1\nduration_seconds = 4383\nrole_session_name = SinatraAtTheSands\nexternal_id = 0093624694724\n`),
      "frank@concerts",
      {},
    );
    expect(profile).toEqual({
      name: "frank@concerts",
      configFile: FILE,
      roleArn: "arn:aws:iam::222222222222:role/SingerRole",
      durationSeconds: 4383,
      roleSessionName: "SinatraAtTheSands",
      externalId: "0093624694724",
      sts: { region: "us-west-1", endpoint: undefined, useGlobalEndpoint: false, endpointUrl: "https://sts.us-west-1.amazonaws.com" },
      source: { name: "default", mfaSerial: "arn:aws:iam::111111111111:mfa/FrankSinatra", yubikeySerial: undefined, yubikeyLabel: "arn:aws:iam::111111111111:mfa/FrankSinatra", mfaTimeoutSeconds: 60, mfaSession: undefined, mfaProcess: undefined, credentialsFrom: "keys", keys: undefined },
      console: { browser: undefined, browserProfile: undefined, firefoxContainers: undefined },
    });
  });

  test("defaults: one hour, no session name, us-east-1 through the global endpoint", () => {
    const profile = resolveRoleProfile(config(SOURCE + ROLE), "frank@concerts", {});
    expect(profile.durationSeconds).toBe(3600);
    expect(profile.roleSessionName).toBeUndefined();
    expect(profile.sts).toEqual({ region: "us-east-1", endpoint: undefined, useGlobalEndpoint: true, endpointUrl: "https://sts.amazonaws.com" });
  });

  test.each([
    ["aws-cn", "", "cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn"],
    ["aws-cn", "region = cn-northwest-1\n", "cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn"],
    ["aws-us-gov", "", "us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com"],
    ["aws-us-gov", "region = us-gov-east-1\n", "us-gov-east-1", "https://sts.us-gov-east-1.amazonaws.com"],
  ])("a %s role (%j) goes to its partition's STS in %s: %s", (partition, extra, region, url) => {
    const role = ROLE.replace("arn:aws:iam::", `arn:${partition}:iam::`) + extra;
    const profile = resolveRoleProfile(config(SOURCE + role), "frank@concerts", {});
    expect(profile.sts).toEqual({ region, endpoint: undefined, useGlobalEndpoint: false, endpointUrl: url });
  });

  test("a region of another partition than the role's is one line", () => {
    const role = `${ROLE.replace("arn:aws:iam::", "arn:aws-cn:iam::")}region = eu-west-1\n`;
    expect(() => resolveRoleProfile(config(SOURCE + role), "frank@concerts", {})).toThrow(
      `is eu-west-1, which is not in the aws-cn partition of vegas_role_arn: set region to one of its regions (like cn-north-1) on the role profile`,
    );
  });

  test("YubiKey settings come from the source profile; the label defaults to mfa_serial", () => {
    const profile = resolveRoleProfile(config(`${SOURCE}vegas_yubikey_serial = 12345678\nvegas_yubikey_label = Frank\n${ROLE}`), "frank@concerts", {});
    expect(profile.source.yubikeySerial).toBe("12345678");
    expect(profile.source.yubikeyLabel).toBe("Frank");
  });
});

describe("MFA sessions", () => {
  const withSource = (lines: string) => `${SOURCE}${lines}${ROLE}`;

  test("are off unless vegas_mfa_session is true", () => {
    expect(resolveRoleProfile(config(SOURCE + ROLE), "frank@concerts", {}).source.mfaSession).toBeUndefined();
    expect(resolveRoleProfile(config(withSource("vegas_mfa_session = false\n")), "frank@concerts", {}).source.mfaSession).toBeUndefined();
  });

  test.each(["true", "True", "yes", "1"])("vegas_mfa_session = %s turns them on for 12 hours", (value) => {
    expect(resolveRoleProfile(config(withSource(`vegas_mfa_session = ${value}\n`)), "frank@concerts", {}).source.mfaSession).toEqual({ durationSeconds: 43_200 });
  });

  test("vegas_mfa_session_duration sets the session's length", () => {
    const profile = resolveRoleProfile(config(withSource("vegas_mfa_session = true\nvegas_mfa_session_duration = 129600\n")), "frank@concerts", {});
    expect(profile.source.mfaSession).toEqual({ durationSeconds: 129_600 });
  });

  test.each([
    ["vegas_mfa_session = sometimes\n", 'vegas_mfa_session "sometimes" is not true or false: write true to turn it on or false to turn it off'],
    ["vegas_mfa_session = true\nvegas_mfa_session_duration = 600\n", "vegas_mfa_session_duration 600 is outside what STS allows for a session: use a value from 900 (15 minutes) to 129600 (36 hours)"],
    ["vegas_mfa_session = true\nvegas_mfa_session_duration = 12h\n", 'vegas_mfa_session_duration "12h" is not a whole number of seconds: use a value from 900 (15 minutes) to 129600 (36 hours)'],
    ["vegas_mfa_session_duration = 3600\n", "vegas_mfa_session_duration is set but vegas_mfa_session is not true: set vegas_mfa_session = true, or remove the duration"],
  ])("%s is refused", (lines, problem) => {
    expect(errorOf(withSource(lines))).toBe(`profile "default" (the vegas_source_profile of "frank@concerts") in ${FILE}: ${problem}`);
  });
});

describe("where the source profile's key lives (vegas_keys)", () => {
  const withSource = (lines: string) => `${SOURCE}${lines}${ROLE}`;
  const keysOf = (lines: string) => resolveRoleProfile(config(withSource(lines)), "frank@concerts", {}).source;

  test("nowhere of ours unless set; os or file, with a 90-day age by default", () => {
    expect(keysOf("").keys).toBeUndefined();
    expect(keysOf("").credentialsFrom).toBe("keys");
    expect(keysOf("vegas_keys = os\n").keys).toEqual({ store: "os", maxAgeDays: 90 });
    expect(keysOf("vegas_keys = os\n").credentialsFrom).toBe("store");
    expect(keysOf("vegas_keys = file\nvegas_key_max_age_days = 0\n").keys).toEqual({ store: "file", maxAgeDays: 0 });
  });

  test.each([
    ["vegas_keys = keychain\n", 'vegas_keys "keychain" is not a key store: write os (the OS\'s keystore) or file (a sealed file with a passphrase), or remove it to keep the key in the AWS credentials file'],
    ["vegas_keys = os\nvegas_key_max_age_days = soon\n", 'vegas_key_max_age_days "soon" is not a whole number of days: use a whole number of days from 1 to 3650, or 0 to never be told'],
    ["vegas_keys = os\nvegas_key_max_age_days = 9999\n", "vegas_key_max_age_days 9999 is out of range: use a whole number of days from 1 to 3650, or 0 to never be told"],
    ["vegas_key_max_age_days = 30\n", "vegas_key_max_age_days is set but vegas_keys is not: the age of a key is known only in a store (vegas-credentials keys import moves it there)"],
    ["vegas_keys = os\nsso_session = corp\n", "vegas_keys is set on a profile whose credentials come from elsewhere (SSO, aws login, a role or a credential_process): remove it, or those settings"],
  ])("%p is one line naming the source profile", (lines, problem) => {
    expect(errorOf(withSource(lines))).toBe(`profile "default" (the vegas_source_profile of "frank@concerts") in ${FILE}: ${problem}`);
  });
});

describe("mfa_serial on the role profile, as the AWS CLI reads it", () => {
  test("wins over the source profile's; the source's serves when the role has none", () => {
    const both = resolveRoleProfile(config(`${SOURCE}${ROLE}mfa_serial = arn:aws:iam::111111111111:mfa/OnTheRole\n`), "frank@concerts", {});
    expect(both.source.mfaSerial).toBe("arn:aws:iam::111111111111:mfa/OnTheRole");
    expect(both.source.yubikeyLabel).toBe("arn:aws:iam::111111111111:mfa/OnTheRole");
    const roleOnly = resolveRoleProfile(config(`[default]\nregion = us-east-1\n${ROLE}mfa_serial = 123456789012\n`), "frank@concerts", {});
    expect(roleOnly.source.mfaSerial).toBe("123456789012");
    expect(resolveRoleProfile(config(SOURCE + ROLE), "frank@concerts", {}).source.mfaSerial).toBe("arn:aws:iam::111111111111:mfa/FrankSinatra");
  });

  test("a malformed one on the role profile names the role profile", () => {
    expect(errorOf(`${SOURCE}${ROLE}mfa_serial = not a device\n`)).toStartWith(`profile "frank@concerts" in ${FILE}: mfa_serial`);
  });

  test("it keys the cache as the device it names", () => {
    const onRole = resolveRoleProfile(config(`[default]\nregion = us-east-1\n${ROLE}mfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra\n`), "frank@concerts", {});
    const onSource = resolveRoleProfile(config(`${SOURCE}region = us-east-1\n${ROLE}`), "frank@concerts", {});
    expect(credentialIdentity(onRole)).toBe(credentialIdentity(onSource));
  });
});

describe("how login opens the console", () => {
  const consoleOf = (source: string, role: string) => resolveRoleProfile(config(`${SOURCE}${source}${ROLE}${role}`), "frank@concerts", {}).console;

  test("as written, and from where: the role's setting, else the source's (only login reads and checks them)", () => {
    expect(consoleOf("", "")).toEqual({ browser: undefined, browserProfile: undefined, firefoxContainers: undefined });
    expect(consoleOf("vegas_browser = firefox\nvegas_firefox_containers = granted\n", "")).toEqual({ browser: { value: "firefox", from: "default" }, browserProfile: undefined, firefoxContainers: { value: "granted", from: "default" } });
    expect(consoleOf("vegas_browser = firefox\n", "vegas_browser = netscape\nvegas_browser_profile = music\n")).toEqual({ browser: { value: "netscape", from: "frank@concerts" }, browserProfile: "music", firefoxContainers: undefined });
  });
});

describe("MFA timeout", () => {
  const withSource = (lines: string) => `${SOURCE}${lines}${ROLE}`;

  test("60 s by default; vegas_mfa_timeout on the source profile; the environment wins over both", () => {
    expect(resolveRoleProfile(config(SOURCE + ROLE), "frank@concerts", {}).source.mfaTimeoutSeconds).toBe(60);
    expect(resolveRoleProfile(config(withSource("vegas_mfa_timeout = 120\n")), "frank@concerts", {}).source.mfaTimeoutSeconds).toBe(120);
    const fromEnv = resolveRoleProfile(config(withSource("vegas_mfa_timeout = 120\n")), "frank@concerts", { VEGAS_CREDENTIALS_MFA_TIMEOUT: "5" });
    expect(fromEnv.source.mfaTimeoutSeconds).toBe(5);
  });

  test.each([
    ["4", 'vegas_mfa_timeout 4 is out of range: use a whole number of seconds from 5 to 600'],
    ["601", 'vegas_mfa_timeout 601 is out of range: use a whole number of seconds from 5 to 600'],
    ["1m", 'vegas_mfa_timeout "1m" is not a whole number of seconds: use a whole number of seconds from 5 to 600'],
  ])("vegas_mfa_timeout = %s is refused", (value, problem) => {
    expect(errorOf(withSource(`vegas_mfa_timeout = ${value}\n`))).toBe(`profile "default" (the vegas_source_profile of "frank@concerts") in ${FILE}: ${problem}`);
  });

  test("a bad VEGAS_CREDENTIALS_MFA_TIMEOUT is named as such", () => {
    expect(() => resolveRoleProfile(config(SOURCE + ROLE), "frank@concerts", { VEGAS_CREDENTIALS_MFA_TIMEOUT: "forever" })).toThrow(
      'environment variable VEGAS_CREDENTIALS_MFA_TIMEOUT "forever" is not a whole number of seconds: use a whole number of seconds from 5 to 600',
    );
  });
});

describe("region and endpoint", () => {
  test("region: role profile, then source profile, then AWS_REGION, then AWS_DEFAULT_REGION", () => {
    const region = (text: string, env: Record<string, string>) => resolveRoleProfile(config(text), "frank@concerts", env).sts.region;
    const env = { AWS_REGION: "eu-central-1", AWS_DEFAULT_REGION: "eu-north-1" };
    expect(region(`${SOURCE}region = ap-south-1\n${ROLE}region = us-west-1\n`, env)).toBe("us-west-1");
    expect(region(`${SOURCE}region = ap-south-1\n${ROLE}`, env)).toBe("ap-south-1");
    expect(region(SOURCE + ROLE, env)).toBe("eu-central-1");
    expect(region(SOURCE + ROLE, { AWS_DEFAULT_REGION: "eu-north-1" })).toBe("eu-north-1");
  });

  test("endpoint: profile endpoint_url, then AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL", () => {
    const endpoint = (text: string, env: Record<string, string>) => resolveRoleProfile(config(text), "frank@concerts", env).sts.endpoint;
    const env = { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:5001", AWS_ENDPOINT_URL: "http://127.0.0.1:5002" };
    expect(endpoint(`${SOURCE}${ROLE}endpoint_url = http://127.0.0.1:5000\n`, env)).toBe("http://127.0.0.1:5000");
    expect(endpoint(SOURCE + ROLE, env)).toBe("http://127.0.0.1:5001");
    expect(endpoint(SOURCE + ROLE, { AWS_ENDPOINT_URL: "http://127.0.0.1:5002" })).toBe("http://127.0.0.1:5002");
  });

  test("sts_regional_endpoints = legacy uses the global endpoint even with a region", () => {
    const profile = resolveRoleProfile(config(`${SOURCE}${ROLE}region = us-west-1\nsts_regional_endpoints = legacy\n`), "frank@concerts", {});
    expect(profile.sts.useGlobalEndpoint).toBe(true);
  });
});

describe("every refusal names the profile, the key, the file and what to do", () => {
  test("a missing profile lists close names", () => {
    expect(errorOf(SOURCE + ROLE, "frank@concert")).toBe(`profile "frank@concert" not found in ${FILE}: did you mean "frank@concerts"?`);
    expect(errorOf(SOURCE + ROLE, "sammy")).toBe(
      `profile "sammy" not found in ${FILE}: add a [profile sammy] section with vegas_role_arn and vegas_source_profile`,
    );
  });

  test.each([
    ["vegas_role_arn", "vegas_role_arn is missing: set it to the ARN of the role to assume"],
    ["vegas_source_profile", "vegas_source_profile is missing: set it to the profile whose credentials and MFA device assume the role"],
  ])("missing %s", (key, problem) => {
    const text = SOURCE + ROLE.split("\n").filter((line) => !line.startsWith(key)).join("\n");
    expect(errorOf(text)).toBe(`profile "frank@concerts" in ${FILE}: ${problem}`);
  });

  test("missing mfa_serial names the source profile", () => {
    expect(errorOf(`[default]\nregion = us-east-1\n${ROLE}`)).toBe(
      `profile "default" (the vegas_source_profile of "frank@concerts") in ${FILE}: mfa_serial is missing: set it to the ARN or serial number of your MFA device`,
    );
  });

  test("a source profile that is not in the file", () => {
    expect(errorOf(ROLE)).toBe(`profile "frank@concerts" in ${FILE}: vegas_source_profile names profile "default", which is not in the file: add [default] with mfa_serial there`);
  });

  test.each(["role_arn", "source_profile"])("plain %s makes the AWS tools skip credential_process", (key) => {
    expect(errorOf(`${SOURCE}${ROLE}${key} = x\n`)).toBe(
      `profile "frank@concerts" in ${FILE}: ${key} is set, so the AWS tools would assume the role themselves and never run credential_process: rename it to vegas_${key}`,
    );
  });

  test("a source profile equal to the role profile", () => {
    expect(errorOf(`${SOURCE}[profile loop]\nvegas_role_arn = arn:aws:iam::222222222222:role/R\nvegas_source_profile = loop\n`, "loop")).toContain(
      `profile "loop" in ${FILE}: vegas_source_profile names this profile itself`,
    );
  });

  test.each([
    ["vegas_role_arn = arn:aws:iam::222222222222:user/Frank", "vegas_role_arn \"arn:aws:iam::222222222222:user/Frank\" is a user ARN"],
    ["duration_seconds = 60", "duration_seconds 60 is outside what STS allows: use a value from 900 (15 minutes) to 43200 (12 hours)"],
    ["duration_seconds = one hour", "duration_seconds \"one hour\" is not a whole number of seconds"],
    ["role_session_name = Frank Sinatra", "role_session_name \"Frank Sinatra\" has characters STS refuses"],
    ["external_id = x", "external_id is 1 characters long: STS wants 2 to 1224"],
    ["region = Las Vegas", "region \"Las Vegas\" is not an AWS region name"],
    ["endpoint_url = localhost:5000", "endpoint_url \"localhost:5000\" must start with https://"],
    ["sts_regional_endpoints = global", "sts_regional_endpoints \"global\" is not valid: use regional or legacy"],
  ])("%s", (line, problem) => {
    const text = SOURCE + ROLE.replace(/^vegas_role_arn = .*$/m, (original) => (line.startsWith("vegas_role_arn") ? line : `${original}\n${line}`));
    expect(errorOf(text)).toStartWith(`profile "frank@concerts" in ${FILE}: ${problem}`);
  });

  test("malformed mfa_serial names the source profile", () => {
    expect(errorOf(`[default]\nmfa_serial = Frank\n${ROLE}`)).toStartWith(`profile "default" (the vegas_source_profile of "frank@concerts") in ${FILE}: mfa_serial "Frank" is not an MFA device`);
  });
});

describe("credentialIdentity", () => {
  const base = `${SOURCE}${ROLE}region = us-west-1\n`;
  const identity = (text: string, env: Record<string, string> = {}) => credentialIdentity(resolveRoleProfile(config(text), "frank@concerts", env));

  test("is stable for the same settings", () => expect(identity(base)).toBe(identity(base)));

  test.each([
    ["role", base.replace("SingerRole", "DancerRole")],
    ["MFA serial", base.replace("FrankSinatra", "DeanMartin")],
    ["duration", `${base}duration_seconds = 7200\n`],
    ["session name", `${base}role_session_name = Frank\n`],
    ["external id", `${base}external_id = abc123\n`],
    ["region", base.replace("us-west-1", "us-west-2")],
    ["endpoint", `${base}endpoint_url = http://127.0.0.1:5000\n`],
    ["source profile", `[profile other]\nmfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra\n${base.replace("vegas_source_profile = default", "vegas_source_profile = other")}`],
  ])("changes with the %s", (_, changed) => expect(identity(changed)).not.toBe(identity(base)));

  test("changes with the endpoint environment", () => expect(identity(base, { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1" })).not.toBe(identity(base)));

  test("ignores settings that do not change the credentials", () => expect(identity(`${base}output = json\ncli_pager =\n`)).toBe(identity(base)));
});
