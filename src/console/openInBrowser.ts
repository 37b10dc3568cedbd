import type { Env } from "../environment.ts";

/** A browser opener that has not returned by then has most likely started the browser and stays with it. */
const OPENER_PATIENCE_MS = 10_000;

/**
 * Opens `url` with the platform's opener (macOS `open`, Windows' URL handler, `xdg-open` elsewhere). Its output
 * is dropped: an opener that fails may print the URL, a credential. Returns why it failed, or undefined.
 */
export async function openInBrowser(url: string, env: Env, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const command = openerCommand(url, platform);
  const problem = await startProgram(command, { env, patienceMs: OPENER_PATIENCE_MS, detached: false });
  return problem === undefined ? undefined : `${command[0] ?? ""} ${problem}`;
}

/**
 * Starts a program that opens something and may stay with it (an opener, a browser), its output dropped (it
 * may print what it opens, a credential). An exit with an error within `patienceMs` is the problem returned;
 * one still running then is left to run.
 */
export async function startProgram(argv: readonly string[], options: { env?: Env; patienceMs: number; detached: boolean }): Promise<string | undefined> {
  let child: ReturnType<typeof Bun.spawn>;
  try {
    child = Bun.spawn([...argv], { ...(options.env === undefined ? {} : { env: { ...options.env } }), stdin: "ignore", stdout: "ignore", stderr: "ignore", detached: options.detached });
  } catch (error) {
    return (error as { code?: string }).code === "ENOENT" ? "is not installed" : "could not be started";
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const patience = new Promise<"running">((resolve) => {
    timer = setTimeout(() => resolve("running"), options.patienceMs);
  });
  const exitCode = await Promise.race([child.exited, patience]);
  clearTimeout(timer);
  if (exitCode === "running") {
    child.unref();
    return undefined;
  }
  return exitCode === 0 ? undefined : `exited with ${exitCode}`;
}

/** The opener's argv: the URL as one argument, never through a shell (cmd's `start` would split it at &). */
export function openerCommand(url: string, platform: NodeJS.Platform): string[] {
  if (platform === "darwin") return ["open", url];
  if (platform === "win32") return ["rundll32", "url.dll,FileProtocolHandler", url];
  return ["xdg-open", url];
}
