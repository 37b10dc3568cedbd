/**
 * Stress figures for parallel runs (issue 4), against the STS double, typing at a real terminal (tmux):
 *   - N parallel runs of one profile on an empty cache: prompts, STS calls, failures, wall time;
 *   - N parallel runs on a warm cache, next to N parallel compiled hello-worlds (same run, ratio);
 *   - how soon a run takes over from a prompting run killed with SIGKILL.
 * Usage: bun bench/parallelStress.ts [N=30] [ROUNDS=5]
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BINARY, MFA_SERIAL, ROOT, Sandbox, SOURCE_KEY, ensureBinary, readmeConfig } from "../test/support/sandbox.ts";
import { startStsDouble } from "../test/support/stsDouble.ts";

const parallel = Number(process.argv[2] ?? 30);
const rounds = Number(process.argv[3] ?? 5);
const PROMPT = `MFA code for ${MFA_SERIAL} (frank@concerts)`;
let code = 700_000;

ensureBinary();
const hello = join(mkdtempSync(join(tmpdir(), "vegas-bench-")), "hello");
Bun.spawnSync([process.execPath, "build", "--compile", "--minify", "--bytecode", join(ROOT, "bench/hello.ts"), "--outfile", hello], { stdout: "ignore" });
const sts = await startStsDouble({ users: { [SOURCE_KEY.id]: { secretAccessKey: SOURCE_KEY.secret } }, mfa: "any", anyRole: { maxSessionDuration: 43_200 } });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;

async function coldRound() {
  const sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
  try {
    const before = sts.count("AssumeRole");
    const script = Array.from({ length: parallel }, (_, i) => `${BINARY} assume --profile=frank@concerts >${sandbox.home}/out.${i} 2>${sandbox.home}/err.${i} &`).join(" ");
    const started = performance.now();
    const run = await sandbox.inTerminal(["/bin/sh", "-c", `${script} wait`]);
    await run.waitForText(PROMPT, 30_000);
    const promptAt = performance.now();
    await run.type(String(code++));
    await run.pressEnter();
    const { screen } = await run.done(60_000);
    const afterAnswer = performance.now() - promptAt;
    const outputs = readdirSync(sandbox.home).filter((name) => name.startsWith("out.")).map((name) => readFileSync(join(sandbox.home, name), "utf8"));
    const failures = outputs.filter((output) => !output.startsWith('{"Version":1,')).length;
    return {
      prompts: screen.split(PROMPT).length - 1,
      stsCalls: sts.count("AssumeRole") - before,
      documents: outputs.length,
      distinct: new Set(outputs).size,
      failures,
      toFirstPromptMs: promptAt - started,
      answerToAllDoneMs: afterAnswer,
      sandbox,
    };
  } catch (error) {
    sandbox.remove();
    throw error;
  }
}

async function warmParallel(sandbox: Sandbox, command: string[]): Promise<number> {
  const started = performance.now();
  const children = Array.from({ length: parallel }, () => Bun.spawn(command, { env: sandbox.env, stdin: "ignore", stdout: "ignore", stderr: "ignore" }));
  const codes = await Promise.all(children.map((child) => child.exited));
  if (codes.some((exit) => exit !== 0)) throw new Error(`${command[0]} failed in a warm run`);
  return performance.now() - started;
}

async function takeover(): Promise<number> {
  const sandbox = new Sandbox(readmeConfig(`endpoint_url = ${sts.url}\n`));
  try {
    const first = await sandbox.inTerminal([BINARY, "assume", "--profile=frank@concerts"]);
    await first.waitForText(PROMPT);
    const lock = readdirSync(sandbox.cacheFolder).find((name) => name.endsWith(".lock")) ?? "";
    const { pid } = JSON.parse(readFileSync(join(sandbox.cacheFolder, lock), "utf8")) as { pid: number };
    const second = await sandbox.inTerminal([BINARY, "assume", "--profile=frank@concerts"]);
    await second.waitForText(/waiting for another run/, 10_000);
    const killedAt = performance.now();
    process.kill(pid, "SIGKILL");
    await second.waitForText(PROMPT, 10_000);
    const ms = performance.now() - killedAt;
    await Promise.all([first.kill(), second.kill()]);
    return ms;
  } finally {
    sandbox.remove();
  }
}

const cold: Awaited<ReturnType<typeof coldRound>>[] = [];
const warm: { assume: number; hello: number }[] = [];
const takeovers: number[] = [];
for (let round = 0; round < rounds; round++) {
  const result = await coldRound();
  cold.push(result);
  // Alternate the order so that drifts of a noisy machine fall on both alike.
  const pair = round % 2 === 0
    ? { hello: await warmParallel(result.sandbox, [hello]), assume: await warmParallel(result.sandbox, [BINARY, "assume", "--profile=frank@concerts"]) }
    : { assume: await warmParallel(result.sandbox, [BINARY, "assume", "--profile=frank@concerts"]), hello: await warmParallel(result.sandbox, [hello]) };
  warm.push(pair);
  result.sandbox.remove();
  takeovers.push(await takeover());
}
await sts.stop();

const sum = (key: "prompts" | "stsCalls" | "documents" | "failures") => cold.reduce((total, each) => total + each[key], 0);
console.log(`${rounds} rounds of ${parallel} parallel runs of one profile, empty cache:`);
console.log(`  prompts ${sum("prompts")} (${rounds} expected), STS AssumeRole calls ${sum("stsCalls")}, documents ${sum("documents")}, failures ${sum("failures")}, distinct documents per round ${cold.map((each) => each.distinct).join(",")}`);
console.log(`  start to first prompt: median ${median(cold.map((each) => each.toFirstPromptMs)).toFixed(0)} ms; code typed to all ${parallel} answered: median ${median(cold.map((each) => each.answerToAllDoneMs)).toFixed(0)} ms`);
console.log(`${parallel} parallel cached runs: median ${median(warm.map((each) => each.assume)).toFixed(0)} ms vs ${parallel} parallel hello-worlds ${median(warm.map((each) => each.hello)).toFixed(0)} ms (ratio ${median(warm.map((each) => each.assume / each.hello)).toFixed(2)})`);
console.log(`SIGKILLed prompter, waiting run's prompt appears after: median ${median(takeovers).toFixed(0)} ms, max ${Math.max(...takeovers).toFixed(0)} ms (terminal polled every 25 ms)`);
process.exit(0);
