import type { MfaCodeSource, MfaRace, MfaRequest } from "./mfaCodeSource.ts";
import { MFA_CODE, mfaCodeQuestion } from "./mfaCodeSource.ts";
import type { Terminal } from "./terminal.ts";

const TRIES = 3;

/** The code typed at the terminal; a typo asks again, three times in all. */
export function terminalSource(terminal: Terminal): MfaCodeSource {
  return {
    name: "terminal",
    invitation: "type it here",
    announces: true,
    async read(request: MfaRequest, race: MfaRace): Promise<string | undefined> {
      // Alone, the prompt is the question itself; with other sources it names them all, then takes the code.
      if (!race.alone) terminal.say(race.announcement);
      const prompt = race.alone ? `${mfaCodeQuestion(request)}: ` : "MFA code: ";
      for (let attempt = 1; attempt <= TRIES; attempt++) {
        const answer = (await terminal.ask({ prompt, hidden: false, signal: race.signal }))?.trim();
        if (answer === undefined) return undefined;
        if (MFA_CODE.test(answer)) return answer;
        const left = TRIES - attempt;
        if (left === 0) {
          terminal.say("That is not a 6-digit code either; giving up.");
          return undefined;
        }
        terminal.say(`That is not a 6-digit code; try again (${left} ${left === 1 ? "try" : "tries"} left).`);
      }
      return undefined;
    },
  };
}
