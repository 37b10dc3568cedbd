import { findProgram } from "./findProgram.ts";
import { type ProgramResult, runProgram } from "./runProgram.ts";

/** Where Yubico's installers put ykman when it is not on PATH (a GUI-launched tool often has a short PATH). */
const YKMAN_PLACES: Partial<Record<NodeJS.Platform, readonly string[]>> = {
  darwin: ["/opt/homebrew/bin", "/usr/local/bin", "/Applications/YubiKey Manager.app/Contents/MacOS"],
  linux: ["/usr/local/bin", "/usr/bin", "/snap/bin"],
  win32: ["C:\\Program Files\\Yubico\\YubiKey Manager", "C:\\Program Files\\Yubico\\YubiKey Manager CLI"],
};

export function findYkman(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string | undefined {
  const home = env.HOME ?? env.USERPROFILE;
  const userPlaces = home === undefined || platform === "win32" ? [] : [`${home}/.local/bin`];
  return findProgram("ykman", env, [...userPlaces, ...(YKMAN_PLACES[platform] ?? [])]);
}

/** `ykman list --serials`: one serial number per line for each YubiKey plugged in. */
export function listSerialsCommand(ykman: string): string[] {
  return [ykman, "list", "--serials"];
}

/** `ykman --device SERIAL oath accounts code --single LABEL`: the one account's code, after a touch if it wants one. */
export function oathCodeCommand(ykman: string, serial: string, label: string): string[] {
  return [ykman, "--device", serial, "oath", "accounts", "code", "--single", label];
}

export type YkmanFailure = "password" | "wrong-password" | "no-account" | "no-device" | "touch-timeout" | "other";

/** What went wrong, from ykman's own words on stderr (ykman 4 and 5). */
export function ykmanFailure(stderr: string, passwordGiven: boolean): YkmanFailure {
  if (/wrong password|authentication to the yubikey failed/i.test(stderr)) return passwordGiven ? "wrong-password" : "password";
  if (/enter the password|password required|is password protected|aborted!/i.test(stderr)) return passwordGiven ? "wrong-password" : "password";
  if (/no matching account|no account/i.test(stderr)) return "no-account";
  if (/no yubikey|failed connecting|failed to open device|not connected|no such device/i.test(stderr)) return "no-device";
  if (/touch.*timed out|timed out/i.test(stderr)) return "touch-timeout";
  return "other";
}

/**
 * Runs ykman in a session of its own: without our terminal it cannot prompt there for the OATH password
 * behind our back, and reads the password we give it from stdin instead (never from argv, which others can see).
 */
export function runYkman(argv: readonly string[], signal: AbortSignal, password?: string, onStderr?: (stderr: string) => void): Promise<ProgramResult> {
  return runProgram({ argv, signal, detached: true, stdin: password === undefined ? "" : `${password}\n`, ...(onStderr === undefined ? {} : { onStderr }) });
}

/** ykman's line once it waits for the key to be touched (an account made with --touch). */
export function waitsForTouch(stderr: string): boolean {
  return /touch your yubikey/i.test(stderr);
}

/** The last line of ykman's stderr, for --verbose (ykman never writes a code or password there). */
export function ykmanSays(result: ProgramResult): string {
  const lines = result.stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  return lines.at(-1) ?? (result.exitCode === undefined ? "could not be run" : `exit code ${result.exitCode}`);
}
