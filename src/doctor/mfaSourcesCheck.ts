import type { SourceProfile } from "../config/roleProfile.ts";
import type { Env } from "../environment.ts";
import { findDialog } from "../mfa/findDialog.ts";
import { findProgram } from "../mfa/findProgram.ts";
import { listSerialsCommand, findYkman, runYkman, ykmanSays } from "../mfa/ykman.ts";
import { type Check, failed, ok, skipped } from "./check.ts";
import { programStatus } from "./credentialProcessCheck.ts";

const YKMAN_DEADLINE_MS = 10_000;

/**
 * The ways a code can come for this source profile, here: the terminal, a dialog, a YubiKey (ykman and a key
 * plugged in), vegas_mfa_process. Each that cannot work is said; it fails only when none can, or when
 * vegas_mfa_process names a program that cannot run (it was asked for).
 */
export async function checkMfaSources(source: SourceProfile, env: Env, gui: boolean, terminal: boolean): Promise<Check[]> {
  const name = `MFA sources of ${source.name}`;
  const ways: string[] = [];
  const without: string[] = [];
  const checks: Check[] = [];
  if (terminal) ways.push("the terminal");
  else without.push("no terminal");
  const dialog = findDialog(env, gui);
  if ("driver" in dialog) ways.push(`a dialog (${dialog.driver.program})`);
  else without.push(dialog.unavailable);
  const ykman = findYkman(env);
  if (ykman === undefined) without.push("no ykman");
  else {
    const listed = await runYkman(listSerialsCommand(ykman), AbortSignal.timeout(YKMAN_DEADLINE_MS));
    const serials = listed.stdout.split(/\s+/).filter((serial) => /^\d+$/.test(serial));
    if (listed.exitCode !== 0) without.push(`ykman could not list YubiKeys (${ykmanSays(listed)})`);
    else if (source.yubikeySerial !== undefined && !serials.includes(source.yubikeySerial)) without.push(`YubiKey ${source.yubikeySerial} (vegas_yubikey_serial) is not plugged in`);
    else if (serials.length === 0) without.push("no YubiKey plugged in");
    else if (serials.length > 1 && source.yubikeySerial === undefined) without.push(`${serials.length} YubiKeys plugged in and no vegas_yubikey_serial to pick one`);
    else ways.push(`YubiKey ${source.yubikeySerial ?? serials[0]} (account ${source.yubikeyLabel})`);
  }
  if (source.mfaProcess !== undefined) {
    const [program = ""] = source.mfaProcess;
    const path = /[\\/]/.test(program) ? program : findProgram(program, env);
    const status = path === undefined ? "missing" : programStatus(path);
    if (status === "runnable") ways.push(`vegas_mfa_process (${path})`);
    else checks.push(failed(`vegas_mfa_process of ${source.name}`, `${program} ${status === "missing" ? "is not found" : "cannot be run (no execute permission)"}`, `set vegas_mfa_process in [${source.name === "default" ? "default" : `profile ${source.name}`}] to a program that prints the code, by its full path`));
  }
  const also = without.length > 0 ? ` (not: ${without.join("; ")})` : "";
  if (ways.length === 0) checks.unshift(failed(name, `no way to get a code here${also}`, "run from a terminal, in a desktop session where a dialog can open, or set vegas_mfa_process"));
  else checks.unshift(ok(name, `${ways.join(", ")}${also}`));
  return checks;
}

/** A skipped line for each source profile whose MFA device could not be read (the profile check says why). */
export function mfaSourcesUnknown(sourceName: string): Check {
  return skipped(`MFA sources of ${sourceName}`, "not checked: the profile does not resolve");
}

