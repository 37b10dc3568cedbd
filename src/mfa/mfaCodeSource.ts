/** What the user is asked for: shown in prompts, never the code itself. */
export interface MfaRequest {
  readonly profile: string;
  readonly mfaSerial: string;
}

/** What a source gets for one race (see readMfaCode). */
export interface MfaRace {
  readonly signal: AbortSignal;
  /** The one message naming every source that listens: "MFA code for … (…): type it here, or touch your YubiKey". */
  readonly announcement: string;
  /** True when this source is the only one: the terminal then asks the short way, as it always has. */
  readonly alone: boolean;
  /** Why the source gives up (no key plugged in, dialog cancelled): told with --verbose and in the final error. */
  gaveUp(reason: string): void;
}

/**
 * One way to get an MFA code: the terminal, a native dialog, a YubiKey. `read` resolves to a code, or to
 * undefined when the source gives up; it stops (killing what it started) when the race's signal aborts.
 */
export interface MfaCodeSource {
  readonly name: string;
  /** How the user answers through this source, for the announcement: "type it here", "touch your YubiKey". */
  readonly invitation: string;
  /** The source shows the announcement itself (the terminal's prompt); else it goes to the person as a notice. */
  readonly announces?: boolean;
  read(request: MfaRequest, race: MfaRace): Promise<string | undefined>;
}

/** Makes a source if it can work here and now (its device or program exists), else says why not. */
export type MfaSourceOffer = () => MfaCodeSource | { unavailable: string };

export const MFA_CODE = /^\d{6}$/;

/** "MFA code for arn:…:mfa/FrankSinatra (frank@concerts)": the start of every prompt, dialog and notice. */
export function mfaCodeQuestion(request: MfaRequest): string {
  return `MFA code for ${request.mfaSerial} (${request.profile})`;
}
