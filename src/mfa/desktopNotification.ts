import { findProgram } from "./findProgram.ts";
import { runProgram } from "./runProgram.ts";

export interface DesktopNote {
  readonly title: string;
  readonly body: string;
  /** How long it may stay up at most (it is withdrawn sooner, once it is no longer true). */
  readonly timeoutSeconds: number;
}

/** Takes a note back off the screen; resolves once that was asked of the desktop (or could not be). */
export type WithdrawNote = () => Promise<void>;

/** A helper that shows or withdraws a note is given this long: a note must never hold up the code. */
const HELPER_DEADLINE_MS = 3_000;

const FREEDESKTOP = ["--session", "--dest", "org.freedesktop.Notifications", "--object-path", "/org/freedesktop/Notifications"];
const WINDOWS_GROUP = "vegas-credentials";
/** Windows shows a toast only for an app it knows: PowerShell's own ID, there on every Windows. */
const POWERSHELL_APP_ID = "{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe";

/**
 * A desktop notification, for what a person must do when no terminal shows it (a YubiKey waiting for a touch
 * under an IDE): notify-send on Linux (withdrawn through the notification service's CloseNotification),
 * `display notification` on macOS (which cannot be withdrawn: it is short-lived there), a toast on Windows.
 * Text goes as arguments or variables, never through a shell or a script's source. undefined when this
 * desktop has no way to show one.
 */
export function showDesktopNote(note: DesktopNote, env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): WithdrawNote | undefined {
  if (platform === "darwin") return showOnMac(note, env);
  if (platform === "win32") return showOnWindows(note, env);
  return showOnFreedesktop(note, env);
}

function showOnFreedesktop(note: DesktopNote, env: Record<string, string | undefined>): WithdrawNote | undefined {
  const notifySend = findProgram("notify-send", env, ["/usr/bin"]);
  if (notifySend === undefined || (!env.DBUS_SESSION_BUS_ADDRESS && !env.DISPLAY && !env.WAYLAND_DISPLAY)) return undefined;
  const options = ["--app-name=vegas-credentials", "--icon=dialog-password", `--expire-time=${note.timeoutSeconds * 1000}`];
  // libnotify before 0.7.10 has no --print-id: the note is shown all the same, and left to expire.
  const shown = (async () => {
    const printed = await helper([notifySend, ...options, "--print-id", "--", note.title, note.body], env);
    if (printed !== undefined) return printed;
    await helper([notifySend, ...options, "--", note.title, note.body], env);
    return "";
  })();
  return async () => {
    const id = (await shown).trim();
    if (!/^\d+$/.test(id)) return;
    const gdbus = findProgram("gdbus", env, ["/usr/bin"]);
    if (gdbus !== undefined) {
      await helper([gdbus, "call", ...FREEDESKTOP, "--method", "org.freedesktop.Notifications.CloseNotification", id], env);
      return;
    }
    const dbusSend = findProgram("dbus-send", env, ["/usr/bin"]);
    if (dbusSend !== undefined) await helper([dbusSend, "--session", "--type=method_call", "--dest=org.freedesktop.Notifications", "/org/freedesktop/Notifications", "org.freedesktop.Notifications.CloseNotification", `uint32:${id}`], env);
  };
}

function showOnMac(note: DesktopNote, env: Record<string, string | undefined>): WithdrawNote {
  const script = ["on run argv", "display notification (item 2 of argv) with title (item 1 of argv)", "end run"].flatMap((line) => ["-e", line]);
  void helper(["/usr/bin/osascript", ...script, note.title, note.body], env);
  return async () => {};
}

function showOnWindows(note: DesktopNote, env: Record<string, string | undefined>): WithdrawNote | undefined {
  const powershell = findProgram("powershell.exe", env, [`${env.SystemRoot ?? "C:\\Windows"}\\System32\\WindowsPowerShell\\v1.0`]);
  if (powershell === undefined) return undefined;
  const tag = `touch-${process.pid}`;
  const manager = "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime]";
  const show = [
    `${manager} > $null`,
    "$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)",
    "$texts = $xml.GetElementsByTagName('text')",
    "$texts.Item(0).AppendChild($xml.CreateTextNode($env:VEGAS_NOTE_TITLE)) > $null",
    "$texts.Item(1).AppendChild($xml.CreateTextNode($env:VEGAS_NOTE_BODY)) > $null",
    "$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)",
    "$toast.Tag = $env:VEGAS_NOTE_TAG; $toast.Group = $env:VEGAS_NOTE_GROUP",
    "$toast.ExpirationTime = [DateTimeOffset]::Now.AddSeconds([int]$env:VEGAS_NOTE_SECONDS)",
    "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($env:VEGAS_NOTE_APP).Show($toast)",
  ].join("; ");
  const withdraw = [`${manager} > $null`, "[Windows.UI.Notifications.ToastNotificationManager]::History.Remove($env:VEGAS_NOTE_TAG, $env:VEGAS_NOTE_GROUP, $env:VEGAS_NOTE_APP)"].join("; ");
  const noteEnv = { ...env, VEGAS_NOTE_TITLE: note.title, VEGAS_NOTE_BODY: note.body, VEGAS_NOTE_TAG: tag, VEGAS_NOTE_GROUP: WINDOWS_GROUP, VEGAS_NOTE_APP: POWERSHELL_APP_ID, VEGAS_NOTE_SECONDS: String(note.timeoutSeconds) };
  const powershellRun = (script: string) => helper([powershell, "-NoProfile", "-NonInteractive", "-Command", script], noteEnv);
  const shown = powershellRun(show);
  return async () => {
    await shown;
    await powershellRun(withdraw);
  };
}

/** Runs a notification helper to its end, within the deadline: its stdout, or undefined if it failed. Never throws. */
async function helper(argv: readonly string[], env: Record<string, string | undefined>): Promise<string | undefined> {
  const result = await runProgram({ argv, env, detached: true, signal: AbortSignal.timeout(HELPER_DEADLINE_MS) });
  return result.exitCode === 0 ? result.stdout : undefined;
}

