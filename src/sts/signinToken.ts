import type { TemporaryCredentials } from "./temporaryCredentials.ts";
import { awsFetch } from "./awsFetch.ts";

/** The sign-in endpoint answers within seconds; a hung one ends the run well before a person gives up. */
export const SIGNIN_DEADLINE_MS = 15_000;

/** A sign-in token is a few hundred characters; anything far larger is not one. */
const LONGEST_ANSWER = 64 * 1024;

/** Why the sign-in endpoint gave no token: what a person can act on, never the credentials sent. */
export class SigninError extends Error {
  override readonly name = "SigninError";
}

/**
 * AWS's federation for a custom identity broker, step one: the role's session (`sessionId`, `sessionKey`,
 * `sessionToken`) for a sign-in token, at `origin`/federation (the partition's sign-in host). No
 * SessionDuration: AWS refuses it for credentials from AssumeRole, whose console session then lasts as the
 * credentials do.
 */
export async function getSigninToken(origin: string, credentials: TemporaryCredentials): Promise<string> {
  const session = JSON.stringify({ sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken });
  const url = `${origin}/federation?Action=getSigninToken&Session=${encodeURIComponent(session)}`;
  let status: number;
  let text: string | undefined;
  // The deadline covers the answer's body too; errors are never shown as they come (they quote the URL,
  // which carries the session).
  const deadline = AbortSignal.timeout(SIGNIN_DEADLINE_MS);
  try {
    const response = await awsFetch()(url, { signal: deadline, headers: { Accept: "application/json" } });
    status = response.status;
    text = await readBounded(response);
  } catch (error) {
    if (deadline.aborted) throw new SigninError(`${origin} did not answer within ${SIGNIN_DEADLINE_MS / 1000} s`);
    const code = (error as { code?: unknown }).code;
    throw new SigninError(`could not get an answer from ${origin} (${typeof code === "string" && /^[\w.-]{1,40}$/.test(code) ? code : (error as Error).name})`);
  }
  if (status !== 200) {
    throw new SigninError(`${origin} refused the role's session (HTTP ${status}): ${STATUS_HINTS[status] ?? "see the status"}`);
  }
  let token: unknown;
  try {
    token = text === undefined ? undefined : (JSON.parse(text) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  // A token goes into a URL: only the characters AWS's tokens are made of.
  if (typeof token !== "string" || !/^[A-Za-z0-9_\-.~+/=]{16,4096}$/.test(token)) throw new SigninError(`${origin} answered without a sign-in token (is it AWS's sign-in endpoint?)`);
  return token;
}

const STATUS_HINTS: Record<number, string> = {
  400: "the credentials are not a role's session, or they have expired",
  403: "the role's session is not allowed to sign in to the console",
};

/** The body as text, or undefined when it is larger than any answer of AWS's (it is not read further). */
async function readBounded(response: Response): Promise<string | undefined> {
  if (Number(response.headers.get("content-length") ?? "0") > LONGEST_ANSWER || response.body === null) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > LONGEST_ANSWER) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
