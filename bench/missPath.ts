/**
 * The miss path's own time: from the MFA code being available (vegas_mfa_process prints it) to the JSON on
 * stdout, minus the STS double's own time answering, for each binary named, in rounds that alternate them.
 * Each run has a cache of its own (a miss every time). Run by bench/miss-path.sh.
 * Usage: bun bench/missPath.ts RUNS NAME=BINARY...
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startStsDouble } from "../test/support/stsDouble.ts";

const [runsText = "20", ...specs] = process.argv.slice(2);
const binaries = specs.map((spec) => ({ name: spec.slice(0, spec.indexOf("=")), path: spec.slice(spec.indexOf("=") + 1) }));
const KEY = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const sts = await startStsDouble({ users: { [KEY.id]: { secretAccessKey: KEY.secret } }, mfa: "any", anyRole: { maxSessionDuration: 7200 } });
const home = process.env.BENCH_WORK ?? "/tmp";
mkdirSync(join(home, "aws"), { recursive: true });
const program = join(home, "code.sh");
// The code differs each run (STS takes a code once); the time it is printed is noted first, in ns.
writeFileSync(program, `#!/bin/sh\nn=$(cat "${home}/n" 2>/dev/null || echo 0)\necho $((n + 1)) > "${home}/n"\ndate +%s%N > "${home}/code-at"\necho $((100000 + n))\n`);
chmodSync(program, 0o755);
writeFileSync(
  join(home, "aws", "config"),
  `[default]\nmfa_serial = arn:aws:iam::111111111111:mfa/Bench\nvegas_mfa_process = ${program}\n\n[profile bench]\nvegas_role_arn = arn:aws:iam::222222222222:role/Bench\nvegas_source_profile = default\nregion = us-west-1\nendpoint_url = ${sts.url}\n`,
);
writeFileSync(join(home, "aws", "credentials"), `[default]\naws_access_key_id = ${KEY.id}\naws_secret_access_key = ${KEY.secret}\n`);

const samples = new Map<string, number[]>(binaries.map(({ name }) => [name, []]));
for (let run = 0; run < Number(runsText); run++) {
  for (const { name, path } of run % 2 === 0 ? binaries : [...binaries].reverse()) {
    const cache = join(home, `cache-${name}-${run}`);
    const callsBefore = sts.calls.length;
    const child = Bun.spawn([path, "assume", "--profile", "bench", "--no-gui"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, AWS_CONFIG_FILE: join(home, "aws", "config"), AWS_SHARED_CREDENTIALS_FILE: join(home, "aws", "credentials"), AWS_EC2_METADATA_DISABLED: "true", XDG_CACHE_HOME: cache, XDG_STATE_HOME: join(home, "state") },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const stdout = await new Response(child.stdout).text();
    const outAt = performance.timeOrigin + performance.now();
    const [exitCode, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
    if (exitCode !== 0 || !stdout.includes('"Version":1')) throw new Error(`${name} failed (${exitCode}): ${stderr}`);
    const codeAt = Number(BigInt(readFileSync(join(home, "code-at"), "utf8").trim()) / 1000n) / 1000;
    const stsMs = sts.calls.slice(callsBefore).reduce((sum, call) => sum + (call.handledMs ?? 0), 0);
    samples.get(name)?.push(outAt - codeAt - stsMs);
  }
}
await sts.stop();
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const base = median(samples.get(binaries[0]?.name ?? "") ?? []);
for (const { name } of binaries) {
  const value = median(samples.get(name) ?? []);
  console.log(`${name.padEnd(24)} code to JSON, minus STS: median ${value.toFixed(1).padStart(6)} ms   ${(value / base).toFixed(3)}x ${binaries[0]?.name}`);
}
