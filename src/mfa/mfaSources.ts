import type { CacheStore } from "../cache/cacheStore.ts";
import { askInDialog, type Dialog, DIALOG_TITLE } from "./dialog.ts";
import { dialogSource } from "./dialogSource.ts";
import { findDialog } from "./findDialog.ts";
import { mfaCodeQuestion, type MfaSourceOffer } from "./mfaCodeSource.ts";
import { processSource } from "./processSource.ts";
import { isTerminal, Terminal } from "./terminal.ts";
import { terminalSource } from "./terminalSource.ts";
import { findYkman } from "./ykman.ts";
import { YubikeyPasswords } from "./yubikeyPassword.ts";
import { type AskPassword, type TellTouch, yubikeySource } from "./yubikeySource.ts";
import { showDesktopNote } from "./desktopNotification.ts";

export interface MfaSourceSettings {
  readonly env: Record<string, string | undefined>;
  /** False with --no-gui or VEGAS_CREDENTIALS_NO_GUI: no dialogs. */
  readonly gui: boolean;
  readonly timeoutSeconds: number;
  readonly yubikey: { readonly serial: string | undefined; readonly label: string };
  readonly store: CacheStore | undefined;
  /** `vegas_mfa_process`, split into its words; its stderr goes to `verbose`. */
  readonly mfaProcess: readonly string[] | undefined;
  readonly verbose: (message: string) => void;
}

/** The sources of one race, in the order they are named to the user, and how to give back what they opened. */
export interface MfaSources {
  readonly offers: MfaSourceOffer[];
  close(): void;
}

/** Terminal, dialog, YubiKey and a program (vegas_mfa_process), each offered only where it can work; they share the terminal and the dialog. */
export function mfaSources(settings: MfaSourceSettings): MfaSources {
  const terminal = Terminal.open();
  const dialog = findDialog(settings.env, settings.gui);
  const ykman = findYkman(settings.env);
  const askPassword = passwordAsker(isTerminal(terminal) ? terminal : undefined, "driver" in dialog ? dialog : undefined, settings.timeoutSeconds);
  return {
    offers: [
      () => (isTerminal(terminal) ? terminalSource(terminal) : terminal),
      () => ("driver" in dialog ? dialogSource(dialog, settings.timeoutSeconds) : dialog),
      () =>
        ykman === undefined
          ? { unavailable: "no YubiKey (ykman not found)" }
          : yubikeySource({ ykman, ...settings.yubikey }, new YubikeyPasswords(settings.store), askPassword, isTerminal(terminal) ? undefined : touchNotifier(settings)),
      () => (settings.mfaProcess === undefined ? { unavailable: "no program (vegas_mfa_process)" } : processSource(settings.mfaProcess, settings.verbose)),
    ],
    close: () => {
      if (isTerminal(terminal)) terminal.close();
    },
  };
}

/** The YubiKey password is asked where the person is: at the terminal if there is one, else in a dialog. */
function passwordAsker(terminal: Terminal | undefined, dialog: Dialog | undefined, timeoutSeconds: number): AskPassword | undefined {
  if (terminal !== undefined) return (text, signal) => terminal.ask({ prompt: `${text}: `, hidden: true, signal });
  if (dialog !== undefined) return (text, signal) => askInDialog(dialog, { title: DIALOG_TITLE, text: `${text}:`, hidden: true, timeoutSeconds }, signal);
  return undefined;
}

/**
 * Without a terminal (credential_process under an IDE or a GUI app) the "touch your YubiKey" line goes to a
 * stderr nobody reads: a desktop notification says it instead, and is withdrawn once the key stops waiting.
 */
function touchNotifier(settings: MfaSourceSettings): TellTouch {
  return (serial, request) =>
    showDesktopNote({ title: `Touch YubiKey ${serial}`, body: `${mfaCodeQuestion(request)}: the key waits for a touch`, timeoutSeconds: settings.timeoutSeconds }, settings.env);
}
