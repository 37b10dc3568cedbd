import type { MfaCodeSource, MfaRace, MfaRequest } from "./mfaCodeSource.ts";
import { MFA_CODE } from "./mfaCodeSource.ts";
import { listSerialsCommand, oathCodeCommand, runYkman, waitsForTouch, ykmanFailure, ykmanSays } from "./ykman.ts";
import type { YubikeyPasswords } from "./yubikeyPassword.ts";

const PASSWORD_TRIES = 3;
/** How long a code waits for its touch notification to be withdrawn (the withdrawal goes on after that). */
const WITHDRAW_WAIT_MS = 500;

export interface YubikeySettings {
  readonly ykman: string;
  /** vegas_yubikey_serial: which key, when several are plugged in. */
  readonly serial: string | undefined;
  /** vegas_yubikey_label, else mfa_serial: the OATH account. */
  readonly label: string;
}

/**
 * Tells the person, where no terminal shows the line, that the key waits for a touch (a desktop notification);
 * the function it returns takes that back once the key no longer waits.
 */
export type TellTouch = (serial: string, request: MfaRequest) => (() => Promise<void>) | undefined;

/** Asks the person for the OATH password (hidden); undefined when they cannot or will not answer. */
export type AskPassword = (text: string, signal: AbortSignal) => Promise<string | undefined>;

/**
 * The code from a YubiKey's OATH account through ykman, after a touch if the account wants one. A password
 * protected key gets its password from the cache, else from the person (three tries), cached 12 h once it
 * works. No key, no such account: the source gives up quietly (the reason shows with --verbose).
 */
export function yubikeySource(settings: YubikeySettings, passwords: YubikeyPasswords, askPassword: AskPassword | undefined, tellTouch?: TellTouch): MfaCodeSource {
  return {
    name: "YubiKey",
    invitation: "touch your YubiKey",
    async read(request, race: MfaRace): Promise<string | undefined> {
      const serial = await pluggedInSerial(settings, race);
      if (serial === undefined) return undefined;
      let password = await passwords.read(serial);
      const cached = password !== undefined;
      for (let asked = 0; ; ) {
        let withdraw: (() => Promise<void>) | undefined;
        const onStderr = (stderr: string) => {
          if (withdraw === undefined && waitsForTouch(stderr)) withdraw = tellTouch?.(serial, request) ?? (async () => {});
        };
        const result = await runYkman(oathCodeCommand(settings.ykman, serial, settings.label), race.signal, password, onStderr);
        // Withdrawn as soon as the key stops waiting (touched, timed out, or another source answered first),
        // but the code is not held up for more than a moment by a slow notification service.
        if (withdraw !== undefined) await Promise.race([withdraw(), Bun.sleep(WITHDRAW_WAIT_MS)]);
        if (race.signal.aborted) return undefined;
        if (result.exitCode === 0) {
          const code = result.stdout.trim().split(/\s+/).at(-1) ?? "";
          if (!MFA_CODE.test(code)) return giveUp(race, `account "${settings.label}" on YubiKey ${serial} does not give 6-digit codes`);
          if (password !== undefined && asked > 0) await passwords.remember(serial, password).catch(() => {});
          return code;
        }
        const failure = ykmanFailure(result.stderr, password !== undefined);
        if (failure !== "password" && failure !== "wrong-password") return giveUp(race, describeFailure(failure, serial, settings.label, ykmanSays(result)));
        if (password !== undefined && asked === 0 && cached) await passwords.forget(serial).catch(() => {});
        if (asked >= PASSWORD_TRIES) return giveUp(race, `wrong OATH password for YubiKey ${serial}, ${PASSWORD_TRIES} times`);
        if (askPassword === undefined) return giveUp(race, `YubiKey ${serial} has an OATH password and there is no terminal or dialog to ask for it`);
        const retry = failure === "wrong-password" && asked > 0 ? `Wrong password; try again (${PASSWORD_TRIES - asked} ${PASSWORD_TRIES - asked === 1 ? "try" : "tries"} left). ` : "";
        password = await askPassword(`${retry}OATH password of YubiKey ${serial}`, race.signal);
        asked++;
        if (password === undefined) return race.signal.aborted ? undefined : giveUp(race, `no OATH password was given for YubiKey ${serial}`);
      }
    },
  };
}

/** The serial to ask: the configured one if it is plugged in, else the only key plugged in. */
async function pluggedInSerial(settings: YubikeySettings, race: MfaRace): Promise<string | undefined> {
  const listed = await runYkman(listSerialsCommand(settings.ykman), race.signal);
  if (race.signal.aborted) return undefined;
  if (listed.exitCode !== 0) return giveUp(race, `ykman could not list YubiKeys (${ykmanSays(listed)})`);
  const serials = listed.stdout.split(/\s+/).filter((serial) => /^\d+$/.test(serial));
  if (settings.serial !== undefined) return serials.includes(settings.serial) ? settings.serial : giveUp(race, `YubiKey ${settings.serial} is not plugged in`);
  if (serials.length === 0) return giveUp(race, "no YubiKey is plugged in");
  if (serials.length > 1) return giveUp(race, `${serials.length} YubiKeys are plugged in (${serials.join(", ")}): set vegas_yubikey_serial to pick one`);
  return serials[0];
}

function describeFailure(failure: string, serial: string, label: string, said: string): string {
  switch (failure) {
    case "no-account":
      return `YubiKey ${serial} has no OATH account "${label}" (set vegas_yubikey_label to the name ykman oath accounts list shows)`;
    case "no-device":
      return `YubiKey ${serial} went away (${said})`;
    case "touch-timeout":
      return `YubiKey ${serial} was not touched in time`;
    default:
      return `ykman failed: ${said}`;
  }
}

function giveUp(race: MfaRace, reason: string): undefined {
  race.gaveUp(reason);
  return undefined;
}
