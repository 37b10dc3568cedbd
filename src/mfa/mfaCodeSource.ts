/** What the user is asked for: shown in prompts, never the code itself. */
export interface MfaRequest {
  readonly profile: string;
  readonly mfaSerial: string;
}

/**
 * One way to get an MFA code (the terminal today; dialogs and YubiKeys plug in the same way). `read`
 * resolves to a 6-digit code, or to undefined when the source gives up; it stops when `signal` aborts.
 */
export interface MfaCodeSource {
  readonly name: string;
  /** How the user answers through this source, for the one message that lists them: "type it here". */
  readonly invitation: string;
  read(request: MfaRequest, signal: AbortSignal): Promise<string | undefined>;
}

/** Makes a source if it can work here and now (its device or program exists), else says why not. */
export type MfaSourceOffer = () => MfaCodeSource | { unavailable: string };

export const MFA_CODE = /^\d{6}$/;
