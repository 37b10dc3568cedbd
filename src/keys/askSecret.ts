import { askInDialog, DIALOG_TITLE } from "../mfa/dialog.ts";
import { findDialog } from "../mfa/findDialog.ts";
import { isTerminal, Terminal } from "../mfa/terminal.ts";
import { UserError } from "../userError.ts";

/** A person has this long to type a passphrase or a key. */
const ANSWER_TIMEOUT_MS = 120_000;

export interface Asking {
  readonly env: Record<string, string | undefined>;
  /** False with --no-gui (or VEGAS_CREDENTIALS_NO_GUI): the terminal only. */
  readonly gui: boolean;
}

/**
 * One line from the person: at the terminal (read from /dev/tty or CONIN$, as the MFA code is: the AWS tools
 * give us pipes), else in the native dialog. `hidden` for secrets: not echoed, dots in the dialog. Throws the
 * one line when no one can be asked, or nothing was answered.
 */
export async function askPerson(prompt: string, hidden: boolean, asking: Asking, fallback: string): Promise<string> {
  const signal = AbortSignal.timeout(ANSWER_TIMEOUT_MS);
  const terminal = Terminal.open();
  if (isTerminal(terminal)) {
    const answer = await terminal.ask({ prompt, hidden, signal });
    if (answer === undefined) throw new UserError(signal.aborted ? `nothing was typed within ${ANSWER_TIMEOUT_MS / 1000} s: run again` : "the terminal closed before an answer: run again");
    return answer;
  }
  const dialog = findDialog(asking.env, asking.gui);
  if ("unavailable" in dialog) throw new UserError(`${fallback} (${terminal.unavailable}; ${dialog.unavailable})`);
  const answer = await askInDialog(dialog, { title: DIALOG_TITLE, text: prompt.replace(/:\s*$/, ""), hidden, timeoutSeconds: ANSWER_TIMEOUT_MS / 1000 }, signal);
  if (answer === undefined) throw new UserError("the dialog was cancelled or closed: nothing was changed");
  return answer;
}

/** The keys file's passphrase: VEGAS_CREDENTIALS_KEYS_PASSPHRASE for scripts, else asked (twice for a new file). */
export function passphraseAsker(file: string, asking: Asking): (purpose: "open" | "new") => Promise<string> {
  return async (purpose) => {
    const given = asking.env.VEGAS_CREDENTIALS_KEYS_PASSPHRASE;
    if (given !== undefined && given !== "") return given;
    const fallback = `the keys file ${file} needs its passphrase and nothing can ask for it here: set VEGAS_CREDENTIALS_KEYS_PASSPHRASE, or run at a terminal`;
    if (purpose === "open") return askPerson(`Passphrase of the keys file ${file}: `, true, asking, fallback);
    const first = await askPerson(`New passphrase for the keys file ${file} (8 characters or more): `, true, asking, fallback);
    const again = await askPerson("The same passphrase again: ", true, asking, fallback);
    if (first !== again) throw new UserError("the two passphrases differ: nothing was stored; run again");
    return first;
  };
}
