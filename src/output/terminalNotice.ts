/**
 * Writes a line for the person at the terminal, when there is one: under the AWS tools stderr is a pipe that
 * is shown only on failure. False when no terminal can be opened (an IDE, a cron job).
 */
export function tellTerminal(line: string): boolean {
  return withTerminal((fd, fs) => fs.writeSync(fd, `${line}\n`));
}

/** Whether this process can reach a terminal to tell a person something (tellTerminal would write there). */
export function hasTerminal(): boolean {
  return withTerminal(() => {});
}

function withTerminal(use: (fd: number, fs: typeof import("node:fs")) => void): boolean {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    const fd = fs.openSync(process.platform === "win32" ? "CONOUT$" : "/dev/tty", "w");
    try {
      use(fd, fs);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}
