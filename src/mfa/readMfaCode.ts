import { UserError } from "../userError.ts";
import type { Reporter } from "../output/reporter.ts";
import type { MfaCodeSource, MfaRace, MfaRequest, MfaSourceOffer } from "./mfaCodeSource.ts";
import { MFA_CODE, mfaCodeQuestion } from "./mfaCodeSource.ts";
import { DEFAULT_MFA_TIMEOUT_SECONDS } from "../config/settingChecks.ts";

/**
 * Asks every available source at once; the first valid 6-digit code wins and the others are cancelled.
 * Fails with one line when no source can work here, when all give up, or when time runs out.
 */
export async function readMfaCode(
  request: MfaRequest,
  offers: readonly MfaSourceOffer[],
  reporter: Reporter,
  timeoutMs = DEFAULT_MFA_TIMEOUT_SECONDS * 1000,
): Promise<string> {
  const sources: MfaCodeSource[] = [];
  const unavailable: string[] = [];
  for (const offer of offers) {
    const offered = offer();
    if ("unavailable" in offered) unavailable.push(offered.unavailable);
    else sources.push(offered);
  }
  for (const reason of unavailable) reporter.verbose(`MFA source not available: ${reason}`);
  if (sources.length === 0) {
    throw new UserError(
      `profile "${request.profile}" needs an MFA code for ${request.mfaSerial}, but there is no way to ask for one here: ${unavailable.join("; ")}. ${howToFix(unavailable)}`,
    );
  }
  const announcement = `${mfaCodeQuestion(request)}: ${invitations(sources)}`;
  reporter.verbose(`asking for the MFA code through: ${sources.map((source) => source.name).join(", ")}`);
  if (!sources.some((source) => source.announces)) reporter.notice(announcement);

  const cancel = new AbortController();
  const reasons: string[] = [];
  const race = (source: MfaCodeSource): MfaRace => ({
    signal: cancel.signal,
    announcement,
    alone: sources.length === 1,
    gaveUp(reason) {
      reasons.push(`${source.name}: ${reason}`);
      reporter.verbose(`MFA source ${source.name} gave up: ${reason}`);
    },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const winner = await Promise.race([firstCode(sources, request, race, reporter), timedOut]);
    if (winner === "timeout") {
      throw new UserError(`no MFA code for profile "${request.profile}" within ${Math.round(timeoutMs / 1000)} s: run the command again and enter the code from ${request.mfaSerial}`);
    }
    if (winner === undefined) {
      const why = reasons.length > 0 ? ` (${reasons.join("; ")})` : "";
      throw new UserError(`no valid MFA code was entered for profile "${request.profile}"${why}: enter the 6-digit code shown by ${request.mfaSerial}`);
    }
    return winner;
  } finally {
    clearTimeout(timer);
    cancel.abort();
  }
}

/** "type it here, in the dialog, or touch your YubiKey" */
function invitations(sources: readonly MfaCodeSource[]): string {
  const each = sources.map((source) => source.invitation);
  return each.length <= 2 ? each.join(" or ") : `${each.slice(0, -1).join(", ")}, or ${each.at(-1)}`;
}

function howToFix(unavailable: readonly string[]): string {
  const program = unavailable.some((reason) => reason.includes("vegas_mfa_process")) ? ", or set vegas_mfa_process to a program that prints the code" : "";
  return unavailable.length > 1 ? `Run the command from a terminal, or in a desktop session where a dialog can open${program}` : "Run the command from a terminal";
}

/** The first valid code any source gives, or undefined when every source has given up. */
function firstCode(sources: readonly MfaCodeSource[], request: MfaRequest, race: (source: MfaCodeSource) => MfaRace, reporter: Reporter): Promise<string | undefined> {
  return new Promise((resolve) => {
    let pending = sources.length;
    for (const source of sources) {
      source
        .read(request, race(source))
        .catch((error: unknown) => {
          reporter.verbose(`MFA source ${source.name} failed: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        })
        .then((code) => {
          if (code !== undefined && MFA_CODE.test(code)) {
            reporter.verbose(`MFA code from ${source.name}`);
            reporter.record({ codeFrom: source.name });
            resolve(code);
          } else if (--pending === 0) resolve(undefined);
        });
    }
  });
}
