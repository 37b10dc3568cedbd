import type { Env } from "../environment.ts";

/** A browser opener that has not returned by then has most likely started the browser and stays with it. */
const OPENER_PATIENCE_MS = 10_000;

/**
 * Opens `url` with the platform's opener (macOS `open`, Windows' URL handler, `xdg-open` elsewhere). Its output
 * is dropped: an opener that fails may print the URL, a credential. Returns why it failed, or undefined.
 */
export async function openInBrowser(url: string, env: Env, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const command = openerCommand(url, platform);
  const name = command[0] ?? "";
  let child: ReturnType<typeof Bun.spawn>;
  try {
    child = Bun.spawn(command, { env: { ...env }, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  } catch (error) {
    return (error as { code?: string }).code === "ENOENT" ? `${name} is not installed` : `${name} could not be started`;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const patience = new Promise<"waiting">((resolve) => {
    timer = setTimeout(() => resolve("waiting"), OPENER_PATIENCE_MS);
  });
  const exitCode = await Promise.race([child.exited, patience]);
  clearTimeout(timer);
  if (exitCode === "waiting") {
    child.unref();
    return undefined;
  }
  return exitCode === 0 ? undefined : `${name} exited with ${exitCode}`;
}

/** The opener's argv: the URL as one argument, never through a shell (cmd's `start` would split it at &). */
export function openerCommand(url: string, platform: NodeJS.Platform): string[] {
  if (platform === "darwin") return ["open", url];
  if (platform === "win32") return ["rundll32", "url.dll,FileProtocolHandler", url];
  return ["xdg-open", url];
}
