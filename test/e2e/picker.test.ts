/**
 * exec, export, login and serve without --profile, at a real terminal (tmux): the role profiles to pick
 * from, most used first, typed to filter, picked with the arrow keys and Enter, left with Esc or Ctrl-C and
 * the screen as it was. The list is drawn on the terminal, never on stdout.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, ROLE_ARN, Sandbox, readmeStsForThisFile } from "../support/sandbox.ts";

let sandbox: Sandbox;
const readme = readmeStsForThisFile();
afterEach(() => sandbox?.remove());

function role(name: string): string {
  return `[profile ${name}]\nvegas_role_arn = ${ROLE_ARN}\nvegas_source_profile = default\nexternal_id = 0093624694724\nendpoint_url = ${readme.sts.url}\n`;
}

function config(names: readonly string[]): string {
  return `[default]\nmfa_serial = ${MFA_SERIAL}\nregion = us-west-1\n\n[profile plain]\nregion = eu-west-1\n\n${names.map(role).join("\n")}`;
}

/** Run log lines as the binary writes them: `runs` successful runs of each profile, `daysAgo` old. */
function writeRunLog(home: string, runs: readonly { profile: string; count: number; daysAgo: number }[]): void {
  const folder = join(home, ".local", "state", "vegas-credentials");
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const lines = runs.flatMap(({ profile, count, daysAgo }) =>
    Array.from({ length: count }, () => `time=${new Date(Date.now() - daysAgo * 86_400_000).toISOString()} pid=1 command=assume profile=${profile} cache=hit exit=0 ms=2.0\n`),
  );
  writeFileSync(join(folder, "application.log"), lines.join(""), { mode: 0o600 });
}

/** The profile exec ran with, as its child sees it (each run its own code: STS takes a code once). */
function printProfile(code: string): string[] {
  return ["--mfa-code", code, "--", "sh", "-c", 'printf "%s\\n" "$VEGAS_CREDENTIALS_PROFILE"'];
}

test("most used first (recent runs weigh more); typing filters; Enter picks; only the credentials reach stdout", async () => {
  sandbox = new Sandbox(config(["frank@concerts", "dean@lounge", "sammy@sands", "joey@copa"]));
  // sammy: 10 runs two months ago; dean: 3 runs today. Recent use wins over old use.
  writeRunLog(sandbox.home, [
    { profile: "sammy@sands", count: 10, daysAgo: 60 },
    { profile: "dean@lounge", count: 3, daysAgo: 0 },
    { profile: "joey@copa", count: 5, daysAgo: 0 },
    { profile: "joey@copa", count: 1, daysAgo: 0 },
  ]);
  const run = await sandbox.inTerminal([BINARY, "export", "--format", "json", "--mfa-code", "123456"]);
  try {
    const screen = await run.waitForText("4/4");
    const listed = screen.split("\n").filter((line) => /@ 222222222222$/.test(line)).map((line) => line.slice(2).split(/\s+/)[0]);
    expect(listed).toEqual(["joey@copa", "dean@lounge", "sammy@sands", "frank@concerts"]);
    expect(screen).toContain("> joey@copa");
    // "plain" has no vegas_role_arn: not a role profile, not offered.
    expect(screen).not.toContain("plain");
    await run.type("fr");
    const filtered = await run.waitForText("Role profile: fr");
    expect(filtered).toContain("1/4");
    expect(filtered).toContain("> frank@concerts  SingerRole @ 222222222222");
    await run.pressEnter();
    const result = await run.done();
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).AccessKeyId).toMatch(/^ASIA/);
    expect(result.stdout).not.toContain("Role profile");
    expect(readme.sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.TokenCode).toBe("123456");
  } finally {
    await run.kill();
  }
});

test("a profile picked, then its MFA code asked at the same terminal", async () => {
  sandbox = new Sandbox(config(["frank@concerts", "dean@lounge"]));
  const run = await sandbox.inTerminal([BINARY, "export", "--format", "json"]);
  try {
    await run.waitForText("2/2");
    await run.type("frank");
    await run.waitForText("Role profile: frank");
    await run.pressEnter();
    await run.waitForText(`MFA code for ${MFA_SERIAL} (frank@concerts)`);
    await run.type("456789");
    await run.pressEnter();
    const result = await run.done();
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).AccessKeyId).toMatch(/^ASIA/);
    expect(readme.sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.TokenCode).toBe("456789");
  } finally {
    await run.kill();
  }
});

test("the arrow keys move; exec runs with the profile picked", async () => {
  sandbox = new Sandbox(config(["a@one", "b@two", "c@three"]));
  const run = await sandbox.inTerminal([BINARY, "exec", ...printProfile("234567")]);
  try {
    await run.waitForText("3/3");
    await run.pressKeys("Down", "Down");
    await run.waitForText("> c@three");
    await run.pressKeys("Up");
    await run.waitForText("> b@two");
    await run.pressEnter();
    const result = await run.done();
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("b@two\n");
  } finally {
    await run.kill();
  }
});

