import type { MfaCodeSource, MfaRace } from "./mfaCodeSource.ts";
import { runProgram } from "./runProgram.ts";
import { windowsCommand } from "./windowsCommand.ts";

/** The first run of exactly six digits in what the program printed. */
const SIX_DIGITS = /(?<!\d)\d{6}(?!\d)/;
/** The same, known complete before the program ends: a non-digit follows it. */
const SIX_DIGITS_ENDED = /(?<!\d)\d{6}(?=\D)/;

/**
 * `vegas_mfa_process` on the source profile: a program that prints the code (`op item get AWS --otp`,
 * `pass otp aws`, `ykman oath accounts code -s LABEL`), run without a shell, its stdin empty, in a session of
 * its own (it cannot fight the terminal source over the keyboard). The first 6-digit number on its stdout is the
 * code, taken as soon as a non-digit follows it (or the program ends); the program and its children are then
 * stopped. Its stderr is shown only with --verbose. Works with no terminal and no display at all. On Windows
 * the program is found and run as Windows runs it (see windowsCommand.ts: a batch file through cmd.exe).
 */
export function processSource(command: readonly string[], verbose: (message: string) => void, platform: NodeJS.Platform = process.platform): MfaCodeSource {
  const windows = platform === "win32" ? windowsCommand(command, process.env) : undefined;
  // The program as found (on Windows an unquoted path with spaces is several words of the line).
  const program = (windows?.argv ?? command)[0] ?? "";
  return {
    name: `program (${program})`,
    invitation: `it comes from ${program}`,
    async read(_request, race: MfaRace): Promise<string | undefined> {
      if (platform === "win32" && windows === undefined) return giveUp(race, `vegas_mfa_process ${program} cannot be given an argument with a line break`);
      const argv = windows === undefined ? command : [windows.file, ...windows.args];
      const answered = (stdout: string) => SIX_DIGITS_ENDED.test(stdout);
      const result = await runProgram({ argv, signal: race.signal, detached: true, answered, windowsVerbatimArguments: windows?.verbatim });
      if (race.signal.aborted) return undefined;
      const said = result.stderr.trim().split("\n")[0] ?? "";
      if (said !== "") verbose(`vegas_mfa_process ${program} says: ${said}`);
      if (result.answeredEarly === true) return SIX_DIGITS_ENDED.exec(result.stdout)?.[0];
      if (result.exitCode === undefined) return giveUp(race, `vegas_mfa_process ${program} could not be run${said === "" ? "" : ` (${said})`}`);
      if (result.exitCode !== 0) return giveUp(race, `vegas_mfa_process ${program} exited with ${result.exitCode}`);
      const code = SIX_DIGITS.exec(result.stdout)?.[0];
      return code ?? giveUp(race, `vegas_mfa_process ${program} printed no 6-digit code`);
    },
  };
}

function giveUp(race: MfaRace, reason: string): undefined {
  race.gaveUp(reason);
  return undefined;
}
