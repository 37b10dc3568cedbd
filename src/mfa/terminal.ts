import { closeSync, constants, openSync, readSync, writeSync } from "node:fs";
import { ReadStream, WriteStream } from "node:tty";
import { linuxLibc } from "../files/linuxLibc.ts";
import { printableLine } from "../output/printableText.ts";
import { cleanUpOnSignal } from "./cleanUpOnSignal.ts";

export interface Question {
  readonly prompt: string;
  /** Typed characters are not shown (a password). */
  readonly hidden: boolean;
  readonly signal: AbortSignal;
}

interface Asking extends Question {
  typed: string;
  answer(line: string | undefined): void;
}

const ERASE_LINE = "\r\x1b[2K";

/**
 * Whether Terminal.open gave a terminal. Not `instanceof`: each lazily loaded entrypoint has its own copy of
 * this class, and the one terminal of the process may have been opened by another copy (the picker's).
 */
export function isTerminal(opened: Terminal | { unavailable: string }): opened is Terminal {
  return !("unavailable" in opened);
}
/**
 * The process's one terminal, kept where every copy of this module finds it: build.ts bundles each lazily
 * loaded entrypoint with its own copy (the MFA race's, and exec's, which hands the terminal away).
 */
const SHARED_KEY = Symbol.for("vegas-credentials.terminal");
const processWide = globalThis as { [SHARED_KEY]?: { opened?: Terminal | { unavailable: string } } };
processWide[SHARED_KEY] ??= {};
const SHARED = processWide[SHARED_KEY];

/** How often the terminal is read while a question waits (a keystroke shows within this long). */
const READ_EVERY_MS = 15;

/**
 * The controlling terminal, opened directly (the AWS tools give credential processes pipes for stdin, stdout
 * and stderr), read in raw mode so that this process owns every keystroke: a question can be withdrawn
 * cleanly (another source won the race), and a newer one (the YubiKey password) can take over the line from
 * an older one (the MFA code), which is asked again, with what was typed, once the newer is answered.
 */
export class Terminal {
  private readonly questions: Asking[] = [];
  /** For raw mode; on Windows it also reads the console. */
  private readonly stream: ReadStream;
  private raw = false;
  private escape = false;
  private releaseOnSignal: (() => void) | undefined;
  private reading: ReturnType<typeof setInterval> | undefined;
  private readonly decoder = new TextDecoder();
  /** Set while a reader of every key (the profile picker) has the terminal instead of a question. */
  private keyReader: ((chars: string) => void) | undefined;
  private endOfKeys: (() => void) | undefined;

  /**
   * On Unix the terminal (opened non-blocking) is read only while a question waits, by polling: a stream's
   * reader keeps a read pending on it after it is paused or destroyed, and that read took the first line the
   * person typed next, at the next question or at the program `exec` hands the terminal to.
   */
  private constructor(
    private readonly input: number,
    private readonly output: number,
    private readonly polled: boolean,
  ) {
    this.stream = new ReadStream(input);
    if (polled) return;
    this.stream.setEncoding("utf8");
    this.stream.on("data", (chunk: string) => this.keys(chunk));
    this.stream.on("end", () => this.ended());
    this.stream.on("error", () => this.ended());
    this.stream.pause();
  }

  /**
   * The terminal, opened once per process and kept: a process that asks again later (serve, exec --server)
   * asks through the same reader. A reader destroyed and a new one opened left the old one's pending read on
   * the terminal, which took the first keys typed at the next question.
   */
  static open(): Terminal | { unavailable: string } {
    SHARED.opened ??= Terminal.openNew();
    const terminal = SHARED.opened;
    // In the background (`serve &`, a job control shell), raw mode would stop this process (SIGTTOU) and the
    // keys go to the foreground program anyway.
    if (isTerminal(terminal) && terminal.polled && linuxLibc()?.inForeground(terminal.input) === false) {
      return { unavailable: "the terminal is another program's (this one runs in the background)" };
    }
    return terminal;
  }

