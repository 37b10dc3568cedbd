import { describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { type RequestLine, refusalOf, sameToken, serverVariables, startCredentialServer } from "../../src/server/credentialServer.ts";
import type { Reporter } from "../../src/output/reporter.ts";
import { UserError } from "../../src/userError.ts";
import { portNumber, serverVariablesSh } from "../../src/commands/serveCredentials.ts";

const TOKEN = "t0k3n-of-forty-three-characters-abcdefghijk";

function request(headers: Record<string, string>, method = "GET", target = "/"): RequestLine {
  return { method, target, host: headers.host ?? "", authorization: headers.authorization };
}

describe("refusalOf", () => {
  test("the token at 127.0.0.1 or localhost at this port: answered", () => {
    expect(refusalOf(request({ host: "127.0.0.1:4000", authorization: TOKEN }), 4000, TOKEN)).toBeUndefined();
    expect(refusalOf(request({ host: "LOCALHOST:4000", authorization: TOKEN }), 4000, TOKEN)).toBeUndefined();
  });

  test.each([
    ["a rebinding name", { host: "attacker.example:4000", authorization: TOKEN }, 403, "ForeignHost"],
    ["another port", { host: "127.0.0.1:4001", authorization: TOKEN }, 403, "ForeignHost"],
    ["no port", { host: "localhost", authorization: TOKEN }, 403, "ForeignHost"],
    ["a name that starts like localhost", { host: "localhost.attacker.example:4000", authorization: TOKEN }, 403, "ForeignHost"],
    ["no token", { host: "127.0.0.1:4000" }, 401, "MissingToken"],
    ["a wrong token", { host: "127.0.0.1:4000", authorization: `${TOKEN}x` }, 403, "WrongToken"],
    ["a Bearer token", { host: "127.0.0.1:4000", authorization: `Bearer ${TOKEN}` }, 403, "WrongToken"],
  ])("%s is refused", (_, headers, status, code) => {
    expect(refusalOf(request(headers), 4000, TOKEN)).toMatchObject({ status, code });
  });

  test("a foreign Host is refused before the token is looked at (a rebinding page learns nothing)", () => {
    expect(refusalOf(request({ host: "attacker.example:4000" }), 4000, TOKEN)?.code).toBe("ForeignHost");
  });

  test("port 80: a Host without a port names it; an absolute-form request line names its own host", () => {
    expect(refusalOf(request({ host: "127.0.0.1", authorization: TOKEN }), 80, TOKEN)).toBeUndefined();
    expect(refusalOf(request({ host: "127.0.0.1", authorization: TOKEN }), 4000, TOKEN)?.code).toBe("ForeignHost");
    expect(refusalOf(request({ host: "127.0.0.1:4000", authorization: TOKEN }, "GET", "http://attacker.example/"), 4000, TOKEN)?.code).toBe("ForeignHost");
    expect(refusalOf(request({ host: "127.0.0.1:4000", authorization: TOKEN }, "GET", "http://127.0.0.1:4000/"), 4000, TOKEN)).toBeUndefined();
    expect(refusalOf(request({ host: "127.0.0.1:4000", authorization: TOKEN }, "GET", "http://127.0.0.1:4000/x"), 4000, TOKEN)?.code).toBe("NotFound");
  });

  test("only GET /", () => {
    expect(refusalOf(request({ host: "127.0.0.1:4000", authorization: TOKEN }, "POST"), 4000, TOKEN)?.status).toBe(405);
    expect(refusalOf(request({ host: "127.0.0.1:4000", authorization: TOKEN }, "GET", "/role"), 4000, TOKEN)?.status).toBe(404);
  });
});

describe("the server, spoken to over HTTP", () => {
  /** A reporter that keeps what it was told. */
  function listening(): { reporter: Reporter; warnings: string[] } {
    const warnings: string[] = [];
    return { warnings, reporter: { verbose: () => {}, warn: (line) => warnings.push(line), notice: () => {}, record: () => {} } };
  }

  /** One request written by hand (the request line and headers exactly as given); the status comes back. */
  function raw(port: number, head: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
      let answer = "";
      socket.setTimeout(10_000, () => socket.destroy(new Error("no answer")));
      socket.on("data", (data) => {
        answer += data.toString();
      });
      socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
      socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
      socket.on("error", reject);
    });
  }

  test("a refresh that fails is not tried again on every request: it waits (30 s, doubling to 15 min) and says so once", async () => {
    const { reporter, warnings } = listening();
    let tries = 0;
    const server = await startCredentialServer(async () => {
      tries++;
      throw new UserError('profile "frank@concerts": cannot reach STS at http://127.0.0.1:9 (ECONNREFUSED)');
    }, reporter);
    try {
      const statuses = [];
      for (let request = 0; request < 5; request++) statuses.push((await fetch(server.url, { headers: { authorization: server.token } })).status);
      expect(statuses).toEqual([503, 503, 503, 503, 503]);
      expect(tries).toBe(1);
      expect(warnings).toEqual([
        'could not refresh the credentials (profile "frank@concerts": cannot reach STS at http://127.0.0.1:9 (ECONNREFUSED)): the next try waits 30 s, then twice as long after each failure, up to 15 minutes',
      ]);
      const body = (await (await fetch(server.url, { headers: { authorization: server.token } })).json()) as { Message: string };
      expect(body.Message).toMatch(/\(the next try in \d+ s\)$/);
    } finally {
      server.stop();
    }
  });

  test("refusals are counted by kind, and CONNECT and an absolute-form target name what was wrong", async () => {
    const { reporter, warnings } = listening();
    const server = await startCredentialServer(async () => ({ accessKeyId: "ASIA", secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + 3600_000) }), reporter);
    const port = Number(new URL(server.url).port);
    try {
      expect(await raw(port, `CONNECT evil.example:443 HTTP/1.1\r\nHost: 127.0.0.1:${port}`)).toBe(405);
      for (let request = 0; request < 3; request++) expect(await raw(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: wrong`)).toBe(403);
      expect(await raw(port, `GET /latest/meta-data HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${server.token}`)).toBe(404);
      expect(await raw(port, `GET / HTTP/1.1\r\nHost: evil.example`)).toBe(403);
      // With the token, an absolute-form target naming another host is refused too (RFC 9112 §3.2.2).
      expect(await raw(port, `GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${server.token}`)).toBe(403);
      expect(await raw(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${server.token}`)).toBe(200);
      expect(warnings).toEqual([
        "refused a request for credentials: CONNECT evil.example:443: a proxy's request, and this is no proxy",
        "refused a request for credentials: a wrong Authorization token",
        "refused a request for credentials: a path other than /",
        'refused a request for credentials: Host "evil.example" is not 127.0.0.1:' + port + " or localhost:" + port + " (a web page reaching in under another name?)",
      ]);
      // The next kind of the same code within 10 s is counted, not told.
      expect(warnings).toHaveLength(4);
    } finally {
      server.stop();
    }
  });
});

