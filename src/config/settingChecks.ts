import { cut, MAX_VALUE_LENGTH, quoteValue } from "../output/printableText.ts";
/**
 * One check per setting: each returns undefined when the value is fine, else what is wrong and what to do
 * (the caller adds the profile, key and file). Limits are STS's (AssumeRole API reference).
 */

const PARTITION = "(?:aws|aws-cn|aws-us-gov)";
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/(?:[\\x21-\\x2e\\x30-\\x7e]+/)*[\\w+=,.@-]{1,64}$`);
const MFA_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:mfa/(?:[\\x21-\\x2e\\x30-\\x7e]+/)*[\\w+=,.@-]{1,128}$`);
const HARDWARE_SERIAL = /^[A-Za-z0-9]{9,256}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const REGION = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43200;

export function checkRoleArn(value: string): string | undefined {
  if (ROLE_ARN.test(value)) return undefined;
  if (/^arn:[^:]*:iam::\d{12}:user\//.test(value)) {
    return `${quoteValue(value)} is a user ARN, not a role ARN: set the ARN of the role to assume (arn:aws:iam::123456789012:role/Name)`;
  }
  return `${quoteValue(value)} is not an IAM role ARN: expected arn:aws:iam::123456789012:role/Name (paths like role/team/Name and the aws-cn and aws-us-gov partitions are fine)`;
}

export function checkMfaSerial(value: string): string | undefined {
  if (MFA_ARN.test(value) || HARDWARE_SERIAL.test(value)) return undefined;
  return `${quoteValue(value)} is not an MFA device: expected a virtual device ARN (arn:aws:iam::123456789012:mfa/Name) or a hardware token serial number (like GAHT12345678)`;
}

export function parseDurationSeconds(value: string): number | string {
  if (!/^\d+$/.test(value)) return `${quoteValue(value)} is not a whole number of seconds: use a value from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}`;
  const seconds = Number(value);
  if (seconds < MIN_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
    return `${cut(value, MAX_VALUE_LENGTH)} is outside what STS allows: use a value from ${MIN_DURATION_SECONDS} (15 minutes) to ${MAX_DURATION_SECONDS} (12 hours)`;
  }
  return seconds;
}

export const DEFAULT_MFA_SESSION_SECONDS = 12 * 3600;
/** GetSessionToken with an IAM user's keys: 15 minutes to 36 hours. */
const MIN_MFA_SESSION_SECONDS = 900;
const MAX_MFA_SESSION_SECONDS = 36 * 3600;

/** true/false, as the AWS config files write booleans (any case; yes/no and 1/0 too). */
export function parseFlag(value: string): boolean | string {
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  return `${quoteValue(value)} is not true or false: write true to turn it on or false to turn it off`;
}

export function parseMfaSessionSeconds(value: string): number | string {
  const range = `use a value from ${MIN_MFA_SESSION_SECONDS} (15 minutes) to ${MAX_MFA_SESSION_SECONDS} (36 hours)`;
  if (!/^\d+$/.test(value)) return `${quoteValue(value)} is not a whole number of seconds: ${range}`;
  const seconds = Number(value);
  if (seconds < MIN_MFA_SESSION_SECONDS || seconds > MAX_MFA_SESSION_SECONDS) return `${cut(value, MAX_VALUE_LENGTH)} is outside what STS allows for a session: ${range}`;
  return seconds;
}

/** Where a source profile's long-term key lives (vegas_keys): the OS's keystore, or a sealed file of ours. */
export type KeyStoreKind = "os" | "file";

export function parseKeyStore(value: string): KeyStoreKind | string {
  if (value === "os" || value === "file") return value;
  return `${quoteValue(value)} is not a key store: write os (the OS's keystore) or file (a sealed file with a passphrase), or remove it to keep the key in the AWS credentials file`;
}

/** --mfa-code: six digits, as every MFA device gives them; the one line when not. */
export function checkMfaCodeOption(value: string): string | undefined {
  return /^\d{6}$/.test(value) ? undefined : "--mfa-code: give the 6-digit code your MFA device shows now";
}

