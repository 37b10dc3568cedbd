import { type ChildProcess, spawn } from "node:child_process";
import { cleanUpOnSignal } from "./cleanUpOnSignal.ts";

export interface ProgramRun {
  readonly argv: readonly string[];
  /** The child's whole environment; default: this process's. */
  readonly env?: Record<string, string | undefined>;
  /** Written to the child's stdin, which is then closed (a password goes this way, never in argv). */
  readonly stdin?: string;
  /** Aborting kills the child at once. */
  readonly signal: AbortSignal;
  /** In a session of its own, without our controlling terminal, so it cannot prompt there behind our back. */
  readonly detached?: boolean;
  /**
   * True once what the program printed so far is its whole answer: it is then stopped, not waited for (a
   * program may print its code and linger, or leave a child holding its stdout).
   */
  readonly answered?: (stdout: string) => boolean;
  /** Told what the program has written to stderr so far, as it comes (ykman's "Touch your YubiKey"). */
  readonly onStderr?: (stderr: string) => void;
  /** Windows: argv[1…] is one command line already (cmd.exe's, see windowsCommand.ts), not to be quoted again. */
  readonly windowsVerbatimArguments?: boolean;
}

export interface ProgramResult {
  /** undefined when the program could not be started, or was killed. */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Its answer came before its end (see ProgramRun.answered), and it was stopped. */
  readonly answeredEarly?: boolean;
}

const STDERR_GRACE_MS = 100;

/** Runs a helper program (a dialog, ykman) to its end or until the race no longer needs it. */
export function runProgram(run: ProgramRun): Promise<ProgramResult> {
  if (run.signal.aborted) return Promise.resolve({ exitCode: undefined, stdout: "", stderr: "" });
  return new Promise((resolve) => {
    const [program = "", ...args] = run.argv;
    const child = spawn(program, args, {
      env: run.env ?? process.env,
      detached: run.detached === true,
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
      windowsVerbatimArguments: run.windowsVerbatimArguments === true,
    });
    let stdout = "";
    let stderr = "";
    let settled = false;
    let answeredEarly = false;
    const finish = (exitCode: number | undefined) => {
      if (settled) return;
      settled = true;
      run.signal.removeEventListener("abort", kill);
      release();
      resolve({ exitCode, stdout, stderr, ...(answeredEarly ? { answeredEarly } : {}) });
    };
    const stop = () => stopProgram(child, run.detached === true);
    const kill = () => {
      stop();
      finish(undefined);
    };
    // No dialog is left on the screen when a signal ends this process.
    const release = cleanUpOnSignal(stop);
    run.signal.addEventListener("abort", kill, { once: true });
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (answeredEarly || run.answered?.(stdout) !== true) return;
      answeredEarly = true;
      stop();
      // What it wrote to stderr before its answer may still be in the other pipe: a moment for it to arrive.
      setTimeout(() => finish(undefined), STDERR_GRACE_MS);
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      run.onStderr?.(stderr);
    });
    child.on("error", (error) => {
      stderr += error.message;
      finish(undefined);
    });
    child.on("close", (code) => finish(code ?? undefined));
    child.stdin?.on("error", () => {});
    child.stdin?.end(run.stdin ?? "");
  });
}

/**
 * Stops the program and whatever it started: a detached program leads a process group of its own (POSIX),
 * which goes whole; on Windows, taskkill ends the process tree.
 */
function stopProgram(child: ChildProcess, detached: boolean): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    if (process.platform === "win32") {
      if (child.exitCode === null) spawn("taskkill", ["/pid", String(pid), "/T", "/F"], { stdio: "ignore", windowsHide: true }).on("error", () => {});
    } else if (detached) {
      // The group outlives its leader while a child of it runs.
      process.kill(-pid, "SIGTERM");
    } else if (child.exitCode === null) {
      child.kill("SIGTERM");
    }
  } catch {
    // Gone already.
  }
}
