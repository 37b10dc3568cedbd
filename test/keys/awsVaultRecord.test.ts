import { describe, expect, test } from "bun:test";
import { isSessionEntry, keyOfCredentials, keyOfKeyringItem } from "../../src/keys/awsVaultRecord.ts";
import { grantedProcessFor } from "../../src/commands/keysCommand.ts";
import { keyringTable } from "../../src/keys/otherToolKeys.ts";
import { decodePathLabel } from "../../src/keys/secretServiceCollection.ts";
import { awsCredentialsJson, keyringItemJson } from "../support/otherToolKeyring.ts";

const KEY = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const bytes = (text: string) => new TextEncoder().encode(text);

describe("isSessionEntry: what aws-vault keeps besides keys", () => {
  test("sessions of every release and OIDC tokens", () => {
    for (const name of ["oidc:https://example.awsapps.com/start", "session,ZnJhbms,,1764800000", "session:frank:arn:aws:iam::1:mfa/x:1764800000", "frank,ZnJhbms,YXJu,1764800000", "frank session (1764800000)"]) expect(isSessionEntry(name)).toBe(true);
  });
  test("profile names, even odd ones", () => {
    for (const name of ["frank", "frank@concerts", "my session", "sessions", "a,b", "frank session (x)"]) expect(isSessionEntry(name)).toBe(false);
  });
});

describe("keyOfKeyringItem", () => {
  test("the key in an Item of the current aws-vault (aws.Credentials)", () => {
    expect(keyOfKeyringItem(bytes(keyringItemJson("frank", awsCredentialsJson(KEY), "aws-vault (frank)")))).toEqual({ key: { accessKeyId: KEY.id, secretAccessKey: KEY.secret } });
  });
  test("the key in an Item of aws-vault 6.0 to 6.3 (credentials.Value)", () => {
    const value = JSON.stringify({ AccessKeyID: KEY.id, SecretAccessKey: KEY.secret, SessionToken: "", ProviderName: "SharedConfigCredentials" });
    expect(keyOfKeyringItem(bytes(keyringItemJson("frank", value)))).toEqual({ key: { accessKeyId: KEY.id, secretAccessKey: KEY.secret } });
  });
  test("temporary credentials, a missing field, bad base64, not JSON, not UTF-8: each a problem, never the secret", () => {
    const cases = [
      [keyringItemJson("t", awsCredentialsJson({ ...KEY, sessionToken: "FwoG" })), "holds temporary credentials (with a session token), not a long-term key"],
      [keyringItemJson("t", JSON.stringify({ AccessKeyID: KEY.id })), "holds no AccessKeyID and SecretAccessKey"],
      [JSON.stringify({ Key: "t", Data: "not base64!" }), "has Data that is not base64"],
      [JSON.stringify({ Key: "t" }), "is not an item of aws-vault's keyring library (no Data)"],
      [keyringItemJson("t", "not json"), "is not the JSON of AWS credentials"],
      ["[1,2]", "is not an item of aws-vault's keyring library (no Data)"],
    ] as const;
    for (const [text, problem] of cases) expect(keyOfKeyringItem(bytes(text))).toEqual({ problem });
    expect(keyOfKeyringItem(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({ problem: "is not an item of aws-vault's keyring library (no Data)" });
  });
  test("keyOfCredentials reads the bare JSON (Keychain, Credential Manager)", () => {
    expect(keyOfCredentials(bytes(awsCredentialsJson(KEY)))).toEqual({ key: { accessKeyId: KEY.id, secretAccessKey: KEY.secret } });
  });
});

describe("keyringTable: granted's [Keyring] settings", () => {
  test("string values of that table only, with either quotes and comments", () => {
    const toml = `DefaultBrowser = "STDOUT"\n[Keyring]\n  Backend = "file" # chosen\n  LibSecretCollectionName = 'my-"coll'\n  FileDir = "~/x\\"y"\n[Other]\nBackend = "pass"\n`;
    expect(keyringTable(toml)).toEqual(new Map([["Backend", "file"], ["LibSecretCollectionName", 'my-"coll'], ["FileDir", '~/x"y']]));
    expect(keyringTable("Backend = \"x\"\n")).toEqual(new Map());
    // An escape JSON does not know leaves that value out, rather than failing the run.
    expect(keyringTable('[Keyring]\nFileDir = "C:\\x\\q"\nBackend = "file"\n')).toEqual(new Map([["Backend", "file"]]));
  });
});

test("decodePathLabel reads GNOME Keyring's escaped collection paths", () => {
  expect(decodePathLabel("granted_2daws_2diam_2dcredentials")).toBe("granted-aws-iam-credentials");
  expect(decodePathLabel("awsvault")).toBe("awsvault");
});

test("grantedProcessFor: the profile granted's own credential_process line hands a key to", () => {
  expect(grantedProcessFor("granted credential-process --profile=dev")).toBe("dev");
  expect(grantedProcessFor("/usr/local/bin/granted credential-process --profile dev")).toBe("dev");
  expect(grantedProcessFor('"C:\\Program Files\\granted\\granted.exe" credential-process --profile=dev')).toBe("dev");
  expect(grantedProcessFor("granted credential-process --profile=dev --auto-login")).toBeUndefined();
  expect(grantedProcessFor("vegas-credentials assume --profile=dev")).toBeUndefined();
  expect(grantedProcessFor("notgranted credential-process --profile=dev")).toBeUndefined();
  expect(grantedProcessFor("granted sso login")).toBeUndefined();
});
