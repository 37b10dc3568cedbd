/**
 * A local stand-in for AWS STS that speaks its wire protocol (AWS Query in, XML out, SigV4 checked for real),
 * so the AWS SDK for JavaScript v3 and the AWS CLI accept its answers. The tests and the README demo run
 * against it. Run it alone: `bun test/support/stsDouble.ts [--port N] [--access-key-id X --secret-access-key Y]
 * [--max-session-duration S]`: any 6-digit MFA code (once per device), any role ARN.
 */
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

export interface StsDoubleOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The long-term keys the double knows: access key ID -> secret (and the user's ARN). */
  users: Record<string, { secretAccessKey: string; arn?: string }>;
  /** "any" (the default) accepts any 6-digit code; a TOTP secret (base32) accepts RFC 6238 codes (±1 step). */
  mfa?: "any" | { totpSecret: string };
  /** Roles by ARN. Without this map, any well-formed role ARN is assumable, with the settings of anyRole. */
  roles?: Record<string, StsRole>;
  anyRole?: StsRole;
  /** Lifetime of issued credentials in seconds, whatever DurationSeconds asked for. */
  credentialLifetimeSeconds?: number;
  /** Told about every call once it is answered. */
  onCall?: (call: StsCall) => void;
  /** Serve HTTPS with this certificate (PEM) instead of HTTP. */
  tls?: { cert: string; key: string };
}

export interface StsRole {
  /** Default 3600. */
  maxSessionDuration?: number;
  /** Default true: AssumeRole needs an MFA code, or a session that already has one. */
  requireMfa?: boolean;
  externalId?: string;
}

export interface StsCall {
  action: string;
  params: Record<string, string>;
  accessKeyId: string | undefined;
  /** The error code STS answered with; absent on success. */
  error?: string;
  /** How long the double took to answer, from the request's arrival (for benches that subtract it). */
  handledMs?: number;
}

export interface StsFailure {
  status: number;
  code: string;
  message: string;
}

export interface StsDouble {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Every request, in order. */
  calls: StsCall[];
  /** Successful calls of this action. */
  count(action: string): number;
  /** The next call of this action fails so; calls queue up. */
  failNext(action: string, failure: StsFailure): void;
  setCredentialLifetime(seconds: number | undefined): void;
  /** The assumed-role ARN of live role credentials this double issued, as AWS's sign-in endpoint checks them. */
  roleSessionOf(accessKeyId: string, secretAccessKey: string, sessionToken: string): string | undefined;
  stop(): Promise<void>;
}

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
const API_VERSION = "2011-06-15";
const DEFAULT_USER_ARN = "arn:aws:iam::111111111111:user/test";
const MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code. ";
const INVALID_TOKEN = "The security token included in the request is invalid.";
const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const ALLOWED_CLOCK_SKEW_MS = 15 * 60_000;

type Params = Record<string, string>;

/** Who signed a request: a configured user, or a session the double issued. */
interface Principal {
  arn: string;
  userId: string;
  account: string;
  kind: "user" | "session" | "role";
  mfaPresent: boolean;
}

interface IssuedKey {
  secretAccessKey: string;
  sessionToken: string;
  expiresAtMs: number;
  principal: Principal;
}

interface State {
  options: StsDoubleOptions;
  issued: Map<string, IssuedKey>;
  usedCodes: Set<string>;
  faults: Map<string, StsFailure[]>;
  calls: StsCall[];
  lifetimeSeconds: number | undefined;
}

