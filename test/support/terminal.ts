/**
 * Runs a command inside a real pseudo-terminal (a private tmux server) so end-to-end tests can watch for a
 * prompt on /dev/tty, type at it, and still collect the command's stdout, stderr and exit code separately.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { temporaryFolder } from "./temporaryFolder.ts";

export interface TerminalOptions {
  /** The command's whole environment: nothing is inherited, not even PATH. */
  env: Record<string, string>;
  cwd?: string;
  /** "terminal" (the default) or /dev/null. */
  stdin?: "terminal" | "null";
  /** "file" (the default) collects the stream for done(); "terminal" shows it on the screen. */
  stdout?: "file" | "terminal";
  stderr?: "file" | "terminal";
  /** The terminal's size (default 160x40). */
  columns?: number;
  rows?: number;
}

export interface TerminalResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  screen: string;
}

export interface TerminalRun {
  /** The temp dir holding the wrapper script, the tmux socket and the output files; removed on cleanup. */
  readonly directory: string;
  /**
   * Resolves with the screen once the pattern shows up ANEW: once more than it had when an earlier wait for the
   * same pattern returned (the first wait: once at all). So a second prompt is waited for, not the first one
   * still on the screen. Rejects with the screen (and cleans up) on timeout or exit.
   */
  waitForText(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Sends the text literally, as typed keys; follow with pressEnter(). */
  type(text: string): Promise<void>;
  pressEnter(): Promise<void>;
  /** Presses keys by tmux's names: Escape, Up, Down, PageDown, End, C-c… */
  pressKeys(...keys: string[]): Promise<void>;
  /** The terminal's text, scrollback included, without trailing blank lines. */
  screen(): Promise<string>;
  /** Waits for the command to exit, collects what it wrote, and cleans up; rejects with the screen on timeout. */
  done(timeoutMs?: number): Promise<TerminalResult>;
  /** Ends the command and the tmux server and removes the temp dir. Safe to call twice. */
  kill(): Promise<void>;
}

const COLUMNS = 160;
const ROWS = 40;
const SESSION = "run";
const POLL_MS = 25;
const STOP_TIMEOUT_MS = 2_000;
/** The wrapper sets this pane title once the command has exited; tmux sets it only after showing all prior output. */
const EXIT_TITLE = "terminal-run-exit:";

type Tmux = (args: string[]) => Promise<string>;

function occurrences(text: string, pattern: RegExp | string): number {
  if (typeof pattern === "string") return pattern === "" ? 0 : text.split(pattern).length - 1;
  return [...text.matchAll(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`))].length;
}

export function tmuxAvailable(): boolean {
  return Bun.which("tmux", { PATH: process.env.PATH ?? "" }) !== null;
}

export async function runInTerminal(command: string[], options: TerminalOptions): Promise<TerminalRun> {
  const directory = temporaryFolder("terminal-");
  const script = join(directory, "run.sh");
  const socket = join(directory, "tmux.sock");
  const run = new TmuxRun(directory, tmuxClient(socket));
  try {
    writeFileSync(script, orphanWatchdog(socket, directory) + wrapperScript(command, options, directory));
    await run.start(script, options.columns ?? COLUMNS, options.rows ?? ROWS);
  } catch (error) {
    await run.kill();
    throw error;
  }
  return run;
}

class TmuxRun implements TerminalRun {
  readonly directory: string;
  private readonly tmux: Tmux;
  private processes = { server: 0, pane: 0 };
  private closing: Promise<void> | undefined;
  /** How often each pattern waited for was on the screen when its wait returned. */
  private readonly seen = new Map<string, number>();

  constructor(directory: string, tmux: Tmux) {
    this.directory = directory;
    this.tmux = tmux;
  }

  async start(script: string, columns: number, rows: number): Promise<void> {
    // remain-on-exit keeps the pane if the wrapper itself dies, so its status can still be read.
    await this.tmux(["start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";", "new-session", "-d", "-x", `${columns}`, "-y", `${rows}`, "-s", SESSION, "--", "/bin/sh", script]);
    const [server = 0, pane = 0] = (await this.tmux(["display-message", "-p", "-t", SESSION, "#{pid} #{pane_pid}"])).trim().split(" ").map(Number);
    this.processes = { server, pane };
  }

  async waitForText(pattern: RegExp | string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const key = String(pattern);
    const already = this.seen.get(key) ?? 0;
    for (;;) {
      // Whether it had exited is read before the screen: what it wrote before exiting is then on that screen.
      const exited = (await this.exitStatus()) !== undefined;
      const text = await this.screen();
      const count = occurrences(text, pattern);
      if (count > already) {
        this.seen.set(key, count);
        return text;
      }
      if (exited) return this.failWithScreen(`the command exited before ${String(pattern)} appeared`);
      if (Date.now() > deadline) return this.failWithScreen(`${String(pattern)} did not appear within ${timeoutMs} ms`);
      await Bun.sleep(POLL_MS);
    }
  }

  async type(text: string): Promise<void> {
    await this.tmux(["send-keys", "-t", SESSION, "-l", "--", text]);
  }

  async pressEnter(): Promise<void> {
    await this.tmux(["send-keys", "-t", SESSION, "Enter"]);
  }

  async pressKeys(...keys: string[]): Promise<void> {
    await this.tmux(["send-keys", "-t", SESSION, ...keys]);
  }

  async screen(): Promise<string> {
    return cleanScreen(await this.tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", SESSION]));
  }

  async done(timeoutMs = 30_000): Promise<TerminalResult> {
    const deadline = Date.now() + timeoutMs;
    let exitCode = await this.exitStatus();
    while (exitCode === undefined) {
      if (Date.now() > deadline) return this.failWithScreen(`the command did not finish within ${timeoutMs} ms`);
      await Bun.sleep(POLL_MS);
      exitCode = await this.exitStatus();
    }
    const result = { exitCode, stdout: await this.output("stdout"), stderr: await this.output("stderr"), screen: await this.screen() };
    await this.kill();
    return result;
  }

  kill(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    // kill-server hangs up the pane; whatever ignores the hang-up is killed.
    await this.tmux(["kill-server"]).catch(() => {});
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while ([this.processes.server, this.processes.pane].some(isRunning) && Date.now() < deadline) await Bun.sleep(POLL_MS);
    this.killLeftovers();
    removeDirectory(this.directory);
  }

  /** The tmux server, and the pane's process group (the command and the orphan watchdog run in it). */
  private killLeftovers(): void {
    if (isRunning(this.processes.server)) signal(this.processes.server);
    // The group outlives its leader: the watchdog ignores hang-ups, so it is still there after kill-server.
    if (this.processes.pane !== 0) signal(-this.processes.pane);
  }

  /** undefined while the command runs, then its exit code (128 + signal if a signal ended it; -1 if unknown). */
  private async exitStatus(): Promise<number | undefined> {
    const listing = await this.tmux(["list-panes", "-t", SESSION, "-F", "#{pane_dead}:#{pane_dead_status}:#{pane_title}"]);
    const [dead, status = "", ...title] = listing.trim().split(":");
    const marked = title.join(":");
    if (marked.startsWith(EXIT_TITLE)) return Number(marked.slice(EXIT_TITLE.length));
    if (dead !== "1") return undefined;
    return status === "" ? -1 : Number(status);
  }

  private async output(name: "stdout" | "stderr"): Promise<string> {
    const file = Bun.file(join(this.directory, name));
    return (await file.exists()) ? file.text() : "";
  }

  private async failWithScreen(reason: string): Promise<never> {
    const text = await this.screen().catch(() => "(screen unavailable)");
    await this.kill();
    throw new Error(`${reason}; the screen shows:\n${text}`);
  }
}

/** A tmux client bound to one private server; no TMUX or other caller environment leaks in. */
function tmuxClient(socket: string): (args: string[]) => Promise<string> {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", SHELL: "/bin/sh", TERM: "xterm-256color" };
  return async (args) => {
    const child = Bun.spawn(["tmux", "-u", "-S", socket, "-f", "/dev/null", ...args], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    if (exitCode !== 0) throw new Error(`tmux ${args[0]} failed (${exitCode}): ${stderr.trim()}`);
    return stdout;
  };
}

/** The pane runs this: `env -i` gives the command exactly options.env, plus the pane's TERM unless env sets one. */
function wrapperScript(command: string[], options: TerminalOptions, directory: string): string {
  for (const name of Object.keys(options.env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not an environment variable name: ${name}`);
  }
  const assignments = ['"TERM=$TERM"', ...Object.entries(options.env).map(([name, value]) => shellQuote(`${name}=${value}`))];
  const redirections = [
    options.stdin === "null" ? "</dev/null" : "",
    (options.stdout ?? "file") === "file" ? `>${shellQuote(join(directory, "stdout"))}` : "",
    (options.stderr ?? "file") === "file" ? `2>${shellQuote(join(directory, "stderr"))}` : "",
  ];
  const cd = options.cwd === undefined ? "" : `cd ${shellQuote(options.cwd)} || exit 126\n`;
  const run = `env -i ${assignments.join(" ")} ${command.map(shellQuote).join(" ")} ${redirections.join(" ")}`;
  // The shell outlives the command (so a signal death reads as 128 + signal), reports its status in the pane
  // title, then waits to be hung up: the pane, and what the command drew on it, stay until kill().
  return `${cd}${run}\nprintf '\\033]2;${EXIT_TITLE}%d\\033\\\\' "$?"\nexec sleep 86400\n`;
}

/**
 * bun test runs no exit handlers, so a test process that dies before kill() would leave the tmux server
 * behind: a background job in the pane takes the server down once the test process is gone.
 */
function orphanWatchdog(socket: string, directory: string): string {
  const tmux = shellQuote(Bun.which("tmux", { PATH: process.env.PATH ?? "" }) ?? "tmux");
  const cleanup = `${tmux} -S ${shellQuote(socket)} kill-server; rm -rf ${shellQuote(directory)}`;
  // kill-server hangs up the pane's process group, this job included: it ignores that so the rm still runs.
  return `(trap '' HUP TERM; while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${cleanup}) >/dev/null 2>&1 &\n`;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Drops tmux's own "Pane is dead" line and the blank rows below the text. */
function cleanScreen(captured: string): string {
  return captured
    .split("\n")
    .filter((line) => !/^Pane is dead \(/.test(line))
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd();
}

/** SIGKILL to a process, or to a process group if pid < 0. */
function signal(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** A zombie counts as ended: its parent has yet to reap it, but it runs nothing. */
function isRunning(pid: number): boolean {
  if (pid === 0) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function removeDirectory(directory: string): void {
  rmSync(directory, { recursive: true, force: true });
}
