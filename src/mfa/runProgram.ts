import { spawn } from "node:child_process";
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
}

export interface ProgramResult {
  /** undefined when the program could not be started, or was killed. */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a helper program (a dialog, ykman) to its end or until the race no longer needs it. */
export function runProgram(run: ProgramRun): Promise<ProgramResult> {
  if (run.signal.aborted) return Promise.resolve({ exitCode: undefined, stdout: "", stderr: "" });
  return new Promise((resolve) => {
    const [program = "", ...args] = run.argv;
    const child = spawn(program, args, { env: run.env ?? process.env, detached: run.detached === true, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = (exitCode: number | undefined) => {
      if (settled) return;
      settled = true;
      run.signal.removeEventListener("abort", kill);
      release();
      resolve({ exitCode, stdout, stderr });
    };
    const kill = () => {
      child.kill("SIGTERM");
      finish(undefined);
    };
    // No dialog is left on the screen when a signal ends this process.
    const release = cleanUpOnSignal(() => child.kill("SIGTERM"));
    run.signal.addEventListener("abort", kill, { once: true });
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
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
