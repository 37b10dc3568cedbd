import { afterAll, afterEach, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInTerminal, type TerminalOptions, type TerminalRun, tmuxAvailable } from "./terminal.ts";
import { temporaryFolder } from "./temporaryFolder.ts";

// bun test ignores a timeout in bunfig.toml; the default 5 s is too tight for the orphan test on a slow machine.
setDefaultTimeout(20_000);

const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
let scripts: string;
const runs: TerminalRun[] = [];

/** runInTerminal, cleaned up after the test whatever happens. */
async function start(command: string[], options: TerminalOptions): Promise<TerminalRun> {
  const run = await runInTerminal(command, options);
  runs.push(run);
  return run;
}

/** Like the product: prompt and read at /dev/tty while stdin is /dev/null and stdout a file. */
const PROMPTING_SCRIPT = `
if read line; then echo "stdin gave: $line"; else echo "stdin was empty"; fi
printf 'MFA code: ' >/dev/tty
read code </dev/tty
echo "got $code"
echo "a note on stderr" >&2
exit 3
`;

/** The same in Bun, as the compiled binary reads it. */
const BUN_PROMPT = `
import { openSync, readSync, writeSync } from "node:fs";
const tty = openSync("/dev/tty", "r+");
writeSync(tty, "Code for arn:aws:iam::111111111111:mfa/FrankSinatra: ");
const buffer = Buffer.alloc(64);
const length = readSync(tty, buffer);
console.log(JSON.stringify({ code: buffer.toString("utf8", 0, length).trim() }));
`;

/** Starts a run, prints its temp dir, and dies without kill(), as a crashed or timed-out test process would. */
const ABANDONING_SCRIPT = `
import { runInTerminal } from ${JSON.stringify(join(import.meta.dir, "terminal.ts"))};

const run = await runInTerminal(["/bin/sh", "-c", "read line"], { env: { PATH: process.env.PATH ?? "" } });
await Bun.write(Bun.stdout, run.directory + "\\n");
process.kill(process.pid, "SIGKILL");
`;

/** Command lines of live tmux servers that use this run's socket. */
function tmuxProcessesIn(directory: string): string[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return commandLine.includes(directory) ? [commandLine] : [];
      } catch {
        return [];
      }
    });
}

beforeAll(() => {
  scripts = temporaryFolder("terminal-test-");
  writeFileSync(join(scripts, "prompt.sh"), PROMPTING_SCRIPT);
  writeFileSync(join(scripts, "prompt.ts"), BUN_PROMPT);
  writeFileSync(join(scripts, "abandon.ts"), ABANDONING_SCRIPT);
});

afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.kill()));
});

afterAll(() => {
  rmSync(scripts, { recursive: true, force: true });
});

describe.skipIf(!tmuxAvailable())("runInTerminal", () => {
  test("a code typed at the /dev/tty prompt arrives; stdout, stderr and the exit code come back apart", async () => {
    const run = await start(["/bin/sh", join(scripts, "prompt.sh")], { env, stdin: "null" });
    const screen = await run.waitForText("MFA code:");
    expect(screen).toBe("MFA code:");
    await run.type("123456");
    await run.pressEnter();
    const result = await run.done();
    expect(result).toEqual({ exitCode: 3, stdout: "stdin was empty\ngot 123456\n", stderr: "a note on stderr\n", screen: "MFA code: 123456" });
    expect(existsSync(run.directory)).toBe(false);
    expect(tmuxProcessesIn(run.directory)).toEqual([]);
  });

  test("a Bun program reads the code from /dev/tty", async () => {
    const run = await start([process.execPath, join(scripts, "prompt.ts")], { env, stdin: "null" });
    await run.waitForText(/^Code for arn:aws:iam::\d{12}:mfa\/FrankSinatra:$/m);
    await run.type("654321");
    await run.pressEnter();
    const result = await run.done();
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ code: "654321" });
    expect(result.stderr).toBe("");
  });

  test("the command gets exactly the given environment and working directory", async () => {
    const quoted = `it's "quoted" $HOME \\n`;
    const printEnvironment = ["printf '%s|%s|%s|%s|%s'", '"$GREETING"', '"$TMUX"', '"$HOME"', '"$PWD"', '"$TERM"'].join(" ");
    const run = await start(["/bin/sh", "-c", printEnvironment], {
      env: { ...env, GREETING: quoted },
      cwd: scripts,
    });
    const result = await run.done();
    const [greeting, tmux, home, cwd, term] = result.stdout.split("|");
    expect({ greeting, tmux, home, cwd }).toEqual({ greeting: quoted, tmux: "", home: "", cwd: scripts });
    expect(term).not.toBe("");
  });

  test("stdout and stderr may go to the screen instead", async () => {
    const run = await start(["/bin/sh", "-c", "echo on-screen; echo also-on-screen >&2"], { env, stdout: "terminal", stderr: "terminal" });
    const result = await run.done();
    expect(result).toEqual({ exitCode: 0, stdout: "", stderr: "", screen: "on-screen\nalso-on-screen" });
  });

  test("a command ended by a signal exits 128 + the signal", async () => {
    const run = await start(["/bin/sh", "-c", "kill -TERM $$"], { env });
    expect((await run.done()).exitCode).toBe(143);
  });

  test("waitForText times out with the screen text in the error, and cleans up", async () => {
    const run = await start(["/bin/sh", "-c", "echo only this; sleep 30"], { env, stdout: "terminal" });
    const error = await run.waitForText("never shown", 300).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("never shown did not appear within 300 ms; the screen shows:\nonly this");
    expect(existsSync(run.directory)).toBe(false);
    expect(tmuxProcessesIn(run.directory)).toEqual([]);
  });

  test("waitForText fails at once when the command exits without showing the text", async () => {
    const run = await start(["/bin/sh", "-c", "echo bye >/dev/tty; exit 1"], { env });
    const started = Date.now();
    await expect(run.waitForText(/prompt/, 10_000)).rejects.toThrow("the command exited before /prompt/ appeared; the screen shows:\nbye");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("done() times out with the screen text in the error, and cleans up", async () => {
    const run = await start(["/bin/sh", "-c", "printf 'waiting for you' >/dev/tty; sleep 30"], { env });
    await run.waitForText("waiting for you");
    await expect(run.done(300)).rejects.toThrow("the command did not finish within 300 ms; the screen shows:\nwaiting for you");
    expect(existsSync(run.directory)).toBe(false);
    await run.kill();
  });

  test("a test process that dies without kill() takes its tmux server and temp dir with it", async () => {
    const child = Bun.spawn([process.execPath, join(scripts, "abandon.ts")], { stdout: "pipe", env: { ...process.env, TMPDIR: tmpdir() } });
    const directory = (await new Response(child.stdout).text()).trim();
    await child.exited;
    expect(directory).toStartWith(tmpdir());
    const deadline = Date.now() + 10_000;
    while ((existsSync(directory) || tmuxProcessesIn(directory).length > 0) && Date.now() < deadline) await Bun.sleep(100);
    expect(tmuxProcessesIn(directory)).toEqual([]);
    expect(existsSync(directory)).toBe(false);
  });
});
