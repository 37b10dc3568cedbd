/**
 * install.sh, run by dash (POSIX sh) against a loopback HTTP server that serves a release folder: it installs
 * the right build and it runs; a corrupted binary or checksum file is refused and nothing is installed; a
 * platform without a build gets one clear line. A fake `uname` first on PATH plays the other platforms.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/sandbox.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const VERSION = "9.9.9-install-test";
const HOST_BUILD = "vegas-credentials-linux-x64.tar.gz";
const onLinuxX64 = process.platform === "linux" && process.arch === "x64";
const work = temporaryFolder("vegas-install-");
const release = join(work, "release");
let server: ReturnType<typeof Bun.serve> | undefined;
/** Each folder served under its own path: /good/, /corrupt-archive/, /corrupt-sums/, /no-line/, /no-binary/. */
const served = new Map<string, string>();

beforeAll(() => {
  if (!onLinuxX64) return;
  const built = Bun.spawnSync([process.execPath, "run", "build.ts", "--target", "linux-x64", "--outdir", release, "--version", VERSION], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (built.exitCode !== 0) throw new Error(`build.ts failed: ${built.stderr.toString()}`);
  served.set("good", release);
  served.set("corrupt-archive", variant("corrupt-archive", (folder) => {
    const bytes = readFileSync(join(folder, HOST_BUILD));
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(join(folder, HOST_BUILD), bytes);
  }));
  served.set("corrupt-sums", variant("corrupt-sums", (folder) => writeFileSync(join(folder, "SHA256SUMS"), `${"0".repeat(64)}  ${HOST_BUILD}\n`)));
  served.set("no-line", variant("no-line", (folder) => writeFileSync(join(folder, "SHA256SUMS"), `${"0".repeat(64)}  vegas-credentials-darwin-arm64.tar.gz\n`)));
  // A checked archive without the binary (a release made wrongly): nothing is installed.
  served.set("no-binary", variant("no-binary", (folder) => {
    const empty = join(folder, "empty");
    mkdirSync(empty);
    writeFileSync(join(empty, "README.md"), "nothing here\n");
    Bun.spawnSync(["tar", "-czf", join(folder, HOST_BUILD), "-C", empty, "README.md"]);
    const hash = Bun.spawnSync(["sha256sum", join(folder, HOST_BUILD)]).stdout.toString().split(" ")[0];
    writeFileSync(join(folder, "SHA256SUMS"), `${hash}  ${HOST_BUILD}\n`);
  }));
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const [, folder, name] = new URL(request.url).pathname.split("/");
      const path = join(served.get(folder ?? "") ?? "/nonexistent", name ?? "");
      return existsSync(path) && statSync(path).isFile() ? new Response(Bun.file(path)) : new Response("not found", { status: 404 });
    },
  });
}, 300_000);

afterAll(() => {
  server?.stop(true);
  rmSync(work, { recursive: true, force: true });
});

function variant(name: string, spoil: (folder: string) => void): string {
  const folder = join(work, name);
  mkdirSync(folder);
  for (const file of readdirSync(release)) copyFileSync(join(release, file), join(folder, file));
  spoil(folder);
  return folder;
}

