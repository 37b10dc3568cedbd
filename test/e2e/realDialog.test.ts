/**
 * The real zenity, in a real X server (Xvfb, through xvfb-run), the code typed by xdotool: the compiled binary
 * run with no terminal at all, as an IDE or a GUI app runs it. `.ci/run` installs zenity, xvfb and xdotool.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, Sandbox, credentialDocument, ensureBinary, readmeConfig, startReadmeSts } from "../support/sandbox.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const NEEDED = ["zenity", "xvfb-run", "xdotool", "xauth"];
const missing = NEEDED.filter((program) => Bun.which(program) === null);
let sts: StsDouble;
let sandbox: Sandbox;

beforeAll(async () => {
  if (missing.length > 0 && process.env.CI !== "true") return;
  ensureBinary();
  sts = await startReadmeSts();
});

afterAll(() => sts?.stop());
afterEach(() => sandbox?.remove());

// Skipped only on a developer machine without the X programs; CI installs them, so there it always runs.
test.skipIf(missing.length > 0 && process.env.CI !== "true")(`a real zenity dialog takes the code typed into it (needs ${NEEDED.join(", ")})`, async () => {
  expect(missing).toEqual([]);
  sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
  const out = join(sandbox.home, "out");
  const err = join(sandbox.home, "err");
  // Inside the X server: start the binary, wait for its dialog window, focus it, type the code, press Return.
  const script = `
"$0" assume --profile frank@concerts > "${out}" 2> "${err}" & pid=$!
window=$(timeout 30 xdotool search --sync --name '^vegas-credentials$' | head -1)
[ -n "$window" ] || { echo "no dialog window appeared" >&2; kill $pid; exit 90; }
xdotool windowfocus --sync "$window"
sleep 0.3
xdotool type --delay 30 424242
xdotool key Return
wait $pid`;
  const run = await sandbox.run(["xvfb-run", "-a", "sh", "-c", script, BINARY]);
  const stdout = await Bun.file(out).text();
  const stderr = await Bun.file(err).text();
  expect({ exitCode: run.exitCode, stderr, harness: run.stderr }).toEqual({ exitCode: 0, stderr: `vegas-credentials: MFA code for ${MFA_SERIAL} (frank@concerts): in the dialog\n`, harness: "" });
  credentialDocument(stdout);
  expect(sts.calls.filter((call) => call.action === "AssumeRole").at(-1)?.params.TokenCode).toBe("424242");
}, 90_000);
