/**
 * What aws-vault and granted keep per profile (both through the keyring library of 99designs, or ByteNess's
 * fork): Go's JSON of aws.Credentials, `{"AccessKeyID":…,"SecretAccessKey":…,"SessionToken":…,…}` (aws-vault
 * 6.0–6.3 wrote credentials.Value, with the same two key fields). The Secret Service and file backends wrap it
 * in the library's Item, `{"Key":…,"Data":"<base64 of that JSON>",…}`; the Keychain and the Credential Manager
 * hold it bare.
 */

export type RecordReading = { readonly key: { readonly accessKeyId: string; readonly secretAccessKey: string } } | { readonly problem: string };

/**
 * Entries aws-vault keeps besides long-term keys (vault/sessionkeyring.go, vault/oidctokenkeyring.go): cached
 * sessions, in the forms of every release, and OIDC tokens. They are not imported.
 */
const NOT_A_KEY = [/^oidc:/, /^session,/, /^session:/, /^[^,]+,[^,]+,[^,]*,[0-9]+$/, /^.+? session \(\d+\)$/];

export function isSessionEntry(name: string): boolean {
  return NOT_A_KEY.some((pattern) => pattern.test(name));
}

/** The key in a keyring Item (Secret Service, file backend). */
export function keyOfKeyringItem(bytes: Uint8Array): RecordReading {
  const item = parseObject(bytes);
  if (item === undefined || typeof item.Data !== "string") return { problem: "is not an item of aws-vault's keyring library (no Data)" };
  const data = item.Data;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return { problem: "has Data that is not base64" };
  return keyOfCredentials(Uint8Array.from(atob(data), (char) => char.charCodeAt(0)));
}

/** The key in the credentials JSON itself (Keychain, Credential Manager). */
export function keyOfCredentials(bytes: Uint8Array): RecordReading {
  const credentials = parseObject(bytes);
  if (credentials === undefined) return { problem: "is not the JSON of AWS credentials" };
  const { AccessKeyID, SecretAccessKey, SessionToken } = credentials;
  if (typeof AccessKeyID !== "string" || typeof SecretAccessKey !== "string" || AccessKeyID === "" || SecretAccessKey === "") return { problem: "holds no AccessKeyID and SecretAccessKey" };
  if (typeof SessionToken === "string" && SessionToken !== "") return { problem: "holds temporary credentials (with a session token), not a long-term key" };
  return { key: { accessKeyId: AccessKeyID, secretAccessKey: SecretAccessKey } };
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
