import { cleanUpOnSignal } from "../mfa/cleanUpOnSignal.ts";
import { isTerminal, Terminal } from "../mfa/terminal.ts";
import { type Choice, choiceRows, drawPicker, type PickerState, pressKey, startPicker } from "./pickerScreen.ts";
import { KeyReader } from "./terminalKeys.ts";

export type PickOutcome = { readonly picked: string } | { readonly cancelled: true } | { readonly unavailable: string };

const ALTERNATE_SCREEN = "\x1b[?1049h";
/** Back to the screen as it was before the picker, the cursor where it was. */
const MAIN_SCREEN = "\x1b[?1049l";

/**
 * A full-screen list on the terminal (never stdout, so `eval "$(… export)"` still reads only the variables):
 * type to filter, arrow keys to move, Enter to pick, Esc or Ctrl-C to leave. It draws on the alternate
 * screen, so leaving puts back exactly what was there.
 */
export function pickChoice(choices: readonly Choice[], title: string, color: boolean): Promise<PickOutcome> {
  const terminal = Terminal.open();
  if (!isTerminal(terminal)) return Promise.resolve(terminal);
  return new Promise((resolve) => {
    let state: PickerState = startPicker(choices);
    let size = terminal.size();
    const draw = () => terminal.draw(drawPicker(state, { ...size, color, title }));
    const resized = () => {
      size = terminal.size();
      draw();
    };
    const leave = () => {
      releaseKeys();
      releaseOnSignal();
      process.off("SIGWINCH", resized);
      terminal.draw(MAIN_SCREEN);
    };
    const reader = new KeyReader((key) => {
      if (finished) return;
      const step = pressKey(state, key, choiceRows(size.rows));
      if ("state" in step) {
        state = step.state;
        draw();
        return;
      }
      finished = true;
      leave();
      resolve(step);
    });
    let finished = false;
    terminal.draw(ALTERNATE_SCREEN);
    const releaseOnSignal = cleanUpOnSignal(() => terminal.draw(MAIN_SCREEN));
    const releaseKeys = terminal.readKeys(
      (chars) => reader.feed(chars),
      () => reader.flush(),
    );
    process.on("SIGWINCH", resized);
    draw();
  });
}
