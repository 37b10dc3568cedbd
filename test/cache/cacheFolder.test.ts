import { expect, test } from "bun:test";
import { cacheFolderPath } from "../../src/cache/cacheFolder.ts";

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
