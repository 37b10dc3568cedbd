import { describe, expect, test } from "bun:test";
import { refusalOf, sameToken, serverVariables } from "../../src/commands/credentialServer.ts";
import { portNumber, serverVariablesSh } from "../../src/commands/serveCredentials.ts";

const TOKEN = "t0k3n-of-forty-three-characters-abcdefghijk";

function request(headers: Record<string, string>, method = "GET", path = "/"): Request {
  return new Request(`http://127.0.0.1:4000${path}`, { method, headers });
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
    expect(refusalOf(new Request("http://127.0.0.1/", { headers: { host: "127.0.0.1", authorization: TOKEN } }), 80, TOKEN)).toBeUndefined();
    expect(refusalOf(request({ host: "127.0.0.1", authorization: TOKEN }), 4000, TOKEN)?.code).toBe("ForeignHost");
    const absolute = new Request("http://attacker.example/", { headers: { host: "127.0.0.1:4000", authorization: TOKEN } });
    expect(refusalOf(absolute, 4000, TOKEN)?.code).toBe("ForeignHost");
  });

  test("only GET /", () => {
    expect(refusalOf(request({ host: "127.0.0.1:4000", authorization: TOKEN }, "POST"), 4000, TOKEN)?.status).toBe(405);
    expect(refusalOf(request({ host: "127.0.0.1:4000", authorization: TOKEN }, "GET", "/role"), 4000, TOKEN)?.status).toBe(404);
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
