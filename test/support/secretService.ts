/**
 * A real Secret Service for the keystore tests: a private D-Bus session bus (dbus-daemon) with GNOME Keyring's
 * secrets component on it (Debian dbus, gnome-keyring, libsecret-tools), headless, in a folder of its own.
 * The keyring is made and unlocked with a password on the daemon's stdin, as a desktop login does.
 */
import type { Subprocess } from "bun";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { removeFolder, temporaryFolder } from "./temporaryFolder.ts";

const START_TIMEOUT_MS = 15_000;
const PASSWORD = "keyring-password-of-the-test";

export class SecretService {
  /** What a client needs in its environment to find this bus. */
  readonly env: { DBUS_SESSION_BUS_ADDRESS: string };
  private keyring: Subprocess | undefined;

  private constructor(
    private readonly folder: string,
    private readonly bus: Subprocess,
  ) {
    this.env = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(folder, "bus")}` };
  }

  /** Whether this machine has what the tests need (they are skipped without it, unless CI=true). */
  static available(): boolean {
    return ["dbus-daemon", "gnome-keyring-daemon", "secret-tool", "dbus-send"].every((program) => Bun.which(program) !== null);
  }

  static async start(): Promise<SecretService> {
    const folder = temporaryFolder("secret-service-");
    for (const sub of ["run", "data"]) mkdirSync(join(folder, sub), { recursive: true, mode: 0o700 });
    // The bus's environment is what it activates services with: a keyring started by activation (after
    // stop()) keeps its files here too, and comes up locked (no password given).
    const bus = Bun.spawn(["dbus-daemon", "--session", "--nofork", "--nopidfile", `--address=unix:path=${join(folder, "bus")}`], {
      env: daemonEnv(folder),
      detached: true,
      stdio: ["ignore", "ignore", "ignore"],
    });
    const service = new SecretService(folder, bus);
    await waitFor(() => existsSync(join(folder, "bus")), "the session bus");
    await service.startKeyring();
    return service;
  }

  /** The keyring daemon, unlocked with the password (made with it the first time). */
  private async startKeyring(): Promise<void> {
    const keyring = Bun.spawn(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"], {
      env: { ...daemonEnv(this.folder), ...this.env },
      detached: true,
      stdin: "pipe",
      stdout: "ignore",
      stderr: "ignore",
    });
    keyring.stdin.write(PASSWORD);
    await keyring.stdin.end();
    this.keyring = keyring;
    await waitFor(() => this.nameOwned(), "gnome-keyring-daemon on the bus");
  }

  /** Ends the keyring daemon: the next client's call starts one by activation, with its keyring locked. */
  async stopKeyring(): Promise<void> {
    if (this.keyring === undefined) return;
    killGroup(this.keyring.pid);
    await this.keyring.exited;
    this.keyring = undefined;
    await waitFor(() => !this.nameOwned(), "gnome-keyring-daemon to leave the bus");
  }

  /** Runs secret-tool on this bus (to plant or check items as another program would). */
  secretTool(args: string[], stdin?: string): { exitCode: number; stdout: string; stderr: string } {
    const run = Bun.spawnSync(["secret-tool", ...args], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...this.env }, stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), timeout: 20_000 });
    return { exitCode: run.exitCode ?? -1, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
  }

  /** The keyring's files, as they lie on disk (for the test that no secret is in the clear anywhere). */
  get dataFolder(): string {
    return join(this.folder, "data");
  }

  async stop(): Promise<void> {
    await this.stopKeyring().catch(() => {});
    killGroup(this.bus.pid);
    await this.bus.exited;
    // An activated keyring daemon is a child of the bus: its group went with it, or it ends when the bus does.
    removeFolder(this.folder);
  }

  private nameOwned(): boolean {
    const run = Bun.spawnSync(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...this.env },
      timeout: 5_000,
    });
    return run.stdout.toString().includes("boolean true");
  }
}

function daemonEnv(folder: string): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: folder, XDG_RUNTIME_DIR: join(folder, "run"), XDG_DATA_HOME: join(folder, "data"), XDG_CONFIG_HOME: join(folder, "config") };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${START_TIMEOUT_MS / 1000} s`);
    await Bun.sleep(50);
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}
