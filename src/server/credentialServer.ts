import { type Env, HIDDEN_CREDENTIALS_FILE } from "../environment.ts";
import { expirationText, REFRESH_WINDOW_MS, SHORTEST_WINDOW_MS, type TemporaryCredentials } from "../credentials/temporaryCredentials.ts";
import type { Reporter } from "../output/reporter.ts";
import { printableLine } from "../output/printableText.ts";
import { failureLine, UserError } from "../userError.ts";

/** The variables the AWS SDKs read to ask a container-credentials endpoint (ECS's protocol). */
export const FULL_URI_VARIABLE = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
export const TOKEN_VARIABLE = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/** Variables that would win over the two above in an SDK: whoever is pointed at the server has them removed. */
const OUTRANKING_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
];

/**
 * What a process pointed at `server` needs in its environment (undefined: removed): the URL and token, nothing
 * an SDK would ask first. The SDKs also look in the shared credentials file before they ask a server, and a
 * [default] profile's long-term keys there (the usual source profile) would win: the process sees an empty
 * file, and this tool, run inside it, the real one (HIDDEN_CREDENTIALS_FILE).
 */
export function serverVariables(server: CredentialServer, env: Env): [string, string | undefined][] {
  return [
    [FULL_URI_VARIABLE, server.url],
    [TOKEN_VARIABLE, server.token],
    [HIDDEN_CREDENTIALS_FILE, env[HIDDEN_CREDENTIALS_FILE] ?? env.AWS_SHARED_CREDENTIALS_FILE ?? ""],
    ["AWS_SHARED_CREDENTIALS_FILE", process.platform === "win32" ? "NUL" : "/dev/null"],
    ...OUTRANKING_VARIABLES.map((name): [string, undefined] => [name, undefined]),
  ];
}

export interface CredentialServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  /** The Authorization header a request must carry: fresh for every server. */
  readonly token: string;
  /** Credentials just fetched outside the server (its owner's first fetch): the refreshes start from them. */
  offer(credentials: TemporaryCredentials): void;
  stop(): void;
}

/** Host headers that name this server: the loopback address it listens on, or localhost, at its port. */
const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost"]);
const STILL_GOOD_MS = 60_000;
/**
 * Every try may ask for a code (a program, a dialog, a person): after a failure the next try waits
 * FIRST_RETRY_MS, then twice as long after each further failure, up to LAST_RETRY_MS, whether a request or
 * the server itself wants it. Meanwhile requests get the credentials held, or the last failure's line.
 */
const FIRST_RETRY_MS = 30_000;
const LAST_RETRY_MS = 15 * 60_000;
/**
 * The SDKs give a credentials endpoint 1-2 s per request (botocore 2 s, the JS SDK 1 s), too short to type a
 * code in: the server fetches on its own once the credentials are within botocore's refresh window
 * (REFRESH_WINDOW_MS), so that a code is asked for ahead of time, checking every PROACTIVE_CHECK_MS.
 */
const PROACTIVE_CHECK_MS = 30_000;
/** Refusals are told one line at a time, at most one per this long (anything that finds the port could flood the terminal). */
const REFUSAL_QUIET_MS = 10_000;

/**
 * Tells the first refusal of each kind, then how many more of that kind there were, at most once per
 * REFUSAL_QUIET_MS for each kind (a flood of one kind never hides another, nor is counted as it).
 */
function refusalTeller(reporter: Reporter): (refusal: Refusal) => void {
  const kinds = new Map<string, { toldAt: number; untold: number }>();
  return (refusal) => {
    const kind = kinds.get(refusal.code) ?? { toldAt: Number.NEGATIVE_INFINITY, untold: 0 };
    kinds.set(refusal.code, kind);
    if (Date.now() - kind.toldAt < REFUSAL_QUIET_MS) {
      kind.untold++;
      return;
    }
    reporter.warn(`refused a request for credentials: ${refusal.why}${kind.untold > 0 ? ` (and ${kind.untold} more of this kind since the last such line)` : ""}`);
    kind.toldAt = Date.now();
    kind.untold = 0;
  };
}

/**
 * A container-credentials endpoint on 127.0.0.1 (a random port unless `port`): GET / with the token in
 * Authorization answers AccessKeyId, SecretAccessKey, Token and Expiration from `credentials` (the cache, the
 * lock and the MFA path, as `assume`). Refused: another Host (a web page that rebinds its name to 127.0.0.1),
 * no token, a wrong one. Requests that arrive while credentials are being fetched share that one fetch.
 */
