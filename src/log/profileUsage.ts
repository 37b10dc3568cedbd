import { joinPath } from "../files/joinPath.ts";
import { readFileNoFollow } from "../files/readFileNoFollow.ts";
import { LOG_FILE, LOG_KEEP, LOG_MAX_BYTES } from "./runLog.ts";

/** A run this many days ago counts half as much as one today: the picker follows what is used now. */
export const USAGE_HALF_LIFE_DAYS = 14;

/** The commands that use a role profile's credentials. */
const USING_COMMANDS = new Set(["assume", "exec", "export", "login", "serve"]);

/**
 * How much each profile has been used, from the run log and its rotated copies: every run that handed out
 * credentials counts, weighted by its age. An unreadable log is no usage, never a failure: the picker then
 * lists profiles by name.
 */
export function profileUsage(stateFolder: string | undefined, now: Date): Map<string, number> {
  const usage = new Map<string, number>();
  if (stateFolder === undefined) return usage;
  const path = joinPath(stateFolder, LOG_FILE);
  for (const file of [path, ...Array.from({ length: LOG_KEEP }, (_, index) => `${path}.${index + 1}`)]) {
    let text: string;
    try {
      const bytes = readFileNoFollow(file, LOG_MAX_BYTES * 2)?.bytes;
      if (bytes === undefined) continue;
      text = new TextDecoder().decode(bytes);
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      const run = readRunLine(line);
      if (run === undefined || !USING_COMMANDS.has(run.command) || run.exit !== "0") continue;
      const ageDays = Math.max(0, (now.getTime() - run.time) / 86_400_000);
      usage.set(run.profile, (usage.get(run.profile) ?? 0) + 0.5 ** (ageDays / USAGE_HALF_LIFE_DAYS));
    }
  }
  return usage;
}

/** The fields of one logfmt line the picker needs, or undefined when it lacks one (another version's line). */
export function readRunLine(line: string): { time: number; command: string; profile: string; exit: string } | undefined {
  const fields = new Map<string, string>();
  for (const match of line.matchAll(/([a-z_]+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const [, key = "", raw = ""] = match;
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        return undefined;
      }
    }
    fields.set(key, value);
  }
  const time = Date.parse(fields.get("time") ?? "");
  const command = fields.get("command");
  const profile = fields.get("profile");
  const exit = fields.get("exit");
  if (Number.isNaN(time) || command === undefined || profile === undefined || profile === "" || exit === undefined) return undefined;
  return { time, command, profile, exit };
}
