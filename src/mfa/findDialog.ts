import type { Dialog, DialogDriver } from "./dialog.ts";
import { findProgram } from "./findProgram.ts";
import { kdialogDialog } from "./kdialogDialog.ts";
import { osascriptDialog } from "./osascriptDialog.ts";
import { powershellDialog } from "./powershellDialog.ts";
import { zenityDialog } from "./zenityDialog.ts";

/** The dialog programs to look for, best first, on each platform. */
const DRIVERS: Partial<Record<NodeJS.Platform, readonly DialogDriver[]>> = {
  darwin: [osascriptDialog],
  win32: [powershellDialog],
};
const UNIX_DRIVERS = [zenityDialog, kdialogDialog];
const PLACES: Partial<Record<NodeJS.Platform, readonly string[]>> = {
  darwin: ["/usr/bin"],
  win32: ["C:\\Windows\\System32\\WindowsPowerShell\\v1.0"],
};

/** The native dialog this machine can show now, or why none: no program, no display, or turned off. */
export function findDialog(env: Record<string, string | undefined>, gui: boolean, platform: NodeJS.Platform = process.platform): Dialog | { unavailable: string } {
  if (!gui) return { unavailable: "dialogs turned off (--no-gui or VEGAS_CREDENTIALS_NO_GUI)" };
  const drivers = DRIVERS[platform] ?? UNIX_DRIVERS;
  if (DRIVERS[platform] === undefined && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { unavailable: "no dialog (neither DISPLAY nor WAYLAND_DISPLAY is set)" };
  for (const driver of drivers) {
    const path = findProgram(driver.program, env, PLACES[platform]);
    if (path !== undefined) return { driver, path };
  }
  return { unavailable: `no dialog (${drivers.map((driver) => driver.program).join(" or ")} not found)` };
}
