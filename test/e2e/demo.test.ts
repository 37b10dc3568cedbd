/** README's first command, `npm run demo`, typed at in a real terminal as a new user would. */
import { expect, test } from "bun:test";
import { ROOT } from "../support/sandbox.ts";
import { runInTerminal } from "../support/terminal.ts";

test("the demo builds, asks for a code, shows the second call answered from the cache, then the AWS CLI answering as the role", async () => {
  const run = await runInTerminal([process.execPath, "run", "test/support/demo.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", TMPDIR: process.env.TMPDIR ?? "/tmp" },
    stdout: "terminal",
    stderr: "terminal",
  });
  await run.waitForText("Type any 6 digits.", 60_000);
  await run.waitForText("MFA code for arn:aws:iam::111111111111:mfa/FrankSinatra (frank@concerts):");
  await run.type("424242");
  await run.pressEnter();
  const result = await run.done(30_000);
  expect(result.exitCode).toBe(0);
  expect(result.screen).toMatch(/took \d+ ms \(including your typing\), STS AssumeRole calls so far: 1\n/);
  expect(result.screen).toMatch(/took \d+\.\d ms, STS AssumeRole calls so far: 1\n/);
  expect(result.screen).toContain("same credentials: yes");
  expect(result.screen).toMatch(/"Version":1,"AccessKeyId":"ASIA/);
  if (Bun.which("aws") !== null) {
    expect(result.screen).toMatch(/"UserId": "AROA[A-Z0-9]+:SinatraAtTheSands"/);
    expect(result.screen).toContain('"Account": "222222222222"');
    expect(result.screen).toContain('"Arn": "arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands"');
  }
});