/** An answer STS gives instead of a result. */
class StsFault extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function startStsDouble(options: StsDoubleOptions): Promise<StsDouble> {
  const state: State = {
    options,
    issued: new Map(),
    usedCodes: new Set(),
    faults: new Map(),
    calls: [],
    lifetimeSeconds: options.credentialLifetimeSeconds,
  };
  const server = Bun.serve({ hostname: "127.0.0.1", port: options.port ?? 0, ...(options.tls ? { tls: options.tls } : {}), fetch: (request) => answer(state, request) });
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${server.port}`,
    calls: state.calls,
    count: (action) => state.calls.filter((call) => call.action === action && call.error === undefined).length,
    failNext: (action, failure) => state.faults.set(action, [...(state.faults.get(action) ?? []), failure]),
    setCredentialLifetime: (seconds) => {
      state.lifetimeSeconds = seconds;
    },
    roleSessionOf: (accessKeyId, secretAccessKey, sessionToken) => {
      const issued = state.issued.get(accessKeyId);
      const live = issued !== undefined && issued.secretAccessKey === secretAccessKey && issued.sessionToken === sessionToken && issued.expiresAtMs > Date.now();
      return live && issued.principal.kind === "role" ? issued.principal.arn : undefined;
    },
    stop: () => server.stop(true),
  };
}

async function answer(state: State, request: Request): Promise<Response> {
  const arrived = performance.now();
  const requestId = randomUUID();
  const body = new Uint8Array(await request.arrayBuffer());
  const params = readParams(request, body);
  const call: StsCall = { action: params.Action ?? "", params, accessKeyId: authorizationKeyId(request) };
  state.calls.push(call);
  try {
    const result = perform(state, request, body, params);
    const response = xmlResponse(200, resultDocument(call.action, result, requestId), requestId);
    call.handledMs = performance.now() - arrived;
    state.options.onCall?.(call);
    return response;
  } catch (error) {
    const fault = error instanceof StsFault ? error : new StsFault(500, "InternalFailure", String(error));
    call.error = fault.code;
    const response = xmlResponse(fault.status, errorDocument(fault, requestId), requestId);
    call.handledMs = performance.now() - arrived;
    state.options.onCall?.(call);
    return response;
  }
}

const ACTIONS: Record<string, (state: State, caller: Principal, params: Params) => string> = {
  AssumeRole: assumeRole,
  GetSessionToken: getSessionToken,
  GetCallerIdentity: getCallerIdentity,
};

function perform(state: State, request: Request, body: Uint8Array, params: Params): string {
  const action = params.Action ?? "";
  const fault = state.faults.get(action)?.shift();
  if (fault !== undefined) throw new StsFault(fault.status, fault.code, fault.message);
  const caller = authenticate(state, request, body);
  const handler = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (handler === undefined || params.Version !== API_VERSION) {
    throw new StsFault(400, "InvalidAction", `Could not find operation ${action} for version ${params.Version ?? "NO_VERSION_SPECIFIED"}`);
  }
  return handler(state, caller, params);
}

/** AWS Query puts the parameters in a form-encoded POST body, or in the query string of a GET. */
function readParams(request: Request, body: Uint8Array): Params {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  if (request.method === "POST") Object.assign(params, Object.fromEntries(new URLSearchParams(new TextDecoder().decode(body))));
  return params;
}

// ---- Actions ----

function assumeRole(state: State, caller: Principal, params: Params): string {
  const roleArn = params.RoleArn ?? "";
  const sessionName = params.RoleSessionName ?? "";
  const durationSeconds = Number(params.DurationSeconds ?? 3600);
  requireValid([
    ...requiredProblems("roleArn", params.RoleArn),
    ...lengthProblems("roleArn", params.RoleArn, 20, 2048),
    ...requiredProblems("roleSessionName", params.RoleSessionName),
    ...lengthProblems("roleSessionName", params.RoleSessionName, 2, 64),
    ...patternProblems("roleSessionName", params.RoleSessionName, /^[\w+=,.@-]*$/, "[\\w+=,.@-]*"),
    ...rangeProblems("durationSeconds", params.DurationSeconds, 900, 43200),
    ...serialNumberProblems(params.SerialNumber),
    ...tokenCodeProblems(params.TokenCode),
    ...lengthProblems("externalId", params.ExternalId, 2, 1224),
    ...patternProblems("externalId", params.ExternalId, /^[\w+=,.@:/-]*$/, "[\\w+=,.@:\\/-]*"),
  ]);
  const arn = ROLE_ARN.exec(roleArn);
  if (arn === null) throw new StsFault(400, "ValidationError", `${roleArn} is invalid`);
  const [, partition = "aws", account = "", roleName = ""] = arn;

  const role = findRole(state, roleArn);
  if (role === undefined || (role.externalId !== undefined && params.ExternalId !== role.externalId)) throw notAuthorized(caller, roleArn);
  checkRoleDuration(caller, role, durationSeconds);
  const mfaPresent = checkRoleMfa(state, caller, role, roleArn, params);

  const principal: Principal = {
    arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    userId: `${stableId("AROA", roleArn)}:${sessionName}`,
    account,
    kind: "role",
    mfaPresent,
  };
  return (
    credentialsXml(issueCredentials(state, durationSeconds, principal)) +
    element("AssumedRoleUser", element("AssumedRoleId", text(principal.userId)) + element("Arn", text(principal.arn)))
  );
}

function getSessionToken(state: State, caller: Principal, params: Params): string {
  requireValid([
    ...rangeProblems("durationSeconds", params.DurationSeconds, 900, 129600),
    ...serialNumberProblems(params.SerialNumber),
    ...tokenCodeProblems(params.TokenCode),
  ]);
  if (caller.kind !== "user") throw new StsFault(403, "AccessDenied", "Cannot call GetSessionToken with session credentials");
  const mfaPresent = params.SerialNumber !== undefined && params.TokenCode !== undefined;
  if (mfaPresent) acceptMfaCode(state, params.SerialNumber ?? "", params.TokenCode ?? "");
  const principal: Principal = { ...caller, kind: "session", mfaPresent };
  return credentialsXml(issueCredentials(state, Number(params.DurationSeconds ?? 43200), principal));
}

function getCallerIdentity(_state: State, caller: Principal): string {
  return element("Arn", text(caller.arn)) + element("UserId", text(caller.userId)) + element("Account", text(caller.account));
}

function findRole(state: State, roleArn: string): StsRole | undefined {
  const { roles } = state.options;
  if (roles === undefined) return state.options.anyRole ?? {};
  return Object.hasOwn(roles, roleArn) ? roles[roleArn] : undefined;
}

function checkRoleDuration(caller: Principal, role: StsRole, durationSeconds: number): void {
  // AssumeRole signed with any temporary credentials (a role session, or a GetSessionToken session) is role
  // chaining to STS, capped at one hour whatever the role allows.
  if (caller.kind !== "user" && durationSeconds > 3600) {
    throw new StsFault(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
  }
  if (durationSeconds > (role.maxSessionDuration ?? 3600)) {
    throw new StsFault(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
}

/** Checks the MFA code when one is given; returns whether the new session has MFA. */
function checkRoleMfa(state: State, caller: Principal, role: StsRole, roleArn: string, params: Params): boolean {
  if (params.SerialNumber !== undefined && params.TokenCode !== undefined) {
    acceptMfaCode(state, params.SerialNumber, params.TokenCode);
    return true;
  }
  // A GetSessionToken session made with MFA satisfies aws:MultiFactorAuthPresent without a new code.
  if ((role.requireMfa ?? true) && !caller.mfaPresent) throw notAuthorized(caller, roleArn);
  return caller.mfaPresent;
}

/** Real STS accepts a code once per device: a second use fails like a wrong code. */
function acceptMfaCode(state: State, serialNumber: string, code: string): void {
  const mode = state.options.mfa ?? "any";
  const now = Date.now();
  const valid = mode === "any" || [-30_000, 0, 30_000].some((shift) => totpCode(mode.totpSecret, now + shift) === code);
  const usage = `${serialNumber}\n${code}`;
  if (!valid || state.usedCodes.has(usage)) throw new StsFault(403, "AccessDenied", MFA_FAILED);
  state.usedCodes.add(usage);
}

function notAuthorized(caller: Principal, roleArn: string): StsFault {
  return new StsFault(403, "AccessDenied", `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
}

