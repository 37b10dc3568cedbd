import { describe, expect, test } from "bun:test";
import type { Reporter } from "../../src/output/reporter.ts";
import type { MfaCodeSource, MfaSourceOffer } from "../../src/mfa/mfaCodeSource.ts";
import { readMfaCode } from "../../src/mfa/readMfaCode.ts";
import { UserError } from "../../src/userError.ts";

const request = { profile: "frank@concerts", mfaSerial: "arn:aws:iam::111111111111:mfa/FrankSinatra" };
const quiet: Reporter = { verbose: () => {}, warn: () => {}, notice: () => {}, record: () => {} };

/** A source that answers `value` after `delayMs`, and records whether it was cancelled. */
function fakeSource(name: string, value: string | undefined, delayMs: number) {
  const state = { cancelled: false };
  const source: MfaCodeSource = {
    name,
    invitation: `use ${name}`,
    read: (_request, race) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(value), delayMs);
        race.signal.addEventListener("abort", () => {
          state.cancelled = true;
          clearTimeout(timer);
          resolve(undefined);
        });
      }),
  };
  const offer: MfaSourceOffer = () => source;
  return { offer, state };
}

describe("readMfaCode", () => {
  test("the first valid code wins and the other sources are cancelled", async () => {
    const slow = fakeSource("slow", "222222", 500);
    const fast = fakeSource("fast", "111111", 10);
    expect(await readMfaCode(request, [slow.offer, fast.offer], quiet)).toBe("111111");
    expect(slow.state.cancelled).toBe(true);
  });

  test("an invalid value from one source is ignored while another still answers", async () => {
    const wrong = fakeSource("wrong", "12345", 5);
    const right = fakeSource("right", "654321", 30);
    expect(await readMfaCode(request, [wrong.offer, right.offer], quiet)).toBe("654321");
  });

  test("a source that throws gives up without failing the others", async () => {
    const broken: MfaSourceOffer = () => ({ name: "broken", invitation: "", read: async () => Promise.reject(new Error("boom")) });
    expect(await readMfaCode(request, [broken, fakeSource("ok", "000000", 10).offer], quiet)).toBe("000000");
  });

  test("when every source gives up: one line saying no valid code was entered", async () => {
    const failure = readMfaCode(request, [fakeSource("a", undefined, 5).offer], quiet);
    expect(failure).rejects.toThrow(new UserError(`no valid MFA code was entered for profile "frank@concerts": enter the 6-digit code shown by ${request.mfaSerial}`));
  });

  test("times out with one line and cancels the sources", async () => {
    const never = fakeSource("never", "123456", 10_000);
    const failure = await readMfaCode(request, [never.offer], quiet, 50).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as Error).message).toStartWith('no MFA code for profile "frank@concerts" within 0 s');
    expect(never.state.cancelled).toBe(true);
  });

  test("no available source: fails at once, saying what was tried", async () => {
    const noTerminal: MfaSourceOffer = () => ({ unavailable: "no terminal (/dev/tty: ENXIO)" });
    const failure = readMfaCode(request, [noTerminal], quiet);
    expect(failure).rejects.toThrow(
      `profile "frank@concerts" needs an MFA code for ${request.mfaSerial}, but there is no way to ask for one here: no terminal (/dev/tty: ENXIO). Run the command from a terminal`,
    );
  });

  test("one message names every listening source; it goes to the person unless a source shows it itself", async () => {
    const notices: string[] = [];
    const reporter: Reporter = { ...quiet, notice: (message) => notices.push(message) };
    const seen: { announcement: string; alone: boolean }[] = [];
    const watching = (name: string, invitation: string, announces: boolean): MfaSourceOffer => () => ({
      name,
      invitation,
      announces,
      read: async (_request, race) => {
        seen.push({ announcement: race.announcement, alone: race.alone });
        return name === "key" ? "123456" : undefined;
      },
    });
    await readMfaCode(request, [watching("dialog", "in the dialog", false), watching("key", "touch your YubiKey", false)], reporter);
    expect(notices).toEqual([`MFA code for ${request.mfaSerial} (frank@concerts): in the dialog or touch your YubiKey`]);
    expect(seen.every((each) => !each.alone)).toBe(true);

    notices.length = 0;
    seen.length = 0;
    await readMfaCode(request, [watching("terminal", "type it here", true), watching("dialog", "in the dialog", false), watching("key", "touch your YubiKey", false)], reporter);
    expect(notices).toEqual([]);
    expect(seen[0]?.announcement).toBe(`MFA code for ${request.mfaSerial} (frank@concerts): type it here, in the dialog, or touch your YubiKey`);

    seen.length = 0;
    await readMfaCode(request, [watching("key", "touch your YubiKey", false)], reporter);
    expect(seen).toEqual([{ announcement: `MFA code for ${request.mfaSerial} (frank@concerts): touch your YubiKey`, alone: true }]);
  });

  test("why each source gave up is in the final line", async () => {
    const givingUp = (name: string, reason: string): MfaSourceOffer => () => ({
      name,
      invitation: name,
      read: async (_request, race) => {
        race.gaveUp(reason);
        return undefined;
      },
    });
    const failure = readMfaCode(request, [givingUp("dialog", "the dialog was cancelled"), givingUp("YubiKey", "no YubiKey is plugged in")], quiet);
    expect(failure).rejects.toThrow(
      `no valid MFA code was entered for profile "frank@concerts" (dialog: the dialog was cancelled; YubiKey: no YubiKey is plugged in): enter the 6-digit code shown by ${request.mfaSerial}`,
    );
  });

  test("with several sources unavailable, the fix names the terminal and the desktop", async () => {
    const failure = readMfaCode(request, [() => ({ unavailable: "no terminal (/dev/tty: ENXIO)" }), () => ({ unavailable: "no dialog (neither DISPLAY nor WAYLAND_DISPLAY is set)" })], quiet);
    expect(failure).rejects.toThrow(
      `there is no way to ask for one here: no terminal (/dev/tty: ENXIO); no dialog (neither DISPLAY nor WAYLAND_DISPLAY is set). Run the command from a terminal, or in a desktop session where a dialog can open`,
    );
  });
});
