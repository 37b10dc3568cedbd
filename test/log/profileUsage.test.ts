import { afterEach, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatRunLine } from "../../src/log/runLog.ts";
import { profileUsage, readRunLine } from "../../src/log/profileUsage.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

let folder: string;
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const NOW = new Date("2026-12-03T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const line = (profile: string, days: number, command = "assume", exitCode = 0) =>
  formatRunLine({ command, facts: { profile } as never, exitCode, durationMs: 1 }, daysAgo(days));

test("each successful run that used a profile counts, halved every 14 days of age", () => {
  folder = temporaryFolder("usage-");
  writeFileSync(join(folder, "application.log"), [line("frank", 0), line("frank", 14, "exec"), line("dean", 28, "login"), line("dean", 0, "assume", 1), line("sammy", 0, "cache list")].join(""));
  writeFileSync(join(folder, "application.log.2"), line("joey", 0, "serve"));
  const usage = profileUsage(folder, NOW);
  expect(usage.get("frank")).toBeCloseTo(1.5);
  expect(usage.get("dean")).toBeCloseTo(0.25);
  expect(usage.get("joey")).toBeCloseTo(1);
  expect(usage.has("sammy")).toBe(false);
});

test("a name with spaces or escapes, as the log quotes it, is read back whole", () => {
  const hostile = 'frank "the voice"\x1b[31m';
  expect(readRunLine(line(hostile, 0))?.profile).toBe(hostile);
  expect(readRunLine("time=x command=assume profile=a exit=0")).toBeUndefined();
  expect(readRunLine('time=2026-12-03T12:00:00Z command=assume profile="broken exit=0')).toBeUndefined();
});

test("no state folder, no log, or a log that is a symbolic link: no usage, never a failure", () => {
  folder = temporaryFolder("usage-");
  expect(profileUsage(undefined, NOW).size).toBe(0);
  expect(profileUsage(join(folder, "missing"), NOW).size).toBe(0);
  mkdirSync(join(folder, "elsewhere"));
  writeFileSync(join(folder, "elsewhere", "log"), line("frank", 0));
  symlinkSync(join(folder, "elsewhere", "log"), join(folder, "application.log"));
  expect(profileUsage(folder, NOW).size).toBe(0);
});
