import { UserError } from "../userError.ts";
import type { Reporter } from "../cli/reporter.ts";
import type { MfaCodeSource, MfaRequest, MfaSourceOffer } from "./mfaCodeSource.ts";
import { MFA_CODE } from "./mfaCodeSource.ts";

export const DEFAULT_MFA_TIMEOUT_MS = 60_000;

/**
 * Asks every available source at once; the first valid 6-digit code wins and the others are cancelled.
 * Fails with one line when no source can work here, when all give up, or when time runs out.
 */
export async function readMfaCode(
  request: MfaRequest,
  offers: readonly MfaSourceOffer[],
  reporter: Reporter,
  timeoutMs = DEFAULT_MFA_TIMEOUT_MS,
): Promise<string> {
  const sources: MfaCodeSource[] = [];
  const unavailable: string[] = [];
  for (const offer of offers) {
    const offered = offer();
    if ("unavailable" in offered) unavailable.push(offered.unavailable);
    else sources.push(offered);
  }
  if (sources.length === 0) {
    throw new UserError(
      `profile "${request.profile}" needs an MFA code for ${request.mfaSerial}, but there is no way to ask for one here: ${unavailable.join("; ")}. Run the command from a terminal`,
    );
  }
  reporter.verbose(`asking for the MFA code through: ${sources.map((source) => source.name).join(", ")}`);

  const cancel = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const winner = await Promise.race([firstCode(sources, request, cancel.signal), timedOut]);
    if (winner === "timeout") {
      throw new UserError(`no MFA code for profile "${request.profile}" within ${Math.round(timeoutMs / 1000)} s: run the command again and enter the code from ${request.mfaSerial}`);
    }
    if (winner === undefined) {
      throw new UserError(`no valid MFA code was entered for profile "${request.profile}": enter the 6-digit code shown by ${request.mfaSerial}`);
    }
    return winner;
  } finally {
    clearTimeout(timer);
    cancel.abort();
  }
}

/** The first valid code any source gives, or undefined when every source has given up. */
function firstCode(sources: readonly MfaCodeSource[], request: MfaRequest, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    let pending = sources.length;
    for (const source of sources) {
      source
        .read(request, signal)
        .catch(() => undefined)
        .then((code) => {
          if (code !== undefined && MFA_CODE.test(code)) resolve(code);
          else if (--pending === 0) resolve(undefined);
        });
    }
  });
}
