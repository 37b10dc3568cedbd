import { expect, test } from "bun:test";
import { cacheFolderPath } from "../../src/cache/cacheFolder.ts";
import { stateFolderPath } from "../../src/log/stateFolder.ts";

test("XDG_CACHE_HOME wins on every OS when it is absolute", () => {
  expect(cacheFolderPath({ XDG_CACHE_HOME: "/var/cache/frank" }, "/home/frank", "linux")).toBe("/var/cache/frank/vegas-credentials");
  expect(cacheFolderPath({ XDG_CACHE_HOME: "/Users/frank/.xdg" }, "/Users/frank", "darwin")).toBe("/Users/frank/.xdg/vegas-credentials");
});

test("a relative XDG_CACHE_HOME is ignored, as the XDG spec says", () => {
  expect(cacheFolderPath({ XDG_CACHE_HOME: "cache" }, "/home/frank", "linux")).toBe("/home/frank/.cache/vegas-credentials");
});

test("platform defaults", () => {
  expect(cacheFolderPath({}, "/home/frank", "linux")).toBe("/home/frank/.cache/vegas-credentials");
  expect(cacheFolderPath({}, "/Users/frank", "darwin")).toBe("/Users/frank/Library/Caches/vegas-credentials");
});

test("Windows: under %LOCALAPPDATA% when it is absolute, else the profile's AppData\\Local, with Windows separators", () => {
  expect(cacheFolderPath({ LOCALAPPDATA: "C:\\Users\\frank\\AppData\\Local" }, "C:\\Users\\frank", "win32")).toBe("C:\\Users\\frank\\AppData\\Local\\vegas-credentials\\cache");
  expect(cacheFolderPath({ LOCALAPPDATA: "AppData" }, "C:\\Users\\frank", "win32")).toBe("C:\\Users\\frank\\AppData\\Local\\vegas-credentials\\cache");
  expect(stateFolderPath({ LOCALAPPDATA: "D:\\Local\\" }, "C:\\Users\\frank", "win32")).toBe("D:\\Local\\vegas-credentials\\state");
  expect(stateFolderPath({}, undefined, "win32")).toBeUndefined();
});
