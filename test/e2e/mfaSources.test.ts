/**
 * Every MFA source a user has, raced, through the compiled binary against the STS double: the terminal (a real
 * pseudo-terminal), a YubiKey (a fake ykman on PATH, as no key is plugged into CI) and a native dialog (a fake
 * zenity on PATH; test/e2e/realDialog.test.ts drives the real one).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, PROMPT, ROOT, Sandbox, credentialDocument, ensureBinary, readmeConfig, startReadmeSts } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const ASSUME = [BINARY, "assume", "--profile", "frank@concerts"];
const FAKES = join(ROOT, "test", "support", "fakes");
const SERIAL = "12345678";
const PASSWORD = "Luck-Be-A-Lady-2night";
const ANNOUNCEMENT_START = `MFA code for ${MFA_SERIAL} (frank@concerts): `;
let sts: StsDouble;
let sandbox: Sandbox;
let nextCode = 300_000;
const freshCode = () => String(nextCode++);

beforeAll(async () => {
  ensureBinary();
  sts = await startReadmeSts();
});

afterAll(() => sts.stop());
afterEach(() => sandbox?.remove());

/** A sandbox whose PATH finds the chosen fakes first; `sourceExtra` goes into [default]. */
function newSandbox(sourceExtra = "", fakes: readonly Fake[] = ["ykman", "zenity"]): Sandbox {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`).replace("[default]\n", `[default]\n${sourceExtra}`));
  putOnPath(fakes);
  return sandbox;
}

type Fake = "ykman" | "zenity" | "notify-send" | "gdbus";

function putOnPath(fakes: readonly Fake[]): void {
  const bin = join(sandbox.home, "fake-bin");
  mkdirSync(bin, { recursive: true });
  for (const fake of fakes) symlinkSync(join(FAKES, fake), join(bin, fake));
  sandbox.env.PATH = `${bin}:${sandbox.env.PATH}`;
}

function yubikey(code: string, more: Record<string, string> = {}): Record<string, string> {
  return { FAKE_YKMAN_SERIALS: SERIAL, FAKE_YKMAN_ACCOUNT: MFA_SERIAL, FAKE_YKMAN_CODE: code, FAKE_YKMAN_LOG: join(sandbox.home, "ykman.log"), ...more };
}

function zenity(answer: string, more: Record<string, string> = {}): Record<string, string> {
  return { DISPLAY: ":99", FAKE_ZENITY_ANSWER: answer, FAKE_ZENITY_LOG: join(sandbox.home, "zenity.log"), ...more };
}

function logOf(name: "ykman.log" | "zenity.log" | "notify.log"): string {
  const path = join(sandbox.home, name);
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

function lastTokenCode(): string | undefined {
  return sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.TokenCode;
}

function pidsIn(log: string): number[] {
  return [...log.matchAll(/^pid=(\d+)/gm)].map((match) => Number(match[1]));
}

/** Alive and not a zombie (a killed child whose parent has exited waits here to be reaped by init). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function runLog(): string {
  const path = join(sandbox.home, ".local", "state", "vegas-credentials", "application.log");
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

describe("the YubiKey", () => {
  test("wins over the terminal: one message names both, the code comes by touch, the prompt is withdrawn and the terminal restored", async () => {
    newSandbox();
    const code = freshCode();
    const stty = join(sandbox.home, "stty-after");
    const run = await sandbox.inTerminal(["sh", "-c", `stty -a < /dev/tty > "${stty}.before"; "$0" "$@"; status=$?; stty -a < /dev/tty > "${stty}"; exit $status`, ...ASSUME], yubikey(code, { FAKE_YKMAN_DELAY: "1" }));
    await run.waitForText(`${ANNOUNCEMENT_START}type it here or touch your YubiKey`);
    const result = await run.done();
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    credentialDocument(result.stdout);
    expect(lastTokenCode()).toBe(code);
    expect(logOf("ykman.log")).toContain(`args=--device ${SERIAL} oath accounts code --single ${MFA_SERIAL}`);
    // The "MFA code: " prompt is gone from the screen, and the terminal is in the mode it was in before.
    expect(result.screen).not.toContain("MFA code: ");
    expect(readFileSync(stty, "utf8")).toBe(readFileSync(`${stty}.before`, "utf8"));
  });

  test("typing at the terminal still wins while the key waits for a touch, and ykman is killed", async () => {
    newSandbox();
    const code = freshCode();
    const run = await sandbox.inTerminal(ASSUME, yubikey("999999", { FAKE_YKMAN_DELAY: "30" }));
    await run.waitForText(/^MFA code:/m);
    await run.type(code);
    await run.pressEnter();
    const result = await run.done();
    expect(result.exitCode).toBe(0);
    expect(lastTokenCode()).toBe(code);
    const ykmanPids = pidsIn(logOf("ykman.log"));
    expect(ykmanPids.length).toBe(2);
    expect(ykmanPids.filter(isRunning)).toEqual([]);
  });

  test("vegas_yubikey_serial picks one of several keys; vegas_yubikey_label names the account", async () => {
    newSandbox("vegas_yubikey_serial = 87654321\nvegas_yubikey_label = AWS:frank\n");
    const code = freshCode();
    const result = await sandbox.run(ASSUME, yubikey(code, { FAKE_YKMAN_SERIALS: `${SERIAL} 87654321`, FAKE_YKMAN_ACCOUNT: "AWS:frank" }));
    expect(result.exitCode).toBe(0);
    expect(lastTokenCode()).toBe(code);
    expect(logOf("ykman.log")).toContain("args=--device 87654321 oath accounts code --single AWS:frank");
    expect(result.stderr).toBe(`vegas-credentials: ${ANNOUNCEMENT_START}touch your YubiKey\n`);
  });

  test("no key plugged in: it gives up quietly, and says why only with --verbose", async () => {
    newSandbox();
    const quiet = await sandbox.run(ASSUME, yubikey("123456", { FAKE_YKMAN_SERIALS: "" }));
    expect(quiet.exitCode).toBe(1);
    expect(quiet.stdout).toBe("");
    expect(quiet.stderr).toBe(
      `vegas-credentials: ${ANNOUNCEMENT_START}touch your YubiKey\nvegas-credentials: no valid MFA code was entered for profile "frank@concerts" (YubiKey: no YubiKey is plugged in): enter the 6-digit code shown by ${MFA_SERIAL}\n`,
    );
    const verbose = await sandbox.run([...ASSUME, "--verbose"], yubikey("123456", { FAKE_YKMAN_SERIALS: "" }));
    expect(verbose.stderr).toContain("MFA source YubiKey gave up: no YubiKey is plugged in");

    // With a terminal, the person just types the code: nothing is said about the missing key.
    const code = freshCode();
    const run = await sandbox.inTerminal(ASSUME, yubikey("123456", { FAKE_YKMAN_SERIALS: "" }));
    await run.waitForText(/^MFA code:/m);
    await run.type(code);
    await run.pressEnter();
    const typed = await run.done();
    expect(typed.exitCode).toBe(0);
    expect(typed.stderr).toBe("");
    expect(typed.screen).not.toContain("plugged in");
  });

  test("an account the key does not have, or several keys and no serial set: the reason names the setting to fix", async () => {
    newSandbox("vegas_yubikey_label = Nope\n");
    const noAccount = await sandbox.run(ASSUME, yubikey("123456"));
    expect(noAccount.stderr).toContain(`(YubiKey: YubiKey ${SERIAL} has no OATH account "Nope" (set vegas_yubikey_label to the name ykman oath accounts list shows))`);
    newSandbox();
    const several = await sandbox.run(ASSUME, yubikey("123456", { FAKE_YKMAN_SERIALS: `${SERIAL} 87654321` }));
    expect(several.stderr).toContain(`2 YubiKeys are plugged in (${SERIAL}, 87654321): set vegas_yubikey_serial to pick one`);
  });
});

describe("a YubiKey touch nobody can miss", () => {
  /** What the fake notify-send and gdbus were run with, one array per run. */
  const notifyRuns = () =>
    logOf("notify.log")
      .split("run ")
      .filter((run) => run !== "")
      .map((run) => run.trimEnd().split("\n"));
  const desktop = () => ({ DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus", FAKE_NOTIFY_LOG: join(sandbox.home, "notify.log"), FAKE_NOTIFY_ID: "4711" });

  test("no terminal: a desktop notification names the key and the profile while it waits, and is withdrawn when the code arrives", async () => {
    newSandbox("", ["ykman", "notify-send", "gdbus"]);
    const code = freshCode();
    const result = await sandbox.run(ASSUME, { ...yubikey(code, { FAKE_YKMAN_DELAY: "1" }), ...desktop() });
    expect(result.exitCode).toBe(0);
    expect(lastTokenCode()).toBe(code);
    // The code waits half a second at most for the withdrawal, which goes on after: bounded wait for it.
    for (let waited = 0; notifyRuns().length < 2 && waited < 50; waited++) await Bun.sleep(100);
    const runs = notifyRuns();
    expect(runs).toHaveLength(2);
    const [shown = [], withdrawn = []] = runs;
    expect(shown[0]).toBe("notify-send");
    expect(shown).toContain("--print-id");
    expect(shown).toContain("--app-name=vegas-credentials");
    expect(shown.slice(-2)).toEqual([`Touch YubiKey ${SERIAL}`, `${ANNOUNCEMENT_START.slice(0, -2)}: the key waits for a touch`]);
    expect(withdrawn).toEqual(["gdbus", "call", "--session", "--dest", "org.freedesktop.Notifications", "--object-path", "/org/freedesktop/Notifications", "--method", "org.freedesktop.Notifications.CloseNotification", "4711"]);
  });

  test("withdrawn too when another source answers first and the key stops waiting", async () => {
    newSandbox("", ["ykman", "zenity", "notify-send", "gdbus"]);
    const code = freshCode();
    const result = await sandbox.run(ASSUME, { ...yubikey("999999", { FAKE_YKMAN_DELAY: "30" }), ...zenity(code, { FAKE_ZENITY_DELAY: "1" }), ...desktop() });
    expect(result.exitCode).toBe(0);
    expect(lastTokenCode()).toBe(code);
    // The process may end while gdbus runs: give the withdrawal its moment, bounded.
    for (let waited = 0; notifyRuns().length < 2 && waited < 50; waited++) await Bun.sleep(100);
    expect(notifyRuns().map((run) => run[0])).toEqual(["notify-send", "gdbus"]);
  });

  test("at a terminal, which shows the line, no notification; nor for a key that needs no touch", async () => {
    newSandbox("", ["ykman", "notify-send", "gdbus"]);
    const run = await sandbox.inTerminal(ASSUME, { ...yubikey(freshCode(), { FAKE_YKMAN_DELAY: "1" }), ...desktop() });
    expect((await run.done()).exitCode).toBe(0);
    expect(notifyRuns()).toEqual([]);
    const result = await sandbox.run([BINARY, "assume", "--profile", "frank@concerts"], { ...yubikey(freshCode(), { FAKE_YKMAN_NO_TOUCH: "1" }), ...desktop() });
    expect(result.exitCode).toBe(0);
    expect(notifyRuns()).toEqual([]);
  });
});

describe("a password protected YubiKey", () => {
  test("asks for the password hidden, retries a wrong one, caches it 12 hours, and never shows or logs it", async () => {
    newSandbox();
    const code = freshCode();
    const run = await sandbox.inTerminal(ASSUME, yubikey(code, { FAKE_YKMAN_PASSWORD: PASSWORD }));
    await run.waitForText(`OATH password of YubiKey ${SERIAL}:`);
    await run.type("not-the-password");
    await run.pressEnter();
    await run.waitForText(`Wrong password; try again (2 tries left). OATH password of YubiKey ${SERIAL}:`);
    await run.type(PASSWORD);
    await run.pressEnter();
    const first = await run.done();
    expect(first.exitCode).toBe(0);
    expect(lastTokenCode()).toBe(code);
    expect(first.screen).not.toContain(PASSWORD);
    expect(first.screen).not.toContain("not-the-password");
    expect(logOf("ykman.log")).toContain("password=wrong");
    expect(logOf("ykman.log")).not.toContain("asked-on-terminal");

    const listed = JSON.parse((await sandbox.run([BINARY, "cache", "--json"])).stdout) as { kind: string; yubikeySerial: string | null; expiresAt: string }[];
    const entry = listed.find((item) => item.kind === "yubikey-password");
    expect(entry?.yubikeySerial).toBe(SERIAL);
    const hoursLeft = (Date.parse(entry?.expiresAt ?? "") - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(11.9);
    expect(hoursLeft).toBeLessThanOrEqual(12);

    // The next code needs no password and no terminal: the cached one opens the key.
    await sandbox.run([BINARY, "cache", "clean", "--credential"]);
    const next = freshCode();
    const second = await sandbox.run(ASSUME, yubikey(next, { FAKE_YKMAN_PASSWORD: PASSWORD }));
    expect(second.exitCode).toBe(0);
    expect(lastTokenCode()).toBe(next);

    for (const text of [first.stdout, first.stderr, second.stdout, second.stderr, runLog(), logOf("ykman.log")]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(code);
    }
  });

  test("a cached password that no longer works is dropped and asked again", async () => {
    newSandbox();
    const run = await sandbox.inTerminal(ASSUME, yubikey(freshCode(), { FAKE_YKMAN_PASSWORD: "old-password" }));
    await run.waitForText(`OATH password of YubiKey ${SERIAL}:`);
    await run.type("old-password");
    await run.pressEnter();
    expect((await run.done()).exitCode).toBe(0);
    await sandbox.run([BINARY, "cache", "clean", "--credential"]);

    const code = freshCode();
    const again = await sandbox.inTerminal(ASSUME, yubikey(code, { FAKE_YKMAN_PASSWORD: "new-password" }));
    await again.waitForText(`OATH password of YubiKey ${SERIAL}:`);
    await again.type("new-password");
    await again.pressEnter();
    expect((await again.done()).exitCode).toBe(0);
    expect(lastTokenCode()).toBe(code);
  });

  test("three wrong passwords: the YubiKey gives up, the terminal prompt comes back and still takes the code", async () => {
    newSandbox();
    const code = freshCode();
    const run = await sandbox.inTerminal(ASSUME, yubikey("999999", { FAKE_YKMAN_PASSWORD: PASSWORD }));
    for (const attempt of ["a", "b", "c"]) {
      await run.waitForText(/OATH password of YubiKey \d+:$/m);
      await run.type(attempt);
      await run.pressEnter();
    }
    await run.waitForText(/^MFA code:$/m);
    await run.type(code);
    await run.pressEnter();
    const result = await run.done();
    expect(result.exitCode).toBe(0);
    expect(lastTokenCode()).toBe(code);
  });

  test("with no terminal, the password is asked in a dialog", async () => {
    newSandbox();
    const code = freshCode();
    const result = await sandbox.run(ASSUME, { ...yubikey(code, { FAKE_YKMAN_PASSWORD: PASSWORD }), ...zenity("", { FAKE_ZENITY_PASSWORD: PASSWORD }) });
    expect(result.exitCode).toBe(0);
    expect(lastTokenCode()).toBe(code);
    expect(logOf("zenity.log")).toContain(`--text=OATH password of YubiKey ${SERIAL}: --timeout=60 --hide-text`);
  });
});

describe("the dialog", () => {
  test("wins when there is no terminal (an IDE, a GUI app): the announcement goes to stderr", async () => {
    newSandbox("", ["zenity"]);
    const code = freshCode();
    const result = await sandbox.run(ASSUME, zenity(code));
    expect(result.exitCode).toBe(0);
    credentialDocument(result.stdout);
    expect(lastTokenCode()).toBe(code);
    expect(result.stderr).toBe(`vegas-credentials: ${ANNOUNCEMENT_START}in the dialog\n`);
    expect(runLog()).toContain('code_from="dialog (zenity)"');
    expect(logOf("zenity.log")).toContain(`--entry --title=vegas-credentials --text=${ANNOUNCEMENT_START.trimEnd()} --timeout=60`);
  });

  test("Cancel gives the dialog up; with nothing else to ask, the run fails with one line saying so", async () => {
    newSandbox("", ["zenity"]);
    const result = await sandbox.run(ASSUME, zenity("", { FAKE_ZENITY_CANCEL: "1" }));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toEndWith(`vegas-credentials: no valid MFA code was entered for profile "frank@concerts" (dialog (zenity): the dialog was cancelled): enter the 6-digit code shown by ${MFA_SERIAL}\n`);
  });

  test("--no-gui and VEGAS_CREDENTIALS_NO_GUI turn dialogs off", async () => {
    newSandbox("", ["zenity"]);
    for (const [args, env] of [
      [[...ASSUME, "--no-gui"], {}],
      [ASSUME, { VEGAS_CREDENTIALS_NO_GUI: "1" }],
    ] as const) {
      const result = await sandbox.run([...args], { ...zenity(freshCode()), ...env });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain("dialogs turned off (--no-gui or VEGAS_CREDENTIALS_NO_GUI)");
    }
    expect(logOf("zenity.log")).toBe("");
  });

  test("the YubiKey beats a dialog nobody answers, and the dialog is closed", async () => {
    newSandbox();
    const code = freshCode();
    const result = await sandbox.run(ASSUME, { ...yubikey(code), ...zenity("999999", { FAKE_ZENITY_DELAY: "30" }) });
    expect(result.exitCode).toBe(0);
    expect(lastTokenCode()).toBe(code);
    expect(result.stderr).toBe(`vegas-credentials: ${ANNOUNCEMENT_START}in the dialog or touch your YubiKey\n`);
    const dialogs = pidsIn(logOf("zenity.log"));
    expect(dialogs.length).toBe(1);
    expect(dialogs.filter(isRunning)).toEqual([]);
  });

  test("a profile name with markup characters reaches zenity escaped", async () => {
    sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`).replaceAll("frank@concerts", "frank<&>sands"));
    putOnPath(["zenity"]);
    const result = await sandbox.run([BINARY, "assume", "--profile", "frank<&>sands"], zenity(freshCode()));
    expect(result.exitCode).toBe(0);
    expect(logOf("zenity.log")).toContain(`(frank&lt;&amp;&gt;sands):`);
  });
});