  /**
   * From now on this process does not ask at the terminal: `exec --server` hands it to its program, which
   * reads it while the server may need a code (the other MFA sources still can ask).
   */
  static giveAway(reason: string): void {
    if (SHARED.opened !== undefined && "close" in SHARED.opened) SHARED.opened.close();
    SHARED.opened = { unavailable: reason };
  }

  private static openNew(): Terminal | { unavailable: string } {
    const [inputPath, outputPath] = process.platform === "win32" ? ["CONIN$", "CONOUT$"] : ["/dev/tty", "/dev/tty"];
    const polled = process.platform !== "win32";
    let input: number;
    try {
      input = polled ? openSync(inputPath, constants.O_RDWR | constants.O_NONBLOCK) : openSync(inputPath, "r+");
    } catch (error) {
      return { unavailable: `no terminal (${inputPath}: ${(error as { code?: string }).code ?? "cannot open"})` };
    }
    try {
      return new Terminal(input, inputPath === outputPath ? input : openSync(outputPath, "w"), polled);
    } catch (error) {
      closeSync(input);
      return { unavailable: `no terminal (${outputPath}: ${(error as { code?: string }).code ?? "cannot open"})` };
    }
  }

  /** The line typed in answer (without its newline), or undefined if the terminal closed or the question was withdrawn. */
  ask(question: Question): Promise<string | undefined> {
    if (question.signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const asking: Asking = {
        ...question,
        typed: "",
        answer: (line) => {
          question.signal.removeEventListener("abort", withdraw);
          resolve(line);
        },
      };
      const withdraw = () => this.remove(asking, undefined);
      question.signal.addEventListener("abort", withdraw, { once: true });
      if (this.questions.length > 0) this.write(ERASE_LINE);
      this.questions.push(asking);
      this.show(asking);
      this.setRaw(true);
    });
  }

  /**
   * Every character typed, in raw mode, to `onChars` (`onPause` when nothing more is there to read, which
   * tells a lone ESC from an arrow key's sequence), until the returned function gives the terminal back.
   * For the profile picker; no question may be asked meanwhile.
   */
  readKeys(onChars: (chars: string) => void, onPause: () => void): () => void {
    this.keyReader = onChars;
    this.endOfKeys = onPause;
    this.setRaw(true);
    return () => {
      this.keyReader = undefined;
      this.endOfKeys = undefined;
      if (this.questions.length === 0) this.setRaw(false);
    };
  }

  /** Text straight to the terminal (the picker draws its screen with it). */
  draw(text: string): void {
    this.write(text);
  }

  /** The terminal's size in columns and rows (80x24 when it cannot be read). */
  size(): { columns: number; rows: number } {
    // Asked through a descriptor of its own: a WriteStream made blocking the one the keys are read from.
    // Closed here: Bun's WriteStream.destroy() leaves the descriptor open (one leaked per resize).
    let fd: number | undefined;
    try {
      fd = openSync(process.platform === "win32" ? "CONOUT$" : "/dev/tty", "w");
      const [columns, rows] = new WriteStream(fd).getWindowSize();
      if (columns > 0 && rows > 0) return { columns, rows };
    } catch {
    } finally {
      try {
        if (fd !== undefined) closeSync(fd);
      } catch {}
    }
    return { columns: 80, rows: 24 };
  }

  /** A line for the person, above the question being asked (which is shown again below it). */
  say(line: string): void {
    const current = this.questions.at(-1);
    this.write(current === undefined ? `${line}\n` : `${ERASE_LINE}${line}\n`);
    if (current !== undefined) this.show(current);
  }

  /** Withdraws every question and gives the terminal back as it was (out of raw mode, not read). Safe to call twice. */
  close(): void {
    for (const question of this.questions.splice(0)) question.answer(undefined);
    this.setRaw(false);
  }

  /** The terminal hung up or closed: every question is answered with nothing. */
  private ended(): void {
    for (const question of this.questions.splice(0)) question.answer(undefined);
    // A hang-up reaches a key reader as Ctrl-C: the picker leaves.
    this.keyReader?.("\x03");
    this.setRaw(false);
  }

  /**
   * What was typed since the last look (nothing: EAGAIN), or the end of the terminal (EOF, EIO on a hang-up).
   * A byte at a time, and only while a question waits: what is typed after the last answer stays for the next
   * reader (the next question, or the program after this one).
   */
  private readTyped(): void {
    const byte = new Uint8Array(1);
    while (this.questions.length > 0 || this.keyReader !== undefined) {
      let count: number;
      try {
        count = readSync(this.input, byte, 0, 1, null);
      } catch (error) {
        if ((error as { code?: string }).code !== "EAGAIN") this.ended();
        else this.endOfKeys?.();
        return;
      }
      if (count === 0) {
        this.ended();
        return;
      }
      this.keys(this.decoder.decode(byte, { stream: true }));
    }
  }

  private keys(chunk: string): void {
    if (this.keyReader !== undefined) {
      this.keyReader(chunk);
      if (!this.polled) this.endOfKeys?.();
      return;
    }
    for (const key of chunk) {
      const question = this.questions.at(-1);
      if (question === undefined) return;
      if (this.escape) {
        // The rest of an escape sequence (arrow keys and the like): ignored up to its final letter or ~.
        if (/[A-Za-z~]/.test(key)) this.escape = false;
      } else if (key === "\x1b") this.escape = true;
      else if (key === "\r" || key === "\n") {
        this.write("\n");
        this.remove(question, question.typed);
      } else if (key === "\x7f" || key === "\b") {
        if (question.typed.length === 0) continue;
        question.typed = question.typed.slice(0, -1);
        if (!question.hidden) this.write("\b \b");
      } else if (key === "\x15") {
        question.typed = "";
        this.write(ERASE_LINE);
        this.show(question);
      } else if (key === "\x04") {
        if (question.typed.length === 0) {
          this.write("\n");
          this.remove(question, undefined);
        }
      } else if (key === "\x03") this.interrupt();
      else if (key >= " ") {
        question.typed += key;
        if (!question.hidden) this.write(key);
      }
    }
  }

  private remove(question: Asking, line: string | undefined): void {
    const index = this.questions.indexOf(question);
    if (index < 0) return;
    const wasShown = index === this.questions.length - 1;
    this.questions.splice(index, 1);
    question.answer(line);
    if (!wasShown) return;
    if (line === undefined) this.write(ERASE_LINE);
    const next = this.questions.at(-1);
    if (next === undefined) this.setRaw(false);
    else this.show(next);
  }

  private show(question: Asking): void {
    this.write(printableLine(question.prompt) + (question.hidden ? "" : question.typed));
  }

  /** Ctrl-C in raw mode is a keystroke, not a signal: give the terminal back, then end as SIGINT would. */
  private interrupt(): void {
    this.write("^C\n");
    this.close();
    process.kill(process.pid, "SIGINT");
  }

  private setRaw(raw: boolean): void {
    if (this.raw === raw) return;
    this.raw = raw;
    // Windows: paused before the console leaves raw mode, so that no line-mode read is started and left pending.
    if (!raw && !this.polled) this.stream.pause();
    try {
      this.stream.setRawMode(raw);
    } catch {}
    if (raw) {
      if (this.polled) this.reading = setInterval(() => this.readTyped(), READ_EVERY_MS);
      else this.stream.resume();
      // A terminal left in raw mode shows nothing the user types: give it back even when a signal ends the run.
      this.releaseOnSignal = cleanUpOnSignal(() => this.close());
    } else {
      if (this.polled) clearInterval(this.reading);
      this.releaseOnSignal?.();
      this.releaseOnSignal = undefined;
    }
  }

  private write(text: string): void {
    try {
      writeSync(this.output, text);
    } catch {}
  }
}
