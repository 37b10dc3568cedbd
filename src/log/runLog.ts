import { joinPath } from "../files/joinPath.ts";
import type { RunFacts } from "../output/reporter.ts";
import { appendToFile } from "../files/appendToFile.ts";
import { terminalSafeJson } from "../output/printableText.ts";
import { linkStatus } from "../files/linkStatus.ts";
import { privateFolderProblem, stateFolder } from "../files/privateFolder.ts";

export const LOG_FILE = "application.log";
/** Past this size the log is rotated: application.log → .1 → .2 → .3, the oldest dropped. */
export const LOG_MAX_BYTES = 1024 * 1024;
export const LOG_KEEP = 3;

/** One run as its log line tells it. The facts never hold a secret (see RunFacts), nor does a UserError line. */
export interface RunSummary {
  readonly command: string;
  readonly facts: RunFacts;
  readonly exitCode: number;
  readonly error?: string;
  readonly durationMs: number;
}

/** Whether the line was written; `problem` when the state folder is not one to trust (said to the user). */
export interface RunLogOutcome {
  readonly written: boolean;
  readonly problem?: string;
}

/**
 * Appends the run's line to application.log in the state folder (0700), rotating it by size first. The folder
 * is checked like the cache folder, and the log is never opened through a symbolic link. Never throws: a log
 * that cannot be written must not fail the run that hands out credentials.
 */
export async function writeRunLog(folder: string, run: RunSummary, now = new Date()): Promise<RunLogOutcome> {
  try {
    let status = linkStatus(folder);
    if (status === undefined) {
      (require("node:fs") as typeof import("node:fs")).mkdirSync(folder, { recursive: true, mode: 0o700 });
      status = linkStatus(folder);
    }
    if (status === undefined) return { written: false };
    const problem = privateFolderProblem(stateFolder(folder), status);
    if (problem !== undefined) return { written: false, problem };
    const path = joinPath(folder, LOG_FILE);
    const log = linkStatus(path);
    if (log?.type === "link") return { written: false, problem: linkedLogProblem(folder, path) };
    if ((log?.size ?? 0) >= LOG_MAX_BYTES) rotate(path);
    return { written: appendToFile(path, formatRunLine(run, now)) };
  } catch {
    return { written: false };
  }
}

/** Where the log was last said to be a link: it is said once per target, not on every run. */
const LINK_TOLD_FILE = ".application.log.link-told";

/**
 * A symbolic link where the log belongs is never written through (it could point anywhere): said once for
 * each target it points at, with the fix.
 */
function linkedLogProblem(folder: string, path: string): string | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  const target = fs.readlinkSync(path);
  const told = joinPath(folder, LINK_TOLD_FILE);
  try {
    if (fs.readFileSync(told, "utf8") === target && !fs.lstatSync(told).isSymbolicLink()) return undefined;
  } catch {
    // Not told yet.
  }
  fs.rmSync(told, { force: true });
  fs.writeFileSync(told, target, { flag: "wx", mode: 0o600 });
  return `the run log ${path} is a symbolic link (to ${target}), which is never written through: remove it, and a new log starts there`;
}

/** logfmt: `time=… pid=… command=assume profile=… cache=hit exit=0 ms=21.3`, quoted where needed. */
export function formatRunLine(run: RunSummary, now: Date): string {
  const fields: [string, string | number | undefined][] = [
    ["time", now.toISOString()],
    ["pid", process.pid],
    ["command", run.command],
    ["profile", run.facts.profile],
    ["role", run.facts.roleArn],
    ["mfa", run.facts.mfaSerial],
    ["cache", run.facts.cache],
    ["code_from", run.facts.codeFrom],
    ["sts", run.facts.sts],
    ["exit", run.exitCode],
    ["ms", run.durationMs.toFixed(1)],
    ["error", run.error],
  ];
  return `${fields
    .filter((field): field is [string, string | number] => field[1] !== undefined)
    .map(([key, value]) => `${key}=${quote(String(value))}`)
    .join(" ")}\n`;
}

/** Bare when plain; else a JSON string with every control and reordering character escaped (the log is read on terminals). */
function quote(value: string): string {
  if (/^[!#-<>-[\]-~]+$/.test(value)) return value;
  return terminalSafeJson(JSON.stringify(value));
}

function rotate(path: string): void {
  const fs = require("node:fs") as typeof import("node:fs");
  for (let index = LOG_KEEP - 1; index >= 0; index--) {
    const from = index === 0 ? path : `${path}.${index}`;
    try {
      fs.renameSync(from, `${path}.${index + 1}`);
    } catch {
      // Not there (yet), or another run rotated it just now.
    }
  }
}