/** Runs install.sh with dash, HOME in the work folder, and an optional fake uname first on PATH. */
async function install(args: string[], env: Record<string, string> = {}, uname?: { s: string; m: string }) {
  const home = mkdtempSync(join(work, "home-"));
  let path = "/usr/local/bin:/usr/bin:/bin";
  if (uname !== undefined) {
    const bin = join(home, "fake-bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "uname"), `#!/bin/sh\ncase "$1" in -s) echo '${uname.s}' ;; -m) echo '${uname.m}' ;; *) echo '${uname.s}' ;; esac\n`);
    chmodSync(join(bin, "uname"), 0o755);
    path = `${bin}:${path}`;
  }
  // Not spawnSync: the server answering install.sh's downloads runs on this very thread.
  const run = Bun.spawn(["dash", join(ROOT, "install.sh"), ...args], { env: { HOME: home, PATH: path, ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text(), run.exited]);
  return { home, exitCode, stdout, stderr };
}

const url = (folder: string) => `http://127.0.0.1:${server?.port}/${folder}`;

describe.skipIf(!onLinuxX64)("install.sh", () => {
  test("installs the build for this machine into ~/.local/bin, executable, and it runs; says how to put it on PATH", async () => {
    const result = await install(["--base-url", url("good")]);
    const installed = join(result.home, ".local", "bin", "vegas-credentials");
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Downloading ${HOST_BUILD} from ${url("good")}`);
    expect(result.stdout).toContain(`Installed vegas-credentials ${VERSION} as ${installed}`);
    expect(result.stdout).toContain(`${join(result.home, ".local", "bin")} is not on your PATH`);
    expect(statSync(installed).mode & 0o777).toBe(0o755);
    expect(Bun.spawnSync([installed, "version"]).stdout.toString().trim()).toBe(VERSION);
    expect(readdirSync(join(result.home, ".local", "bin"))).toEqual(["vegas-credentials"]);
  });

  test("VEGAS_CREDENTIALS_BASE_URL and VEGAS_CREDENTIALS_INSTALL_DIR, and --dir=; no PATH advice when the folder is on PATH", async () => {
    const dir = join(work, "opt-bin");
    const result = await install([], { VEGAS_CREDENTIALS_BASE_URL: url("good"), VEGAS_CREDENTIALS_INSTALL_DIR: dir });
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(dir, "vegas-credentials"))).toBe(true);
    const other = join(work, "other-bin");
    const onPath = await install([`--dir=${other}`, `--base-url=${url("good")}`], { PATH: `${other}:/usr/bin:/bin` });
    expect(onPath.exitCode).toBe(0);
    expect(onPath.stdout).not.toContain("is not on your PATH");
  });

  test("re-running upgrades in place", async () => {
    const dir = join(work, "upgrade-bin");
    mkdirSync(dir);
    writeFileSync(join(dir, "vegas-credentials"), "#!/bin/sh\necho 0.0.1\n", { mode: 0o755 });
    const result = await install(["--dir", dir, "--base-url", url("good")]);
    expect(result.exitCode).toBe(0);
    expect(Bun.spawnSync([join(dir, "vegas-credentials"), "version"]).stdout.toString().trim()).toBe(VERSION);
  });

  test.each([
    ["corrupt-archive", /^install\.sh: the SHA-256 of vegas-credentials-linux-x64\.tar\.gz is [0-9a-f]{64}, but SHA256SUMS says [0-9a-f]{64}: refusing to install it \(nothing was installed\)\n$/],
    ["corrupt-sums", /^install\.sh: the SHA-256 of vegas-credentials-linux-x64\.tar\.gz is [0-9a-f]{64}, but SHA256SUMS says 0{64}: refusing to install it \(nothing was installed\)\n$/],
    ["no-line", /^install\.sh: SHA256SUMS has no line for vegas-credentials-linux-x64\.tar\.gz: refusing to install it \(nothing was installed\)\n$/],
    ["no-binary", /^install\.sh: could not take vegas-credentials out of vegas-credentials-linux-x64\.tar\.gz \(tar: vegas-credentials: Not found in archive\): nothing was installed\n$/],
  ])("%s: refused with one line, and an installed binary is left as it was", async (folder, message) => {
    const dir = join(work, `keep-${folder}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "vegas-credentials"), "#!/bin/sh\necho 0.0.1\n", { mode: 0o755 });
    const result = await install(["--dir", dir, "--base-url", url(folder)]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(dir)).toEqual(["vegas-credentials"]);
    expect(readFileSync(join(dir, "vegas-credentials"), "utf8")).toBe("#!/bin/sh\necho 0.0.1\n");
  });

  test("a release folder that is not there: one line, nothing installed", async () => {
    const result = await install(["--base-url", url("missing")]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`install.sh: could not download ${url("missing")}/${HOST_BUILD} (curl: (22) The requested URL returned error: 404)\n`);
    expect(existsSync(join(result.home, ".local", "bin", "vegas-credentials"))).toBe(false);
  });

  test.each([
    [{ s: "FreeBSD", m: "amd64" }, "install.sh: there is no vegas-credentials build for FreeBSD (amd64): builds exist for Linux and macOS (x64, arm64) and Windows (x64)\n"],
    [{ s: "Linux", m: "i686" }, "install.sh: there is no vegas-credentials build for linux on i686: builds exist for x64 and arm64\n"],
    [{ s: "MINGW64_NT-10.0-19045", m: "x86_64" }, "install.sh: this is Windows: in PowerShell run  irm https://github.com/vegas-credentials/vegas-credentials/releases/latest/download/install.ps1 | iex\n"],
  ])("an unsupported platform %o gets one clear line", async (uname, message) => {
    const result = await install(["--base-url", url("good")], {}, uname);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(message);
    expect(result.stdout).toBe("");
  });

  test("macOS on arm64 and Linux on arm64 ask for their own builds", async () => {
    for (const [uname, build] of [
      [{ s: "Darwin", m: "arm64" }, "vegas-credentials-darwin-arm64.tar.gz"],
      [{ s: "Linux", m: "aarch64" }, "vegas-credentials-linux-arm64.tar.gz"],
    ] as const) {
      const result = await install(["--base-url", url("good")], {}, uname);
      expect(result.stdout).toContain(`Downloading ${build} from`);
      expect(result.stderr).toBe(`install.sh: could not download ${url("good")}/${build} (curl: (22) The requested URL returned error: 404)\n`);
    }
  });

  test("an unknown option is refused with the usage", async () => {
    const result = await install(["--prefix", "/usr"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("install.sh: unknown option: --prefix");
  });
});
