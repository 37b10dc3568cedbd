/**
 * A forward HTTP proxy for tests, as corporate proxies behave: absolute-form requests for http URLs and CONNECT
 * tunnels for https ones. It reaches only the hosts it is given (names that resolve nowhere else), each mapped
 * to a port on 127.0.0.1, and answers 502 for any other. Every request line is recorded.
 */
import { connect, createServer, type Socket } from "node:net";

export interface ForwardProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The first line of every request, in order: `CONNECT host:443 HTTP/1.1`, `POST http://host:80/ HTTP/1.1`. */
  readonly requests: string[];
  stop(): void;
}

/** `routes`: "host:port" as the client asks for it → the local port that serves it. */
export async function startForwardProxy(routes: Record<string, number>): Promise<ForwardProxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > 65_536) client.destroy();
        return;
      }
      client.off("data", onData);
      const [requestLine = "", ...rest] = head.subarray(0, end).toString("latin1").split("\r\n");
      requests.push(requestLine);
      const [method = "", target = ""] = requestLine.split(" ");
      const tunnel = method === "CONNECT";
      const url = tunnel ? undefined : new URL(target);
      const hostPort = tunnel ? target : `${url?.hostname}:${url?.port || "80"}`;
      const port = routes[hostPort];
      if (port === undefined) {
        client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
      }
      const upstream = connect(port, "127.0.0.1", () => {
        if (tunnel) client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        else upstream.write(`${[`${method} ${url?.pathname}${url?.search} HTTP/1.1`, ...rest].join("\r\n")}\r\n\r\n`);
        const after = head.subarray(end + 4);
        if (after.length > 0) upstream.write(after);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      upstream.on("error", () => client.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