// ---- Parameter validation, worded as STS words it ----

function requireValid(problems: string[]): void {
  if (problems.length === 0) return;
  const count = `${problems.length} validation error${problems.length === 1 ? "" : "s"} detected`;
  throw new StsFault(400, "ValidationError", `${count}: ${problems.join("; ")}`);
}

function requiredProblems(field: string, value: string | undefined): string[] {
  return value === undefined ? [`Value null at '${field}' failed to satisfy constraint: Member must not be null`] : [];
}

function lengthProblems(field: string, value: string | undefined, min: number, max: number): string[] {
  if (value === undefined) return [];
  if (value.length < min) return [`Value '${value}' at '${field}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`];
  if (value.length > max) return [`Value '${value}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`];
  return [];
}

function patternProblems(field: string, value: string | undefined, pattern: RegExp, patternText: string): string[] {
  if (value === undefined || pattern.test(value)) return [];
  return [`Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patternText}`];
}

function rangeProblems(field: string, value: string | undefined, min: number, max: number): string[] {
  if (value === undefined) return [];
  const number = Number(value);
  if (!Number.isInteger(number)) return [`Value '${value}' at '${field}' failed to satisfy constraint: Member must be an integer`];
  if (number < min) return [`Value '${value}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`];
  if (number > max) return [`Value '${value}' at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${max}`];
  return [];
}

