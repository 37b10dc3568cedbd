import { describe, expect, test } from "bun:test";
import { cleanSessionName, defaultRoleSessionName, type SessionNameSources } from "../../src/config/defaultRoleSessionName.ts";

function sources(overrides: Partial<SessionNameSources>): SessionNameSources {
  return { fullName: () => undefined, userName: () => undefined, hostName: () => undefined, platform: "linux", arch: "x64", ...overrides };
}

describe("defaultRoleSessionName", () => {
  test("prefers the full name", () => {
    expect(defaultRoleSessionName(sources({ fullName: () => "Frank Sinatra", userName: () => "frank" }))).toBe("Frank.Sinatra");
  });
  test("falls back to the user name, then the host name, then os_arch", () => {
    expect(defaultRoleSessionName(sources({ userName: () => "frank" }))).toBe("frank");
    expect(defaultRoleSessionName(sources({ hostName: () => "sands-hotel" }))).toBe("sands-hotel");
    expect(defaultRoleSessionName(sources({}))).toBe("linux_x64");
  });
  test("skips a candidate that throws or cleans to less than 2 characters", () => {
    const name = defaultRoleSessionName(
      sources({
        fullName: () => {
          throw new Error("no passwd entry");
        },
        userName: () => "?",
        hostName: () => "copa",
      }),
    );
    expect(name).toBe("copa");
  });
});

describe("cleanSessionName", () => {
  test("drops accents and characters STS refuses, keeps [\\w+=,.@-]", () => {
    expect(cleanSessionName("José Ñúñez")).toBe("Jose.Nunez");
    expect(cleanSessionName("frank/sinatra:(1915)")).toBe("franksinatra1915");
    expect(cleanSessionName("a+b=c,d.e@f-g_h")).toBe("a+b=c,d.e@f-g_h");
  });
  test("cuts to 64 characters", () => expect(cleanSessionName("x".repeat(100))).toBe("x".repeat(64)));
  test("gives up below 2 characters", () => {
    expect(cleanSessionName("字")).toBeUndefined();
    expect(cleanSessionName("")).toBeUndefined();
  });
});