describe("time", () => {
  test("vegas_mfa_timeout ends the race with one line, and every source is stopped", async () => {
    newSandbox("vegas_mfa_timeout = 5\n");
    const result = await sandbox.run(ASSUME, { ...yubikey("999999", { FAKE_YKMAN_DELAY: "60" }), ...zenity("999999", { FAKE_ZENITY_DELAY: "60" }) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toEndWith(`vegas-credentials: no MFA code for profile "frank@concerts" within 5 s: run the command again and enter the code from ${MFA_SERIAL}\n`);
    expect([...pidsIn(logOf("zenity.log")), ...pidsIn(logOf("ykman.log"))].filter(isRunning)).toEqual([]);
  });

  test("VEGAS_CREDENTIALS_MFA_TIMEOUT sets it for one run", async () => {
    newSandbox("", ["zenity"]);
    const result = await sandbox.run(ASSUME, { ...zenity("999999", { FAKE_ZENITY_DELAY: "60" }), VEGAS_CREDENTIALS_MFA_TIMEOUT: "5" });
    expect(result.stderr).toContain("within 5 s");
  });
});

test("the terminal alone (no ykman, no display) asks as it always has", async () => {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
  const run = await sandbox.inTerminal(ASSUME);
  await run.waitForText(PROMPT.trimEnd());
  await run.type(freshCode());
  await run.pressEnter();
  const result = await run.done();
  expect(result.exitCode).toBe(0);
  expect(result.screen).not.toContain("touch your YubiKey");
});

test("Ctrl-C at the prompt ends the run as an interrupt, with the terminal given back in its normal mode", async () => {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
  const stty = join(sandbox.home, "stty-after");
  const run = await sandbox.inTerminal(["sh", "-c", `stty -a < /dev/tty > "${stty}.before"; "$0" "$@"; status=$?; stty -a < /dev/tty > "${stty}"; exit $status`, ...ASSUME]);
  await run.waitForText(PROMPT.trimEnd());
  await run.type("12\x03");
  const result = await run.done();
  expect(result.exitCode).toBe(130);
  expect(result.stdout).toBe("");
  expect(readFileSync(stty, "utf8")).toBe(readFileSync(`${stty}.before`, "utf8"));
});

test.each([
  ["SIGQUIT", 131],
  ["SIGUSR1", 138],
  ["SIGUSR2", 140],
  ["SIGALRM", 142],
  ["SIGPIPE", 141],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
] as const)("%s during the prompt ends the run as the signal would, with the terminal given back", async (signal, exitCode) => {
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
  const stty = join(sandbox.home, "stty-after");
  const pidFile = join(sandbox.home, "pid");
  const script = `stty -a < /dev/tty > "${stty}.before"; "$0" "$@" & pid=$!; echo $pid > "${pidFile}"; wait $pid; status=$?; stty -a < /dev/tty > "${stty}"; exit $status`;
  const run = await sandbox.inTerminal(["sh", "-c", script, ...ASSUME]);
  await run.waitForText(PROMPT.trimEnd());
  await run.type("12");
  process.kill(Number(readFileSync(pidFile, "utf8")), signal);
  const result = await run.done();
  expect(result.exitCode).toBe(exitCode);
  expect(result.stdout).toBe("");
  expect(readFileSync(stty, "utf8")).toBe(readFileSync(`${stty}.before`, "utf8"));
});
