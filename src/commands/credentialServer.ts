import { type Env, HIDDEN_CREDENTIALS_FILE } from "../environment.ts";
import { expirationText, REFRESH_WINDOW_MS, SHORTEST_WINDOW_MS, type TemporaryCredentials } from "../credentials/temporaryCredentials.ts";
import type { Reporter } from "../output/reporter.ts";
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
const RETRY_AFTER_MS = 30_000;
/**
 * The SDKs give a credentials endpoint 1-2 s per request (botocore 2 s, the JS SDK 1 s), too short to type a
 * code in: the server fetches on its own once the credentials are within botocore's refresh window
 * (REFRESH_WINDOW_MS), so that a code is asked for ahead of time, checking every PROACTIVE_CHECK_MS; after a
 * failure it waits PROACTIVE_BACKOFF_MS before it asks again by itself (a person may be away).
 */
const PROACTIVE_CHECK_MS = 30_000;
const PROACTIVE_BACKOFF_MS = 5 * 60_000;
/** Bun closes a connection idle this long; a request waits while a code is asked for (up to its timeout). */
const IDLE_TIMEOUT_SECONDS = 255;
/** Refusals are told one line at a time, at most one per this long (anything that finds the port could flood the terminal). */
const REFUSAL_QUIET_MS = 10_000;

/** Tells the first refusal, then how many more there were, at most once per REFUSAL_QUIET_MS. */
function refusalTeller(reporter: Reporter): (why: string) => void {
  let toldAt = Number.NEGATIVE_INFINITY;
  let untold = 0;
  return (why) => {
    if (Date.now() - toldAt < REFUSAL_QUIET_MS) {
      untold++;
      return;
    }
    reporter.warn(`refused a request for credentials: ${why}${untold > 0 ? ` (and ${untold} more since the last such line)` : ""}`);
    toldAt = Date.now();
    untold = 0;
  };
}

/**
 * A container-credentials endpoint on 127.0.0.1 (a random port unless `port`): GET / with the token in
 * Authorization answers AccessKeyId, SecretAccessKey, Token and Expiration from `credentials` (the cache, the
 * lock and the MFA path, as `assume`). Refused: another Host (a web page that rebinds its name to 127.0.0.1),
 * no token, a wrong one. Requests that arrive while credentials are being fetched share that one fetch.
 */
export function startCredentialServer(credentials: () => Promise<TemporaryCredentials>, reporter: Reporter, port = 0): CredentialServer {
  const token = randomToken();
  let inFlight: Promise<TemporaryCredentials> | undefined;
  let lastGood: TemporaryCredentials | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  /** The credentials held, if they have more than `leftMs` left. */
  const held = (leftMs: number) => (lastGood !== undefined && lastGood.expiration.getTime() - Date.now() > leftMs ? lastGood : undefined);
  // Credentials still good for a while stand in when a refresh fails (and for a while after), rather than a
  // 503 to every request, each asking for another MFA code.
  const refresh = async () => {
    const standIn = held(STILL_GOOD_MS);
    if (standIn !== undefined && Date.now() - failedAt < RETRY_AFTER_MS) return standIn;
    try {
      lastGood = await credentials();
      return lastGood;
    } catch (error) {
      failedAt = Date.now();
      if (standIn === undefined) throw error;
      reporter.warn(`could not refresh the credentials (${failureLine(error)}): serving those valid until ${standIn.expiration.toISOString()} and trying again later`);
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
    if (lastGood !== undefined && held(REFRESH_WINDOW_MS) === undefined && Date.now() - failedAt > PROACTIVE_BACKOFF_MS) shared().catch(() => {});
  }, PROACTIVE_CHECK_MS);
  ahead.unref();
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: "127.0.0.1",
      port,
      idleTimeout: IDLE_TIMEOUT_SECONDS,
      fetch: async (request) => {
        const refusal = refusalOf(request, server.port ?? port, token);
        if (refusal !== undefined) {
          refused(refusal.why);
          return answer(refusal.status, { Code: refusal.code, Message: refusal.why });
        }
        try {
          const fresh = answerNow() ?? (await shared());
          reporter.verbose(`served credentials valid until ${fresh.expiration.toISOString()}`);
          return answer(200, {
            AccessKeyId: fresh.accessKeyId,
            SecretAccessKey: fresh.secretAccessKey,
            Token: fresh.sessionToken,
            Expiration: expirationText(fresh.expiration),
          });
        } catch (error) {
          const message = failureLine(error);
          reporter.warn(`could not get credentials for a request: ${message}`);
          return answer(503, { Code: "CredentialsUnavailable", Message: message });
        }
      },
      error: () => answer(500, { Code: "InternalError", Message: "the request could not be answered" }),
    });
  } catch (error) {
    clearInterval(ahead);
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") throw new UserError(`--port ${port} is in use on 127.0.0.1: pick another port or leave --port out for a free one`, 2);
    if (code === "EACCES") throw new UserError(`--port ${port} needs privileges this user does not have: pick a port above 1023`, 2);
    throw error;
  }
  return {
    url: `http://127.0.0.1:${server.port}/`,
    token,
    offer: (credentials) => {
      lastGood = credentials;
    },
    stop: () => {
      clearInterval(ahead);
      server.stop(true);
    },
  };
}

interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly why: string;
}

/** Why a request gets no credentials, or undefined. The Host comes first: a rebinding page never learns more. */
export function refusalOf(request: Request, port: number, token: string): Refusal | undefined {
  const host = request.headers.get("host") ?? "";
  // An absolute-form request line (GET http://other/) names its host there too.
  if (!namesThisServer(host, port) || !namesThisServer(new URL(request.url).host, port)) {
    return { status: 403, code: "ForeignHost", why: `Host "${host.slice(0, 80)}" is not 127.0.0.1:${port} or localhost:${port} (a web page reaching in under another name?)` };
  }
  if (request.method !== "GET") return { status: 405, code: "MethodNotAllowed", why: `${request.method.slice(0, 20)} instead of GET` };
  if (new URL(request.url).pathname !== "/") return { status: 404, code: "NotFound", why: "a path other than /" };
  const given = request.headers.get("authorization");
  if (given === null || given === "") return { status: 401, code: "MissingToken", why: "no Authorization token" };
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

function answer(status: number, body: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
}
