import { runProgram } from "./runProgram.ts";

export interface DialogQuestion {
  readonly title: string;
  readonly text: string;
  /** A password: shown as dots. */
  readonly hidden: boolean;
  /** The dialog closes itself after this long, where the program can (the race times out anyway). */
  readonly timeoutSeconds: number;
}

/** How to run one dialog program; the user's text goes where the program takes it literally. */
export interface DialogCommand {
  readonly argv: readonly string[];
  /** Extra environment for the child (PowerShell takes the text from there, unquoted). */
  readonly env?: Record<string, string>;
}

/** One native dialog program (one file each: zenityDialog.ts, kdialogDialog.ts, …). */
export interface DialogDriver {
  /** The program's name, as found on PATH. */
  readonly program: string;
  command(programPath: string, question: DialogQuestion): DialogCommand;
}

/** A dialog ready to show: the driver and where its program is. */
export interface Dialog {
  readonly driver: DialogDriver;
  readonly path: string;
}

export const DIALOG_TITLE = "vegas-credentials";

/** The text entered, or undefined when the dialog was cancelled, closed, failed, or withdrawn by `signal`. */
export async function askInDialog(dialog: Dialog, question: DialogQuestion, signal: AbortSignal): Promise<string | undefined> {
  const command = dialog.driver.command(dialog.path, question);
  const result = await runProgram({ argv: command.argv, env: command.env === undefined ? undefined : { ...process.env, ...command.env }, signal });
  if (result.exitCode !== 0) return undefined;
  return result.stdout.replace(/\r?\n$/, "");
}