describe("sameToken", () => {
  test("equal only when equal, whatever the lengths", () => {
    expect(sameToken(TOKEN, TOKEN)).toBe(true);
    expect(sameToken(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(sameToken("", TOKEN)).toBe(false);
    expect(sameToken(`${TOKEN}${TOKEN}`, TOKEN)).toBe(false);
  });
});

describe("serverVariables", () => {
  const server = { url: "http://127.0.0.1:4000/", token: TOKEN, offer: () => {}, stop: () => {} };

  test("the URL and token set; keys, profiles and the relative URI removed; the credentials file hidden and remembered", () => {
    const variables = new Map(serverVariables(server, { AWS_SHARED_CREDENTIALS_FILE: "/home/frank/.aws/credentials" }));
    expect(variables.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")).toBe(server.url);
    expect(variables.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")).toBe(TOKEN);
    expect(variables.get("AWS_SHARED_CREDENTIALS_FILE")).toBe(process.platform === "win32" ? "NUL" : "/dev/null");
    expect(variables.get("VEGAS_CREDENTIALS_SHARED_CREDENTIALS_FILE")).toBe("/home/frank/.aws/credentials");
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]) {
      expect(variables.has(name) && variables.get(name) === undefined).toBe(true);
    }
  });

  test("nested: the file remembered is the first one, not the hidden one", () => {
    const variables = new Map(serverVariables(server, { AWS_SHARED_CREDENTIALS_FILE: "/dev/null", VEGAS_CREDENTIALS_SHARED_CREDENTIALS_FILE: "" }));
    expect(variables.get("VEGAS_CREDENTIALS_SHARED_CREDENTIALS_FILE")).toBe("");
  });

  test("as sh: quoted exports, then one unset", () => {
    const text = serverVariablesSh([
      ["A", "it's"],
      ["B", undefined],
      ["C", undefined],
    ]);
    expect(text).toBe("export A='it'\\''s'\nunset B C");
  });
});

describe("portNumber", () => {
  test("1-65535, or a free one when not given", () => {
    expect(portNumber(undefined)).toBe(0);
    expect(portNumber("8080")).toBe(8080);
    for (const bad of ["0", "65536", "-1", "80x", "", "1e3", " 80"]) expect(() => portNumber(bad)).toThrow("is not a port");
  });
});