function serialNumberProblems(value: string | undefined): string[] {
  return [...lengthProblems("serialNumber", value, 9, 256), ...patternProblems("serialNumber", value, /^[\w+=/:,.@-]*$/, "[\\w+=/:,.@-]*")];
}

function tokenCodeProblems(value: string | undefined): string[] {
  return [...lengthProblems("tokenCode", value, 6, 6), ...patternProblems("tokenCode", value, /^\d*$/, "[\\d]*")];
}

// ---- SigV4 ----

interface Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function authenticate(state: State, request: Request, body: Uint8Array): Principal {
  const authorization = parseAuthorization(request.headers.get("authorization"));
  const key = findKey(state, authorization.accessKeyId, request.headers.get("x-amz-security-token"));
  verifySignature(request, body, authorization, key.secretAccessKey);
  return key.principal;
}

function authorizationKeyId(request: Request): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(request.headers.get("authorization") ?? "")?.[1];
}

function parseAuthorization(header: string | null): Authorization {
  if (header === null) throw new StsFault(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(header.trim());
  if (match === null) throw new StsFault(400, "IncompleteSignature", `Authorization header is not a valid AWS4-HMAC-SHA256 header: ${header.replace(/Signature=\S+/, "Signature=…")}`);
  const [, accessKeyId = "", date = "", region = "", service = "", signedHeaders = "", signature = ""] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

function findKey(state: State, accessKeyId: string, sessionToken: string | null): { secretAccessKey: string; principal: Principal } {
  const { users } = state.options;
  const user = Object.hasOwn(users, accessKeyId) ? users[accessKeyId] : undefined;
  if (user !== undefined) {
    if (sessionToken !== null) throw new StsFault(403, "InvalidClientTokenId", INVALID_TOKEN);
    return { secretAccessKey: user.secretAccessKey, principal: userPrincipal(user.arn ?? DEFAULT_USER_ARN) };
  }
  const issued = state.issued.get(accessKeyId);
  if (issued === undefined || sessionToken !== issued.sessionToken) throw new StsFault(403, "InvalidClientTokenId", INVALID_TOKEN);
  if (issued.expiresAtMs <= Date.now()) throw new StsFault(400, "ExpiredToken", "The security token included in the request is expired");
  return issued;
}

function userPrincipal(arn: string): Principal {
  return { arn, userId: stableId("AIDA", arn), account: arn.split(":")[4] ?? "", kind: "user", mfaPresent: false };
}

function verifySignature(request: Request, body: Uint8Array, authorization: Authorization, secretAccessKey: string): void {
  const amzDate = request.headers.get("x-amz-date");
  if (amzDate === null) throw new StsFault(400, "IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  checkSigningTime(amzDate, authorization.date);
  if (authorization.service !== "sts") throw new StsFault(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. ");
  const scope = `${authorization.date}/${authorization.region}/${authorization.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest(request, body, authorization.signedHeaders))].join("\n");
  const key = ["aws4_request"].reduce(
    hmac,
    [authorization.date, authorization.region, authorization.service].reduce(hmac, Buffer.from(`AWS4${secretAccessKey}`)),
  );
  if (hmac(key, stringToSign).toString("hex") !== authorization.signature) throw new StsFault(403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH);
}

function checkSigningTime(amzDate: string, scopeDate: string): void {
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (Number.isNaN(signedAt) || !amzDate.startsWith(scopeDate)) {
    throw new StsFault(403, "SignatureDoesNotMatch", `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  const now = Date.now();
  if (Math.abs(now - signedAt) > ALLOWED_CLOCK_SKEW_MS) {
    // STS's own words, both ways.
    const [what, relation, limit] = signedAt < now ? ["Signature expired", "is now earlier than", "- 15 min."] : ["Signature not yet current", "is still later than", "+ 15 min."];
    const bound = signedAt < now ? now - ALLOWED_CLOCK_SKEW_MS : now + ALLOWED_CLOCK_SKEW_MS;
    throw new StsFault(403, "SignatureDoesNotMatch", `${what}: ${amzDate} ${relation} ${amzDateOf(bound)} (${amzDateOf(now)} ${limit})`);
  }
}

function canonicalRequest(request: Request, body: Uint8Array, signedHeaders: string[]): string {
  const url = new URL(request.url);
  const headers = signedHeaders.map((name) => `${name}:${(request.headers.get(name) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const query = [...url.searchParams]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)])
    .sort(([a = "", x = ""], [b = "", y = ""]) => (a === b ? compare(x, y) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  // Every service but S3 encodes the already-encoded path once more.
  const path = url.pathname.split("/").map(uriEncode).join("/");
  return [request.method, path, query, headers, signedHeaders.join(";"), sha256Hex(body)].join("\n");
}

function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function amzDateOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

// ---- Issued credentials ----

interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

function issueCredentials(state: State, durationSeconds: number, principal: Principal): IssuedCredentials {
  const lifetimeSeconds = state.lifetimeSeconds ?? durationSeconds;
  // STS gives whole seconds.
  const expiresAtMs = Math.floor(Date.now() / 1000 + lifetimeSeconds) * 1000;
  const accessKeyId = `ASIA${randomBase32(16)}`;
  const secretAccessKey = randomBytes(30).toString("base64");
  const sessionToken = randomBytes(240).toString("base64");
  state.issued.set(accessKeyId, { secretAccessKey, sessionToken, expiresAtMs, principal });
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiresAtMs).toISOString().replace(/\.\d{3}Z$/, "Z") };
}

function credentialsXml(credentials: IssuedCredentials): string {
  return element(
    "Credentials",
    element("AccessKeyId", text(credentials.accessKeyId)) +
      element("SecretAccessKey", text(credentials.secretAccessKey)) +
      element("SessionToken", text(credentials.sessionToken)) +
      element("Expiration", text(credentials.expiration)),
  );
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function randomBase32(length: number): string {
  return [...randomBytes(length)].map((byte) => BASE32[byte % 32]).join("");
}

/** The same ID for the same ARN, shaped like IAM's unique IDs (AIDA…, AROA…). */
function stableId(prefix: string, seed: string): string {
  return prefix + [...createHash("sha256").update(seed).digest().subarray(0, 17)].map((byte) => BASE32[byte % 32]).join("");
}

// ---- TOTP (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits) ----

export function totpCode(base32Secret: string, atMs: number = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const digest = createHmac("sha1", base32Decode(base32Secret)).update(counter).digest();
  const offset = (digest.at(-1) ?? 0) & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

function base32Decode(encoded: string): Buffer {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of encoded.toUpperCase().replace(/[=\s]/g, "")) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not a base32 character: ${char}`);
    buffer = ((buffer << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

// ---- XML ----

function element(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

function text(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function resultDocument(action: string, result: string, requestId: string): string {
  return `<${action}Response xmlns="${NAMESPACE}">${element(`${action}Result`, result)}${element("ResponseMetadata", element("RequestId", text(requestId)))}</${action}Response>`;
}

function errorDocument(fault: StsFault, requestId: string): string {
  const type = fault.status >= 500 ? "Receiver" : "Sender";
  const error = element("Type", type) + element("Code", text(fault.code)) + element("Message", text(fault.message));
  return `<ErrorResponse xmlns="${NAMESPACE}">${element("Error", error)}${element("RequestId", text(requestId))}</ErrorResponse>`;
}

function xmlResponse(status: number, document: string, requestId: string): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${document}\n`, {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  });
}

// ---- Command line ----

/** AWS's documented example keys: the default when none are given. */
const EXAMPLE_KEY = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

async function runFromCommandLine(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      "access-key-id": { type: "string", default: EXAMPLE_KEY.id },
      "secret-access-key": { type: "string", default: EXAMPLE_KEY.secret },
      "max-session-duration": { type: "string", default: "43200" },
    },
  });
  const double = await startStsDouble({
    port: Number(values.port),
    users: { [values["access-key-id"]]: { secretAccessKey: values["secret-access-key"] } },
    mfa: "any",
    // Any role, up to STS's 12 h ceiling, so a demo config's duration_seconds works as written.
    anyRole: { maxSessionDuration: Number(values["max-session-duration"]) },
    onCall: (call) => console.error(describeCall(call)),
  });
  console.log(`listening ${double.url}`);
  const stop = () => void double.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** One log line per call: action, role and outcome, never a key or a code. */
function describeCall(call: StsCall): string {
  const role = call.params.RoleArn === undefined ? "" : ` ${call.params.RoleArn}`;
  return `${call.action || "(no action)"}${role} ${call.error === undefined ? "ok" : `failed: ${call.error}`}`;
}

if (import.meta.main) await runFromCommandLine();
