/**
 * A pass-through in front of moto_server that answers one chosen action with an AWS error instead, as AWS words
 * it (the Query protocol's XML), for failures moto cannot be told to make (an IAM policy that denies).
 * Everything else reaches moto untouched.
 */
export interface AwsFault {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Actions answered, by name (the Action parameter of the form body). */
  readonly seen: string[];
  stop(): Promise<void>;
}

/** `times`: only the first so many calls of the action (default: all). `after`: the request reaches moto first and is carried out; only its answer is replaced (an answer lost on the way). */
export function faultInFrontOf(upstream: string, action: string, fault: { status: number; code: string; message: string; after?: boolean; times?: number }): AwsFault {
  let left = fault.times ?? Number.POSITIVE_INFINITY;
  const seen: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const body = await request.arrayBuffer();
      const called = new URLSearchParams(new TextDecoder().decode(body)).get("Action") ?? "";
      seen.push(called);
      const url = new URL(request.url);
      const forward = () => fetch(`${upstream}${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body: request.method === "GET" ? undefined : body, signal: AbortSignal.timeout(20_000) });
      if (called === action && left-- > 0) {
        if (fault.after) await forward();
        const xml = `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${fault.message}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`;
        return new Response(xml, { status: fault.status, headers: { "content-type": "text/xml" } });
      }
      return forward();
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, seen, stop: async () => server.stop(true) };
}
