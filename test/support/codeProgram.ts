/**
 * A `vegas_mfa_process` for end-to-end tests: a program that prints a new code on each run (first + 1,
 * first + 2, …; STS takes a code once) and counts its runs, so a test can tell a cache hit from a fetch.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MFA_SERIAL, type Sandbox } from "./sandbox.ts";

export interface CodeProgram {
  readonly path: string;
  /** How many codes it has printed. */
  given(): number;
}

export function countingCodeProgram(sandbox: Sandbox, first: number): CodeProgram {
  const path = join(sandbox.home, "otp");
  const counter = join(sandbox.home, "codes-given");
  writeFileSync(counter, "");
  writeFileSync(path, `#!/bin/sh\necho x >> "${counter}"\necho $(( ${first} + $(wc -l < "${counter}") ))\n`);
  chmodSync(path, 0o755);
  return { path, given: () => readFileSync(counter, "utf8").split("\n").filter(Boolean).length };
}

/** `config` (the README's) with the program, and any `sourceLines`, on the source profile, under its mfa_serial. */
export function withCodeProgram(config: string, program: CodeProgram, sourceLines = ""): string {
  return config.replace(`mfa_serial = ${MFA_SERIAL}\n`, `mfa_serial = ${MFA_SERIAL}\nvegas_mfa_process = ${program.path}\n${sourceLines}`);
}
