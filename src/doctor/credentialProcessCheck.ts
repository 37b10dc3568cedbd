import { shellWords } from "../config/parseAwsConfig.ts";
import { isExecutableFile } from "../mfa/findProgram.ts";
import { type Check, failed, ok } from "./check.ts";

/** What can run a program: a regular file with an execute bit (on Windows, one that exists). */
export type ProgramStatus = (path: string) => "runnable" | "missing" | "not-executable";

/**
 * The credential_process line of a role profile, as the AWS tools will run it: it must start with this very
 * binary, by a full path (an IDE or a GUI app has a short PATH, and runs it without a shell), that exists and
 * can run, and name the profile of its own section.
 */
export function checkCredentialProcess(profile: string, line: string | undefined, thisBinary: string, programStatus: ProgramStatus): Check {
  const name = `credential_process of ${profile}`;
  const wanted = `credential_process = ${thisBinary} assume --profile=${profile}`;
  const fix = `set ${wanted}`;
  if (line === undefined || line.trim() === "") return failed(name, "missing: the AWS tools never run this tool for it", fix);
  const words = shellWords(line) ?? line.trim().split(/\s+/);
  const [program = "", ...args] = words;
  if (!isFullPath(program)) return failed(name, `runs "${program}" by name, which a tool started from a desktop or an IDE may not find on its PATH`, fix);
  const status = programStatus(program);
  if (status === "missing") return failed(name, `runs ${program}, which does not exist`, fix);
  if (status === "not-executable") return failed(name, `runs ${program}, which cannot be run (no execute permission)`, `chmod +x ${program}, or ${fix}`);
  if (!sameProgram(program, thisBinary)) return failed(name, `runs ${program}, not this binary (${thisBinary})`, fix);
  if (args[0] !== "assume") return failed(name, `runs ${program} ${args[0] ?? ""}, not "assume"`, fix);
  const named = profileNamed(args.slice(1));
  if (named !== profile) return failed(name, named === undefined ? "names no --profile" : `asks for profile "${named}", not its own section's`, fix);
  return ok(name, `runs ${program} assume --profile=${profile}`);
}

function isFullPath(program: string): boolean {
  return program.startsWith("/") || /^[A-Za-z]:[\\/]/.test(program) || program.startsWith("\\\\");
}

function sameProgram(a: string, b: string): boolean {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return a === b;
  }
}

function profileNamed(args: readonly string[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (arg === "--profile" || arg === "-p") return args[index + 1];
    const equals = /^(?:--profile|-p)=(.*)$/.exec(arg);
    if (equals !== null) return equals[1];
  }
  return undefined;
}

/** The file system's answer: exists, and (outside Windows) has an execute bit for this user. */
export function programStatus(path: string): "runnable" | "missing" | "not-executable" {
  try {
    if (!(require("node:fs") as typeof import("node:fs")).statSync(path).isFile()) return "missing";
  } catch {
    return "missing";
  }
  return isExecutableFile(path) ? "runnable" : "not-executable";
}
