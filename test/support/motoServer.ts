/**
 * The real `moto_server` (a Python AWS emulator) on a free port, for tests that want a second, independent
 * STS. It serves AssumeRole and GetCallerIdentity with any keys; it checks neither MFA codes nor roles.
 */
import { afterAll, beforeAll } from "bun:test";
import type { Subprocess } from "bun";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./freePort.ts";
import { ensureBinary } from "./sandbox.ts";
import { temporaryFolder } from "./temporaryFolder.ts";

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Ends the server and everything it started; safe to call twice. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;

export async function startMotoServer(): Promise<MotoServer> {
  const executable = Bun.which("moto_server", { PATH: process.env.PATH ?? "" });
  if (executable === null) {
    throw new Error("moto_server is not on PATH: install it with `pip install 'moto[server]'` (moto 5.x) to run the tests that use it");
  }
  let lastFailure: unknown;
  // Another process may take the free port between choosing it and moto binding it: try another one.
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    try {
      return await startOnPort(executable, freePort());
    } catch (error) {
      lastFailure = error;
    }
  }
  throw lastFailure;
}

async function startOnPort(executable: string, port: number): Promise<MotoServer> {
  const logDir = temporaryFolder("moto-server-");
  const logFile = join(logDir, "moto.log");
  // Its own process group: under pyenv the PID is a shim, and killing the group reaches the Python server too.
  const child = Bun.spawn([executable, "-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdin: "ignore",
    stdout: Bun.file(logFile),
    stderr: Bun.file(logFile),
  });
  const url = `http://127.0.0.1:${port}`;
  const watchdog = killWhenOrphaned(child.pid, logDir);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      signalGroup(watchdog.pid, "SIGKILL");
      await stopProcessGroup(child);
      rmSync(logDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  try {
    await waitUntilAnswering(url, child, () => readLog(logFile));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/** bun test runs no exit handlers, so a detached watcher kills the server's group once the test process is gone. */
function killWhenOrphaned(groupId: number, logDir: string): Subprocess {
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 "-$2"; rm -rf "$3"';
  const watchdog = Bun.spawn(["/bin/sh", "-c", script, "watchdog", String(process.pid), String(groupId), logDir], {
    detached: true,
    stdio: ["ignore", "ignore", "ignore"],
  });
  watchdog.unref();
  return watchdog;
}

async function waitUntilAnswering(url: string, child: Subprocess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode} before it answered: ${log()}`);
    if (await answers(url)) return;
    await Bun.sleep(100);
  }
  throw new Error(`moto_server did not answer on ${url} within ${START_TIMEOUT_MS / 1000} s: ${log()}`);
}

/** Any HTTP answer means the server is up. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

async function stopProcessGroup(child: Subprocess): Promise<void> {
  signalGroup(child.pid, "SIGTERM");
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupAlive(child.pid) && Date.now() < deadline) await Bun.sleep(50);
  signalGroup(child.pid, "SIGKILL");
  await child.exited;
  const killDeadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupAlive(child.pid) && Date.now() < killDeadline) await Bun.sleep(20);
}

function signalGroup(groupId: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-groupId, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch {
    return false;
  }
}

function readLog(logFile: string): string {
  try {
    return readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join(" | ") || "(no output)";
  } catch {
    return "(no output)";
  }
}

/** moto_server for the tests of one file: started (with the binary built) before them, stopped after them. */
export function motoForThisFile(): { readonly url: string; stop(): Promise<void>; restart(): Promise<void> } {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    ensureBinary();
    server = await startMotoServer();
  });
  afterAll(() => server?.stop());
  return {
    get url() {
      if (server === undefined) throw new Error("moto_server is not running");
      return server.url;
    },
    stop: async () => {
      await server?.stop();
      server = undefined;
    },
    restart: async () => {
      server = await startMotoServer();
    },
  };
}
