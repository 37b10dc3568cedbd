import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatRunLine, LOG_FILE, LOG_KEEP, LOG_MAX_BYTES, writeRunLog } from "../../src/log/runLog.ts";
import { stateFolderPath } from "../../src/log/stateFolder.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function tempFolder(): string {
  const folder = temporaryFolder("vegas-log-");
  folders.push(folder);
  return folder;
}

const run = { command: "assume", facts: { profile: "frank@concerts", roleArn: "arn:aws:iam::222222222222:role/SingerRole", cache: "hit" as const }, exitCode: 0, durationMs: 21.34 };

describe("the run's log line", () => {
  test("logfmt, quoting only what needs it", () => {
    const line = formatRunLine({ ...run, exitCode: 1, error: 'profile "x" not found' }, new Date("2026-11-24T10:00:00Z"));
    expect(line).toBe(
      `time=2026-11-24T10:00:00.000Z pid=${process.pid} command=assume profile=frank@concerts role=arn:aws:iam::222222222222:role/SingerRole cache=hit exit=1 ms=21.3 error="profile \\"x\\" not found"\n`,
    );
  });

  test("is appended to application.log in the state folder, made 0700 with the file 0600", async () => {
    const folder = join(tempFolder(), "state", "vegas-credentials");
    expect(await writeRunLog(folder, run)).toEqual({ written: true });
    expect(await writeRunLog(folder, { ...run, facts: { ...run.facts, cache: "miss" } })).toEqual({ written: true });
    const lines = readFileSync(join(folder, LOG_FILE), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("cache=hit");
    expect(lines[1]).toContain("cache=miss");
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, LOG_FILE)).mode & 0o777).toBe(0o600);
  });

  test("parallel writers never interleave their lines", async () => {
    const folder = tempFolder();
    await Promise.all(Array.from({ length: 50 }, (_, index) => writeRunLog(folder, { ...run, command: `assume-${index}` })));
    const lines = readFileSync(join(folder, LOG_FILE), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(50);
    for (const line of lines) expect(line).toMatch(/^time=\S+ pid=\d+ command=assume-\d+ profile=frank@concerts .* ms=21\.3$/);
  });

  test("past its size limit it is rotated: .1, .2, .3, the oldest dropped", async () => {
    const folder = tempFolder();
    const path = join(folder, LOG_FILE);
    for (let generation = 1; generation <= LOG_KEEP + 1; generation++) {
      writeFileSync(path, `generation ${generation}\n`.padEnd(LOG_MAX_BYTES, "."));
      await writeRunLog(folder, run);
    }
    const start = (file: string) => readFileSync(file, "utf8").slice(0, 13);
    expect(start(path)).toStartWith("time=");
    // The newest rotated file is .1; generation 1 fell off the end.
    expect([1, 2, 3].map((index) => start(`${path}.${index}`))).toEqual(["generation 4\n", "generation 3\n", "generation 2\n"]);
    expect(existsSync(`${path}.${LOG_KEEP + 1}`)).toBe(false);
  });

  test("a log that cannot be written says so and never throws", async () => {
    const blocker = join(tempFolder(), "not-a-folder");
    writeFileSync(blocker, "");
    expect(await writeRunLog(join(blocker, "vegas-credentials"), run)).toEqual({ written: false });
  });

  test("a symbolic link planted at the log's path is not written through", async () => {
    const folder = tempFolder();
    const target = join(tempFolder(), "precious");
    writeFileSync(target, "keep me");
    symlinkSync(target, join(folder, LOG_FILE));
    const problem = `the run log ${join(folder, LOG_FILE)} is a symbolic link (to ${target}), which is never written through: remove it, and a new log starts there`;
    expect(await writeRunLog(folder, run)).toEqual({ written: false, problem });
    expect(readFileSync(target, "utf8")).toBe("keep me");
    // Said once per target: the next run is quiet, a link to somewhere else is said again.
    expect(await writeRunLog(folder, run)).toEqual({ written: false });
    const other = join(tempFolder(), "elsewhere");
    rmSync(join(folder, LOG_FILE));
    symlinkSync(other, join(folder, LOG_FILE));
    expect((await writeRunLog(folder, run)).problem).toContain(`(to ${other})`);
  });

  test("a state folder that others can write to, or that is a link, is not written to, and the outcome says why", async () => {
    const open = tempFolder();
    chmodSync(open, 0o777);
    expect(await writeRunLog(open, run)).toEqual({ written: false, problem: `state folder ${open} can be written by other users: run chmod 700 ${open}` });
    expect(existsSync(join(open, LOG_FILE))).toBe(false);
    const link = join(tempFolder(), "linked");
    symlinkSync(tempFolder(), link);
    expect((await writeRunLog(link, run)).problem).toStartWith(`state folder ${link} is a symbolic link`);
  });
});

describe("the state folder", () => {
  test.each([
    [{ XDG_STATE_HOME: "/x/state" }, "linux", "/x/state/vegas-credentials"],
    [{ XDG_STATE_HOME: "relative" }, "linux", "/home/frank/.local/state/vegas-credentials"],
    [{}, "linux", "/home/frank/.local/state/vegas-credentials"],
    [{}, "darwin", "/home/frank/Library/Logs/vegas-credentials"],
  ])("%j on %s → %s", (env, platform, expected) => {
    expect(stateFolderPath(env, "/home/frank", platform as NodeJS.Platform)).toBe(expected);
  });

  test("with no home folder only XDG_STATE_HOME gives one; else there is no log", () => {
    expect(stateFolderPath({ XDG_STATE_HOME: "/x/state" }, undefined, "linux")).toBe("/x/state/vegas-credentials");
    expect(stateFolderPath({}, undefined, "linux")).toBeUndefined();
  });
});
