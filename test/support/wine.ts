/**
 * Windows, for real, on this Linux machine: Debian's wine 8 (wine64) in a prefix of the test's own, the
 * `windows-x64` release binary built by build.ts, and the one shim wine lacks (bcryptprimitives.dll, built
 * from test/support/windows/ with mingw and put beside the .exe). No display is needed. A wineserver is kept
 * up for the run (a run then takes ~0.2 s instead of ~0.8 s) and killed by `stop()`.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./sandbox.ts";
import { temporaryFolder } from "./temporaryFolder.ts";

const WINE_LIB = "/usr/lib/wine";
const MINGW = "x86_64-w64-mingw32-gcc";
export const SUPPORT = join(ROOT, "test", "support", "windows");

/** What the Windows job needs on this machine (.ci/run installs them: wine, wine64, gcc-mingw-w64-x86-64). */
export function missingForWine(): string[] {
  const path = `${WINE_LIB}:${process.env.PATH ?? ""}`;
  return ["wine64", "wineserver", "winepath", MINGW].filter((program) => Bun.which(program, { PATH: path }) === null);
}

export interface WineResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface WineRun {
  readonly args?: readonly string[];
  /** Added to the prefix's environment (wine hands every variable to the Windows process). */
  readonly env?: Record<string, string>;
  readonly stdin?: string;
  /** Default: the test's own folder. */
  readonly cwd?: string;
  /** The run is killed after this long (a bound for the test, not a speed claim). */
  readonly timeoutMs?: number;
}

/** A Windows program started under wine, its output collected in files. */
export interface WineProcess {
  readonly child: ReturnType<typeof Bun.spawn>;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Waits for its end (killing it after `timeoutMs`) and returns what it printed. */
  done(timeoutMs: number): Promise<WineResult>;
}

export class Wine {
  /** A folder of the test's own: the prefix, the binary and the shim, programs, configs. */
  readonly folder: string;
  readonly prefix: string;
  /** The environment of every wine command: this prefix, wine quiet, no Mono or Gecko installer prompts. */
  readonly env: Record<string, string>;
  private server: ReturnType<typeof Bun.spawn> | undefined;
  private runs = 0;

  constructor() {
    this.folder = temporaryFolder("vegas-wine-");
    this.prefix = join(this.folder, "prefix");
    this.env = {
      PATH: `${WINE_LIB}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: this.folder,
      LANG: "C.UTF-8",
      WINEPREFIX: this.prefix,
      WINEDEBUG: "-all",
      WINEDLLOVERRIDES: "mscoree,mshtml=",
      WINEARCH: "win64",
    };
  }

  /** A fresh prefix (`wineboot --init`, ~10 s) with a wineserver of ours kept up, started first. */
  async start(): Promise<void> {
    mkdirSync(this.prefix, { mode: 0o700 });
    this.keepServerUp();
    await this.unix(["wineboot", "--init"], 180_000);
  }

  /**
   * Kills every Windows process of the prefix and its wineserver; the next run starts a new server. Any
   * process still running with this prefix in its environment after `wineserver -k` (a service that lost its
   * server in a race) is killed too: nothing of a test's wine outlives it.
   */
  async killAll(): Promise<void> {
    await this.unix(["wineserver", "-k"], 60_000).catch(() => {});
    if (this.server !== undefined) {
      await Promise.race([this.server.exited, Bun.sleep(10_000)]);
      this.server = undefined;
    }
    for (const pid of this.processes()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
  }

  /** The processes whose environment names this prefix. */
  private processes(): number[] {
    const mark = `WINEPREFIX=${this.prefix}\0`;
    const found: number[] = [];
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
      try {
        if (`${readFileSync(`/proc/${name}/environ`, "latin1")}\0`.includes(mark)) found.push(Number(name));
      } catch {
        // Ended, or not ours to read.
      }
    }
    return found;
  }

  /** Restarts a server kept up (after killAll). */
  keepServerUp(): void {
    this.server ??= Bun.spawn(["wineserver", "--persistent", "--foreground"], { env: this.env, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  }

  async stop(): Promise<void> {
    await this.killAll();
    rmSync(this.folder, { recursive: true, force: true });
  }

  /** The Windows path of a Linux one (`Z:\…`). */
  windowsPath(path: string): string {
    const result = Bun.spawnSync(["winepath", "-w", path], { env: this.env, stdout: "pipe", stderr: "pipe" });
    const text = result.stdout.toString().trim();
    if (result.exitCode !== 0 || text === "") throw new Error(`winepath -w ${path} failed: ${result.stderr.toString()}`);
    return text;
  }

  /** Runs a Windows program (its Linux path) under wine64, with no terminal and stdin from `stdin`. */
  run(program: string, run: WineRun = {}): Promise<WineResult> {
    return this.spawn(program, run).done(run.timeoutMs ?? 60_000);
  }

  /**
   * Starts a Windows program and leaves it running (serve, a run killed on purpose). Its output goes to files,
   * not pipes: a wineserver or a service it starts would hold a pipe open long after the program ended.
   */
  spawn(program: string, run: WineRun = {}): WineProcess {
    const output = join(this.folder, `run-${++this.runs}`);
    const child = Bun.spawn(["wine64", program, ...(run.args ?? [])], {
      env: { ...this.env, ...run.env },
      cwd: run.cwd ?? this.folder,
      stdin: run.stdin === undefined ? "ignore" : new TextEncoder().encode(run.stdin),
      stdout: Bun.file(`${output}.out`),
      stderr: Bun.file(`${output}.err`),
    });
    const read = (suffix: string) => (existsSync(output + suffix) ? readFileSync(output + suffix, "utf8").replace(/\r\n/g, "\n") : "");
    return {
      child,
      stdout: () => read(".out"),
      stderr: () => read(".err"),
      async done(timeoutMs: number): Promise<WineResult> {
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        const exitCode = await child.exited;
        clearTimeout(timer);
        const result = { exitCode, stdout: read(".out"), stderr: read(".err") };
        rmSync(`${output}.out`, { force: true });
        rmSync(`${output}.err`, { force: true });
        return result;
      },
    };
  }

  /** `wine64 reg …` (the registry of this prefix). */
  async reg(args: readonly string[]): Promise<WineResult> {
    return this.run("reg", { args });
  }

  /** Builds a C program of test/support/windows/ into `output` with mingw. */
  compile(source: string, output: string): void {
    mkdirSync(join(output, ".."), { recursive: true });
    this.mingw([join(SUPPORT, source), "-o", output], source);
  }

  /** bcryptprimitives.dll for `folder` (see test/support/windows/bcryptprimitives.c). */
  buildShim(folder: string): void {
    const sources = [join(SUPPORT, "bcryptprimitives.c"), join(SUPPORT, "bcryptprimitives.def")];
    this.mingw(["-shared", "-nostdlib", "-Wl,--entry,DllMain", "-o", join(folder, "bcryptprimitives.dll"), ...sources, "-ladvapi32", "-lkernel32"], "the bcryptprimitives shim");
  }

  private mingw(args: readonly string[], what: string): void {
    const result = Bun.spawnSync([MINGW, "-O2", ...args], { env: this.env, stdout: "pipe", stderr: "pipe" });
    if (result.exitCode !== 0) throw new Error(`${MINGW}: building ${what} failed: ${result.stderr.toString()}`);
  }

  /** A batch file (CRLF lines, as cmd.exe expects). */
  writeBatch(path: string, lines: readonly string[]): void {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, `${lines.join("\r\n")}\r\n`);
    chmodSync(path, 0o755);
  }

  /** A wine tool run to its end; its output goes to a file, as it may start a wineserver that keeps pipes open. */
  private async unix(argv: string[], timeoutMs: number): Promise<void> {
    const log = join(this.folder, `${argv[0]}.log`);
    const child = Bun.spawn(argv, { env: this.env, stdin: "ignore", stdout: Bun.file(log), stderr: Bun.file(log) });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const exitCode = await child.exited;
    clearTimeout(timer);
    if (exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${exitCode}: ${readFileSync(log, "utf8").trim().slice(0, 500)}`);
  }
}