/** The browsers vegas_browser names (or a path to one). */
export const BROWSER_NAMES = ["chrome", "chromium", "brave", "edge", "firefox", "safari"] as const;
export type BrowserName = (typeof BROWSER_NAMES)[number];

/** vegas_browser_profile: a name for the browser profile (its folder is made from it). */
export function checkBrowserProfile(value: string): string | undefined {
  if (value.length > 64 || /[\p{Cc}]/u.test(value) || value.trim() !== value) return `${quoteValue(value)} is not a browser profile name: use up to 64 characters, no control characters or spaces at its ends`;
  return undefined;
}

/** How Firefox keeps profiles apart (vegas_firefox_containers): which add-on's container URL, or Firefox profiles. */
export const FIREFOX_CONTAINER_ADDONS = ["open-url-in-container", "granted", "off"] as const;

export function checkFirefoxContainers(value: string): string | undefined {
  return (FIREFOX_CONTAINER_ADDONS as readonly string[]).includes(value) ? undefined : `${quoteValue(value)} is not one of open-url-in-container (the "Open external links in a container" add-on), granted (granted's add-on) or off (a Firefox profile of our own per AWS profile)`;
}

export const DEFAULT_KEY_MAX_AGE_DAYS = 90;
const MAX_KEY_MAX_AGE_DAYS = 3650;

/** vegas_key_max_age_days: how old a stored key may grow before a miss suggests rotating it; 0 never. */
export function parseKeyMaxAgeDays(value: string): number | string {
  const range = `use a whole number of days from 1 to ${MAX_KEY_MAX_AGE_DAYS}, or 0 to never be told`;
  if (!/^\d+$/.test(value)) return `${quoteValue(value)} is not a whole number of days: ${range}`;
  const days = Number(value);
  if (days > MAX_KEY_MAX_AGE_DAYS) return `${cut(value, MAX_VALUE_LENGTH)} is out of range: ${range}`;
  return days;
}

export const DEFAULT_MFA_TIMEOUT_SECONDS = 60;
const MIN_MFA_TIMEOUT_SECONDS = 5;
const MAX_MFA_TIMEOUT_SECONDS = 600;

/** How long the MFA sources may take together (vegas_mfa_timeout, VEGAS_CREDENTIALS_MFA_TIMEOUT). */
export function parseMfaTimeoutSeconds(value: string): number | string {
  const range = `use a whole number of seconds from ${MIN_MFA_TIMEOUT_SECONDS} to ${MAX_MFA_TIMEOUT_SECONDS}`;
  if (!/^\d+$/.test(value)) return `${quoteValue(value)} is not a whole number of seconds: ${range}`;
  const seconds = Number(value);
  if (seconds < MIN_MFA_TIMEOUT_SECONDS || seconds > MAX_MFA_TIMEOUT_SECONDS) return `${cut(value, MAX_VALUE_LENGTH)} is out of range: ${range}`;
  return seconds;
}

export function checkRoleSessionName(value: string): string | undefined {
  if (SESSION_NAME.test(value)) return undefined;
  if (value.length < 2 || value.length > 64) return `${quoteValue(value)} has ${value.length} characters: STS wants 2 to 64`;
  return `${quoteValue(value)} has characters STS refuses: use only letters, digits and + = , . @ _ -`;
}

export function checkExternalId(value: string): string | undefined {
  if (EXTERNAL_ID.test(value)) return undefined;
  if (value.length < 2 || value.length > 1224) return `is ${value.length} characters long: STS wants 2 to 1224`;
  return "has characters STS refuses: use only letters, digits and + = , . @ : / _ -";
}

export function checkRegion(value: string): string | undefined {
  if (REGION.test(value)) return undefined;
  return `${quoteValue(value)} is not an AWS region name (like us-east-1 or eu-west-2)`;
}

export function checkEndpointUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${quoteValue(value)} is not a URL: expected something like https://sts.eu-west-1.amazonaws.com`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `${quoteValue(value)} must start with https:// (or http:// for a local endpoint)`;
  return undefined;
}

export function checkStsRegionalEndpoints(value: string): string | undefined {
  if (value === "regional" || value === "legacy") return undefined;
  return `${quoteValue(value)} is not valid: use regional or legacy`;
}
