import { askInDialog, DIALOG_TITLE, type Dialog } from "./dialog.ts";
import type { MfaCodeSource, MfaRace, MfaRequest } from "./mfaCodeSource.ts";
import { MFA_CODE, mfaCodeQuestion } from "./mfaCodeSource.ts";

const TRIES = 3;

/** The code typed into a native dialog; Cancel gives this source up (the others go on). */
export function dialogSource(dialog: Dialog, timeoutSeconds: number): MfaCodeSource {
  return {
    name: `dialog (${dialog.driver.program})`,
    invitation: "in the dialog",
    async read(request: MfaRequest, race: MfaRace): Promise<string | undefined> {
      let text = `${mfaCodeQuestion(request)}:`;
      for (let attempt = 1; attempt <= TRIES; attempt++) {
        const answer = (await askInDialog(dialog, { title: DIALOG_TITLE, text, hidden: false, timeoutSeconds }, race.signal))?.trim();
        if (answer === undefined) {
          if (!race.signal.aborted) race.gaveUp("the dialog was cancelled");
          return undefined;
        }
        if (MFA_CODE.test(answer)) return answer;
        text = `That is not a 6-digit code; try again.\n${mfaCodeQuestion(request)}:`;
      }
      race.gaveUp("no 6-digit code was entered in the dialog");
      return undefined;
    },
  };
}