/** The windows-x64 release binary, built by build.ts into `folder` (~15 s), with the shim beside it. */
export async function buildWindowsBinary(wine: Wine, folder: string): Promise<string> {
  const child = Bun.spawn([process.execPath, "run", join(ROOT, "build.ts"), "--target", "windows-x64", "--outdir", folder], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [stderr, exitCode] = await Promise.all([new Response(child.stderr).text(), child.exited, new Response(child.stdout).text()]);
  if (exitCode !== 0) throw new Error(`build.ts --target windows-x64 failed: ${stderr}`);
  wine.buildShim(folder);
  return join(folder, "vegas-credentials-windows-x64.exe");
}

/**
 * The Windows Bun of the same version as ours (`@oven/bun-windows-x64` from the npm registry), kept under
 * node_modules/.cache so that a run downloads it once. Its bun.exe gets the shim beside it too.
 */
export async function windowsBun(wine: Wine): Promise<string> {
  const version = Bun.version;
  const folder = join(ROOT, "node_modules", ".cache", `bun-windows-x64-${version}`);
  const exe = join(folder, "package", "bin", "bun.exe");
  if (!existsSync(exe)) {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const pack = Bun.spawnSync(["npm", "pack", `@oven/bun-windows-x64@${version}`, "--pack-destination", folder, "--silent"], { cwd: folder, stdout: "pipe", stderr: "pipe" });
    const tarball = pack.stdout.toString().trim().split("\n").pop() ?? "";
    if (pack.exitCode !== 0 || tarball === "") throw new Error(`npm pack @oven/bun-windows-x64@${version} failed: ${pack.stderr.toString()}`);
    const untar = Bun.spawnSync(["tar", "-xzf", join(folder, tarball), "-C", folder], { stdout: "pipe", stderr: "pipe" });
    if (untar.exitCode !== 0 || !existsSync(exe)) throw new Error(`unpacking ${tarball} failed: ${untar.stderr.toString()}`);
  }
  if (!existsSync(join(folder, "package", "bin", "bcryptprimitives.dll"))) wine.buildShim(join(folder, "package", "bin"));
  return exe;
}

/** The unit-test paths that hold on every OS, as package.json's `test:every-os` names them. */
export function everyOsTestPaths(): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  return (scripts["test:every-os"] ?? "").split(/\s+/).filter((word) => word.startsWith("./test/"));
}
