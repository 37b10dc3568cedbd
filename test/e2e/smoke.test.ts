/** The CI matrix's smoke test (test/support/smoke.ts), run here too so that it is known to pass on Linux. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { BINARY, ROOT, ensureBinary } from "../support/sandbox.ts";

test("the smoke test: assume with the code from vegas_mfa_process, then the same from the cache", async () => {
  ensureBinary();
  const child = Bun.spawn([process.execPath, join(ROOT, "test", "support", "smoke.ts"), BINARY], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect(stderr).toBe("");
  expect(exitCode).toBe(0);
  expect(stdout).toStartWith("smoke: ok (linux-");
});
