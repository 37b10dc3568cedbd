/**
 * A local stand-in for AWS's console sign-in endpoint (`/federation`), for `login`: getSigninToken takes a
 * role's session only when the STS double issued it and it is live (AWS answers 400 otherwise); Action=login
 * takes only a token it issued, once, and a Destination on an AWS console host. As the console does for a
 * browser, a sign-in sets a session cookie, and one browser profile holds one session: a sign-in as another
 * account over it is refused until `/oauth?Action=logout` ends it. `/whoami` shows whose session a browser holds.
 */
import { randomBytes } from "node:crypto";
import type { StsDouble } from "./stsDouble.ts";

export interface SigninCall {
  action: string;
  /** The session getSigninToken was sent (parsed), or undefined. */
  session?: { sessionId?: string; sessionKey?: string; sessionToken?: string };
  params: Record<string, string>;
  status: number;
}

export interface FederationDouble {
  /** http://127.0.0.1:PORT */
  url: string;
  calls: SigninCall[];
  /** The tokens handed out, with the role each signs in as. */
  tokens: Map<string, string>;
  stop(): void;
}

const CONSOLE_HOST = /^([a-z0-9-]+\.)?console\.(aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)$/;

export function startFederationDouble(sts: StsDouble): FederationDouble {
  const calls: SigninCall[] = [];
  const tokens = new Map<string, string>();
  const used = new Set<string>();
  /** Console sessions by cookie value: the role each is signed in as. */
  const sessions = new Map<string, string>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => {
      const url = new URL(request.url);
      const params = Object.fromEntries(url.searchParams);
      const call: SigninCall = { action: params.Action ?? "", params, status: 400 };
      calls.push(call);
      const reply = (status: number, body: string, type = "text/html") => {
        call.status = status;
        return new Response(body, { status, headers: { "Content-Type": type } });
      };
      const session = /(?:^|;\s*)console-session=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
      const sessionRole = session === undefined ? undefined : sessions.get(session);
      if (url.pathname === "/whoami") return reply(200, `<html><body><h1>${sessionRole === undefined ? "no console session" : `console session of ${sessionRole}`}</h1></body></html>`);
      if (url.pathname === "/oauth" && call.action === "logout") {
        if (session !== undefined) sessions.delete(session);
        const next = params.redirect_uri ?? "";
        // AWS sends the browser on only to its own hosts: here, this one.
        const onward = next.startsWith(`${url.origin}/`) ? next : undefined;
        call.status = onward === undefined ? 200 : 302;
        return new Response(onward === undefined ? "<html>signed out</html>" : "", {
          status: call.status,
          headers: { "Set-Cookie": "console-session=; Path=/; Max-Age=0", ...(onward === undefined ? { "Content-Type": "text/html" } : { Location: onward }) },
        });
      }
      if (url.pathname !== "/federation" || request.method !== "GET") return reply(404, "<html>Not found</html>");
      if (call.action === "getSigninToken") {
        try {
          call.session = JSON.parse(params.Session ?? "");
        } catch {
          return reply(400, "<html>Invalid Session parameter</html>");
        }
        const { sessionId = "", sessionKey = "", sessionToken = "" } = call.session ?? {};
        const role = sts.roleSessionOf(sessionId, sessionKey, sessionToken);
        if (role === undefined) return reply(400, "<html>Invalid credentials parameter</html>");
        const token = randomBytes(180).toString("base64url");
        tokens.set(token, role);
        return reply(200, JSON.stringify({ SigninToken: token }), "application/json");
      }
      if (call.action === "login") {
        const role = tokens.get(params.SigninToken ?? "");
        let destination: URL | undefined;
        try {
          destination = new URL(params.Destination ?? "");
        } catch {}
        if (role === undefined || used.has(params.SigninToken ?? "")) return reply(400, "<html>Invalid or expired sign-in token</html>");
        if (destination?.protocol !== "https:" || !CONSOLE_HOST.test(destination.host)) return reply(400, "<html>Invalid Destination</html>");
        const account = (arn: string) => arn.split(":")[4];
        if (sessionRole !== undefined && account(sessionRole) !== account(role)) {
          return reply(400, "<html><body><h1>You must first log out before logging into a different AWS account.</h1></body></html>");
        }
        used.add(params.SigninToken ?? "");
        const id = randomBytes(24).toString("base64url");
        sessions.set(id, role);
        if (session !== undefined) sessions.delete(session);
        call.status = 200;
        return new Response(`<html><body><h1>signed in as ${role}</h1><p>at ${destination.toString()}</p></body></html>`, {
          status: 200,
          headers: { "Content-Type": "text/html", "Set-Cookie": `console-session=${id}; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax` },
        });
      }
      return reply(400, "<html>Unknown Action</html>");
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, calls, tokens, stop: () => server.stop(true) };
}
