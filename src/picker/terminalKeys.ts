/** A key as the picker reads it: a named one, or text typed (one character). */
export type Key =
  | { readonly name: "up" | "down" | "pageup" | "pagedown" | "home" | "end" | "enter" | "escape" | "backspace" | "tab" | "interrupt" | "end-of-input" | "clear-line" | "delete-word" }
  | { readonly text: string };

/** CSI/SS3 sequences the picker acts on; every other sequence is read whole and dropped. */
const SEQUENCES: Readonly<Record<string, Key>> = {
  "[A": { name: "up" },
  "[B": { name: "down" },
  OA: { name: "up" },
  OB: { name: "down" },
  "[5~": { name: "pageup" },
  "[6~": { name: "pagedown" },
  "[H": { name: "home" },
  "[F": { name: "end" },
  OH: { name: "home" },
  OF: { name: "end" },
  "[1~": { name: "home" },
  "[4~": { name: "end" },
  "[7~": { name: "home" },
  "[8~": { name: "end" },
};

const CONTROLS: Readonly<Record<string, Key>> = {
  "\r": { name: "enter" },
  "\n": { name: "enter" },
  "\x7f": { name: "backspace" },
  "\b": { name: "backspace" },
  "\t": { name: "tab" },
  "\x03": { name: "interrupt" },
  "\x04": { name: "end-of-input" },
  "\x15": { name: "clear-line" },
  "\x17": { name: "delete-word" },
  "\x10": { name: "up" },
  "\x0e": { name: "down" },
};

/**
 * Turns what the terminal sends, in raw mode, into keys. An arrow key comes as ESC [ A in one write, so a lone
 * ESC at the end of what could be read (`flush`) is the Escape key itself; a sequence split across reads is
 * joined up.
 */
export class KeyReader {
  private pending = "";

  constructor(private readonly onKey: (key: Key) => void) {}

  /** Characters as read from the terminal. */
  feed(chars: string): void {
    for (const char of chars) {
      if (this.pending !== "") {
        this.pending += char;
        this.finishSequence();
      } else if (char === "\x1b") this.pending = char;
      else {
        const control = CONTROLS[char];
        if (control !== undefined) this.onKey(control);
        else if (char >= " " && !(char >= "\x7f" && char <= "\x9f")) this.onKey({ text: char });
      }
    }
  }

  /** Nothing more to read for now: an ESC still waiting for its sequence was the Escape key. */
  flush(): void {
    if (this.pending === "\x1b") this.onKey({ name: "escape" });
    this.pending = "";
  }

  private finishSequence(): void {
    const body = this.pending.slice(1);
    // ESC ESC: the first was the Escape key.
    if (body === "\x1b") {
      this.onKey({ name: "escape" });
      this.pending = "\x1b";
      return;
    }
    const introducer = body[0];
    const done = introducer === "[" ? body.length > 1 && /[@-~]/.test(body.at(-1) ?? "") : introducer === "O" ? body.length === 2 : true;
    if (!done) {
      // A runaway sequence (garbage on the line) is dropped rather than swallowing everything after it.
      if (body.length > 16) this.pending = "";
      return;
    }
    this.pending = "";
    const known = SEQUENCES[body];
    if (known !== undefined) this.onKey(known);
  }
}
