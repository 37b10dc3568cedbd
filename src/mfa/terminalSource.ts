import { closeSync, openSync, writeSync } from "node:fs";
import { ReadStream } from "node:tty";
import type { MfaCodeSource, MfaRequest, MfaSourceOffer } from "./mfaCodeSource.ts";
import { MFA_CODE } from "./mfaCodeSource.ts";

const TRIES = 3;

/**
 * The controlling terminal, opened directly: the AWS CLI and the SDKs give credential processes pipes for
 * stdin/stdout/stderr, so prompting there would be invisible or dead.
 */
export const offerTerminal: MfaSourceOffer = () => {
  const [inputPath, outputPath] = process.platform === "win32" ? ["CONIN$", "CONOUT$"] : ["/dev/tty", "/dev/tty"];
  let input: number;
  let output: number;
  try {
    input = openSync(inputPath, "r+");
    output = inputPath === outputPath ? input : openSync(outputPath, "w");
  } catch (error) {
    return { unavailable: `no terminal (${inputPath}: ${(error as { code?: string }).code ?? "cannot open"})` };
  }
  return terminalSource(input, output);
};

function terminalSource(input: number, output: number): MfaCodeSource {
  return {
    name: "terminal",
    invitation: "type it here",
    async read(request: MfaRequest, signal: AbortSignal): Promise<string | undefined> {
      const lines = new TerminalLines(input, signal);
      try {
        for (let attempt = 1; attempt <= TRIES; attempt++) {
          writeSync(output, `MFA code for ${request.mfaSerial} (${request.profile}): `);
          const answer = (await lines.next())?.trim();
          if (answer === undefined) return undefined;
          if (MFA_CODE.test(answer)) return answer;
          const left = TRIES - attempt;
          writeSync(output, left > 0 ? `That is not a 6-digit code; try again (${left} ${left === 1 ? "try" : "tries"} left).\n` : "That is not a 6-digit code either; giving up.\n");
        }
        return undefined;
      } finally {
        lines.close();
        if (signal.aborted) writeSync(output, "\n");
        if (output !== input) closeSync(output);
      }
    },
  };
}

/** Lines typed at the terminal, one at a time; undefined once the terminal closes or the read is cancelled. */
class TerminalLines {
  private readonly stream: ReadStream;
  private buffered = "";
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;

  constructor(fd: number, signal: AbortSignal) {
    this.stream = new ReadStream(fd);
    this.stream.setEncoding("utf8");
    this.stream.on("data", (chunk: string) => {
      this.buffered += chunk;
      this.deliver();
    });
    const end = () => {
      this.ended = true;
      this.deliver();
    };
    this.stream.on("end", end);
    this.stream.on("error", end);
    signal.addEventListener("abort", end, { once: true });
  }

  next(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.deliver();
    });
  }

  close(): void {
    this.stream.destroy();
  }

  private deliver(): void {
    if (this.waiting === undefined) return;
    const newline = this.buffered.search(/\r?\n|\r/);
    if (newline >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1).replace(/^\n/, "");
      this.take(line);
    } else if (this.ended) {
      this.take(undefined);
    }
  }

  private take(line: string | undefined): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.(line);
  }
}