export async function startCredentialServer(credentials: () => Promise<TemporaryCredentials>, reporter: Reporter, port = 0): Promise<CredentialServer> {
  const token = randomToken();
  let inFlight: Promise<TemporaryCredentials> | undefined;
  let lastGood: TemporaryCredentials | undefined;
  let failures = 0;
  let nextTryAt = Number.NEGATIVE_INFINITY;
  let lastFailure = "";
  /** The credentials held, if they have more than `leftMs` left. */
  const held = (leftMs: number) => (lastGood !== undefined && lastGood.expiration.getTime() - Date.now() > leftMs ? lastGood : undefined);
  // Credentials still good for a while stand in when a refresh fails (and until the next try), rather than a
  // 503 to every request, each asking for another MFA code.
  const refresh = async () => {
    const standIn = held(STILL_GOOD_MS);
    if (Date.now() < nextTryAt) {
      if (standIn !== undefined) return standIn;
      throw new BackingOff(`${lastFailure} (the next try in ${Math.ceil((nextTryAt - Date.now()) / 1000)} s)`);
    }
    try {
      lastGood = await credentials();
      failures = 0;
      nextTryAt = Number.NEGATIVE_INFINITY;
      return lastGood;
    } catch (error) {
      failures++;
      lastFailure = failureLine(error);
      nextTryAt = Date.now() + Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
      // Said once per run of failures, not on every try.
      if (failures === 1) {
        const serving = standIn === undefined ? "" : `serving those valid until ${standIn.expiration.toISOString()}; `;
        reporter.warn(`could not refresh the credentials (${lastFailure}): ${serving}the next try waits ${FIRST_RETRY_MS / 1000} s, then twice as long after each failure, up to ${LAST_RETRY_MS / 60_000} minutes`);
      }
      if (standIn === undefined) throw new BackingOff(lastFailure);
      return standIn;
    }
  };
  const shared = () => {
    inFlight ??= refresh().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  // While a refresh waits (for a code, say), a request gets the credentials held if the SDKs still take them:
  // they give an endpoint 1-2 s and want 5 minutes left (the JS SDK's margin).
  const answerNow = () => (inFlight !== undefined ? held(SHORTEST_WINDOW_MS) : undefined);
  const refused = refusalTeller(reporter);
  const ahead = setInterval(() => {
    if (lastGood !== undefined && held(REFRESH_WINDOW_MS) === undefined && Date.now() >= nextTryAt) shared().catch(() => {});
  }, PROACTIVE_CHECK_MS);
  ahead.unref();
  let boundPort = port;
  const respond = async (request: RequestLine): Promise<Answer> => {
    const refusal = refusalOf(request, boundPort, token);
    if (refusal !== undefined) {
      refused(refusal);
      return { status: refusal.status, body: { Code: refusal.code, Message: refusal.why } };
    }
    try {
      const fresh = answerNow() ?? (await shared());
      reporter.verbose(`served credentials valid until ${fresh.expiration.toISOString()}`);
      return { status: 200, body: { AccessKeyId: fresh.accessKeyId, SecretAccessKey: fresh.secretAccessKey, Token: fresh.sessionToken, Expiration: expirationText(fresh.expiration) } };
    } catch (error) {
      const message = failureLine(error);
      // A failed refresh has said its line once already (see refresh).
      if (!(error instanceof BackingOff)) reporter.warn(`could not get credentials for a request: ${message}`);
      return { status: 503, body: { Code: "CredentialsUnavailable", Message: message } };
    }
  };
  // node:http, not Bun.serve: Bun.serve rebuilds the URL from Host and hides an absolute-form target
  // (GET http://other/), whose authority RFC 9112 makes the host of the request.
  const http = require("node:http") as typeof import("node:http");
  const server = http.createServer((incoming, outgoing) => {
    respond(requestLine(incoming))
      .catch((): Answer => ({ status: 500, body: { Code: "InternalError", Message: "the request could not be answered" } }))
      .then((reply) => send(outgoing, reply))
      .catch(() => outgoing.destroy());
  });
  // A request waits while a code is asked for (up to the MFA timeout): no deadline of the server's own on it.
  server.requestTimeout = 0;
  server.headersTimeout = 10_000;
  // CONNECT (authority-form) never reaches the request handler: refused here, with what was wrong.
  server.on("connect", (incoming: import("node:http").IncomingMessage, socket: import("node:stream").Duplex) => {
    respond(requestLine(incoming))
      .then((reply) => {
        const body = JSON.stringify(reply.body);
        socket.end(`HTTP/1.1 ${reply.status} ${http.STATUS_CODES[reply.status] ?? ""}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      })
      .catch(() => socket.destroy());
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(ahead);
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") throw new UserError(`--port ${port} is in use on 127.0.0.1: pick another port or leave --port out for a free one`, 2);
    if (code === "EACCES") throw new UserError(`--port ${port} needs privileges this user does not have: pick a port above 1023`, 2);
    throw error;
  }
  boundPort = (server.address() as import("node:net").AddressInfo).port;
  return {
    url: `http://127.0.0.1:${boundPort}/`,
    token,
    offer: (credentials) => {
      lastGood = credentials;
    },
    stop: () => {
      clearInterval(ahead);
      server.close();
      server.closeAllConnections();
    },
  };
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, string>;
}

/** What a request says of itself, as it came: the request target unchanged (origin-, absolute- or authority-form). */
export interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly host: string;
  readonly authorization: string | undefined;
}

function requestLine(incoming: import("node:http").IncomingMessage): RequestLine {
  const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(",") : value);
  return { method: incoming.method ?? "", target: incoming.url ?? "", host: header(incoming.headers.host) ?? "", authorization: header(incoming.headers.authorization) };
}

function send(outgoing: import("node:http").ServerResponse, reply: Answer): void {
  outgoing.writeHead(reply.status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  outgoing.end(JSON.stringify(reply.body));
}

/** A refresh that failed, or that waits before it tries again: its line has been said. */
class BackingOff extends UserError {}

interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly why: string;
}

/** Why a request gets no credentials, or undefined. The Host comes first: a rebinding page never learns more. */
export function refusalOf(request: RequestLine, port: number, token: string): Refusal | undefined {
  const { host } = request;
  if (!namesThisServer(host, port)) {
    return { status: 403, code: "ForeignHost", why: `Host "${printableLine(host, 80)}" is not 127.0.0.1:${port} or localhost:${port} (a web page reaching in under another name?)` };
  }
  // CONNECT names a host:port to tunnel to (authority-form): this server is no proxy.
  if (request.method === "CONNECT") return { status: 405, code: "MethodNotAllowed", why: `CONNECT ${printableLine(request.target, 80)}: a proxy's request, and this is no proxy` };
  // An absolute-form target (GET http://other/) names the request's host itself (RFC 9112 §3.2.2).
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(request.target) ? URL.parse(request.target) : undefined;
  if (absolute !== undefined && (absolute === null || !namesThisServer(absolute.host, port))) {
    return { status: 403, code: "ForeignHost", why: `the request line names ${printableLine(absolute?.host || request.target, 80)}, not 127.0.0.1:${port} or localhost:${port}` };
  }
  if (request.method !== "GET") return { status: 405, code: "MethodNotAllowed", why: `${printableLine(request.method, 20)} instead of GET` };
  const path = absolute?.pathname ?? request.target.split("?")[0];
  if (path !== "/") return { status: 404, code: "NotFound", why: "a path other than /" };
  const given = request.authorization;
  if (given === undefined || given === "") return { status: 401, code: "MissingToken", why: "no Authorization token" };
  if (!sameToken(given, token)) return { status: 403, code: "WrongToken", why: "a wrong Authorization token" };
  return undefined;
}

/** A client leaves the port out of Host when it is 80, and so does a URL. */
function namesThisServer(host: string, port: number): boolean {
  const match = /^([^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  return match !== null && LOOPBACK_NAMES.has(match[1] ?? "") && Number(match[2] ?? 80) === port;
}

/** Compared in time that does not depend on where the two first differ (a guess learns nothing). */
export function sameToken(given: string, expected: string): boolean {
  const { createHash, timingSafeEqual } = require("node:crypto") as typeof import("node:crypto");
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** 32 random bytes, base64url: a new token per server, never written anywhere but the child's environment or stdout. */
function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Buffer.from(bytes).toString("base64url");
}


