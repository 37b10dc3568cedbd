import { win32 } from "node:path";
import { findProgram, isExecutableFile } from "./findProgram.ts";

/** What to hand to spawn on Windows for a program's words (see windowsCommand). */
export interface WindowsCommand {
  /** The words as they will run: the program by the path found, then its arguments. */
  readonly argv: readonly string[];
  readonly file: string;
  readonly args: readonly string[];
  /** The args are one command line already (cmd.exe's), not to be quoted again. */
  readonly verbatim: boolean;
}

/** A batch file, however named: Windows drops trailing dots and spaces from a file name, so `otp.cmd.` is one too. */
const BATCH = /\.(cmd|bat)[. ]*$/i;
/** Extensions tried on a program named without one: .exe first (the one CreateProcess adds), then npm's .cmd. */
const EXTENSIONS = [".exe", ".cmd", ".bat", ".com"];
/**
 * Words that need no quotes on cmd.exe's command line, nor in a batch file's %1 (which splits at , ; =); a
 * trailing backslash is quoted (doubled), or "%~1" in the batch would end in an escaped quote.
 */
const PLAIN = /^[\w\-.\\/:@+]*[\w\-./:@+]$/;

/**
 * How Windows runs `words` (vegas_mfa_process, split by the Windows rules): the program found as
 * CreateProcess finds it (an unquoted path with spaces is tried a word at a time, shortest first; a bare name
 * on PATH; .exe, .cmd, .bat and .com added to a name without an extension), an .exe run directly, a batch
 * file through cmd.exe, the only way Windows runs one, with every argument escaped so that cmd.exe can never
 * read it as a second command or a variable (the "BatBadBut" rules). undefined when an argument holds a line
 * break, which no batch file can be given.
 */
export function windowsCommand(words: readonly string[], env: Record<string, string | undefined>, isFile: (path: string) => boolean = isExecutableFile): WindowsCommand | undefined {
  const [program, rest] = findWindowsProgram(words, env, isFile);
  // A batch file that is not there is spawned as it is, for the system's own "not found" (cmd.exe would exit 1).
  if (!BATCH.test(program) || !isFile(program)) return { argv: [program, ...rest], file: program, args: rest, verbatim: false };
  const line = [program, ...rest].map(batchArgument);
  if (line.some((argument) => argument === undefined)) return undefined;
  const systemRoot = env.SystemRoot ?? env.SYSTEMROOT ?? "C:\\Windows";
  // /d: no AutoRun commands from the registry; /e:on: the %cd:~,% that stops expansion needs extensions, which
  // the registry can turn off; /v:off: ! is never a variable; /s /c "…": the outer quotes go.
  const args = ["/d", "/e:on", "/v:off", "/s", "/c", `"${line.join(" ")}"`];
  return { argv: [program, ...rest], file: win32.join(systemRoot, "System32", "cmd.exe"), args, verbatim: true };
}

function findWindowsProgram(words: readonly string[], env: Record<string, string | undefined>, isFile: (path: string) => boolean): [string, string[]] {
  const first = words[0] ?? "";
  if (!/[\\/:]/.test(first)) return [findProgram(first, env, [], EXTENSIONS) ?? first, words.slice(1)];
  for (let count = 1; count <= words.length; count++) {
    const candidate = words.slice(0, count).join(" ");
    const found = [candidate, ...(/\.\w+$/.test(candidate) ? [] : EXTENSIONS.map((extension) => candidate + extension))].find(isFile);
    if (found !== undefined) return [found, words.slice(count)];
  }
  return [first, words.slice(1)];
}

/**
 * One word of a batch file's command line, as cmd.exe reads it back: quoted unless plain; a quote doubled;
 * backslashes before a quote doubled (for the C runtime of a program the batch passes %* to); each % followed
 * by `%cd:~,%`, which expands to nothing, so no %NAME% can ever be expanded.
 */
export function batchArgument(word: string): string | undefined {
  if (/[\r\n\0]/.test(word)) return undefined;
  if (PLAIN.test(word)) return word;
  let quoted = "";
  let backslashes = 0;
  for (const char of word) {
    if (char === "\\") {
      backslashes++;
      continue;
    }
    if (char === '"') quoted += `${"\\".repeat(backslashes * 2)}""`;
    else quoted += `${"\\".repeat(backslashes)}${char === "%" ? "%%cd:~,%" : char}`;
    backslashes = 0;
  }
  return `"${quoted}${"\\".repeat(backslashes * 2)}"`;
}