for (const [key, name] of [
  ["Escape", "Esc"],
  ["C-c", "Ctrl-C"],
] as const) {
  test(`${name} leaves: the screen as it was, nothing on stdout, exit 130`, async () => {
    sandbox = new Sandbox(config(["frank@concerts"]));
    const run = await sandbox.inTerminal(["sh", "-c", `echo before-the-picker >/dev/tty; ${BINARY} export 2>&1; echo "exit=$?"`]);
    try {
      await run.waitForText("1/1");
      await run.type("fra");
      await run.waitForText("Role profile: fra");
      await run.pressKeys(key);
      const result = await run.done();
      expect(result.stdout).toBe("vegas-credentials: no profile picked\nexit=130\n");
      // The alternate screen is gone with everything drawn on it; the shell's line is still there.
      expect(result.screen).toContain("before-the-picker");
      expect(result.screen).not.toContain("Role profile");
      expect(result.screen).not.toContain("SingerRole");
    } finally {
      await run.kill();
    }
  });
}

test("500 profiles: a screenful at a time, End and Page Up reach every one, the filter finds one", async () => {
  const names = Array.from({ length: 500 }, (_, index) => `role${String(index).padStart(4, "0")}`);
  sandbox = new Sandbox(config(names));
  const run = await sandbox.inTerminal([BINARY, "exec", ...printProfile("345678")], {}, { rows: 24 });
  try {
    const first = await run.waitForText("500/500");
    // 24 rows: the filter, the count, and 22 profiles.
    expect(first.split("\n").filter((line) => /role\d{4}/.test(line))).toHaveLength(22);
    await run.pressKeys("End");
    const end = await run.waitForText("> role0499");
    expect(end).not.toContain("role0000");
    await run.pressKeys("PageUp");
    await run.waitForText("> role0477");
    await run.type("role0123");
    const found = await run.waitForText("Role profile: role0123");
    expect(found).toContain("1/500");
    await run.pressEnter();
    const result = await run.done();
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("role0123\n");
    // The run is logged under the profile picked: it counts for the next list.
    const log = readFileSync(join(sandbox.home, ".local", "state", "vegas-credentials", "application.log"), "utf8");
    expect(log).toMatch(/command=exec profile=role0123 .*exit=0/);
  } finally {
    await run.kill();
  }
});

test("a 40-column terminal: every line fits, long names cut with …", async () => {
  const long = `frank@${"concerts-at-the-sands-".repeat(4)}las-vegas`;
  sandbox = new Sandbox(config([long, "dean@lounge"]));
  const run = await sandbox.inTerminal([BINARY, "export"], {}, { columns: 40, rows: 12 });
  try {
    const screen = await run.waitForText("2/2");
    for (const line of screen.split("\n")) expect([...line].length).toBeLessThan(40);
    expect(screen).toContain("> dean@lounge");
    // The names' column takes at most half the width.
    expect(screen).toContain("  frank@concerts-at-t…  SingerRole");
    await run.pressKeys("Escape");
    expect((await run.done()).exitCode).toBe(130);
  } finally {
    await run.kill();
  }
});

test("a profile name with escape sequences is shown, not obeyed", async () => {
  const hostile = "evil\x1b[31mred\x1b]0;pwned\x07";
  sandbox = new Sandbox(config([hostile]));
  const run = await sandbox.inTerminal([BINARY, "export"]);
  try {
    const screen = await run.waitForText("1/1");
    expect(screen).toContain("> evil␛[31mred␛]0;pwned␇");
    await run.pressKeys("Escape");
    expect((await run.done()).exitCode).toBe(130);
  } finally {
    await run.kill();
  }
});

test("no terminal: the line a command without --profile has always given", async () => {
  sandbox = new Sandbox(config(["frank@concerts"]));
  for (const command of [["export"], ["exec", "--", "true"], ["login", "--stdout"], ["serve"]]) {
    const result = await sandbox.run([BINARY, ...command]);
    expect(result).toEqual({ exitCode: 2, stdout: "", stderr: "vegas-credentials: Missing required argument: profile (see vegas-credentials --help)\n" });
  }
});

test("no role profile to pick: one line that says how to add one", async () => {
  sandbox = new Sandbox(`[default]\nmfa_serial = ${MFA_SERIAL}\n`);
  const run = await sandbox.inTerminal([BINARY, "export"]);
  const result = await run.done();
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toBe(`vegas-credentials: no role profile (one with vegas_role_arn) in ${join(sandbox.home, ".aws", "config")} to pick: add one with vegas-credentials config add, or name a profile with --profile\n`);
});
