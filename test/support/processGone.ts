/**
 * Whether a process has ended, waited for up to `withinMs` (a test's own bound, not a speed claim). A zombie
 * counts as ended: it runs nothing, and PID 1 of a container may never reap it.
 */
export async function processGone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (let tries = 0; tries < 10_000; tries++) {
    if (!isRunning(pid)) return true;
    if (Date.now() >= deadline) return false;
    await Bun.sleep(50);
  }
  return false;
}

function isRunning(pid: number): boolean {
  try {
    const stat = require("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8") as string;
    // The state follows the command name in parentheses, which may itself hold ") ".
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}
