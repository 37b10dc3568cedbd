/**
 * `bun run build.ts --release`: every target is built in the format its platform runs and packed with README.md
 * and LICENSE (tar.gz; zip for Windows), the Homebrew formula and Scoop manifest name those archives with their
 * hashes, SHA256SUMS covers every file, and the host's binary carries the version it was built with.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/sandbox.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const VERSION = "9.9.9-release-test";
const outdir = temporaryFolder("vegas-release-");
const ARCHIVES = [
  "vegas-credentials-linux-x64.tar.gz",
  "vegas-credentials-linux-arm64.tar.gz",
  "vegas-credentials-linux-x64-musl.tar.gz",
  "vegas-credentials-darwin-x64.tar.gz",
  "vegas-credentials-darwin-arm64.tar.gz",
  "vegas-credentials-windows-x64.zip",
];

/** Each release file and what its header must say. */
const EXPECTED = {
  "vegas-credentials-linux-x64": "ELF x86-64",
  "vegas-credentials-linux-arm64": "ELF aarch64",
  "vegas-credentials-linux-x64-musl": "ELF x86-64",
  "vegas-credentials-darwin-x64": "Mach-O x86-64",
  "vegas-credentials-darwin-arm64": "Mach-O arm64",
  "vegas-credentials-windows-x64.exe": "PE32+ x86-64",
} as const;

beforeAll(() => {
  const built = Bun.spawnSync([process.execPath, "run", "build.ts", "--release", "--outdir", outdir, "--version", VERSION], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (built.exitCode !== 0) throw new Error(`build.ts --release failed: ${built.stderr.toString()}`);
}, 600_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("bun run build.ts --release", () => {
  test("builds exactly the six binaries, their archives, the formula, the manifest and SHA256SUMS", () => {
    expect(readdirSync(outdir).sort()).toEqual([...Object.keys(EXPECTED), ...ARCHIVES, "vegas-credentials.rb", "vegas-credentials.json", "SHA256SUMS"].sort());
  });

  test.each(Object.entries(EXPECTED))("%s is %s", (name, format) => {
    expect(executableFormat(readFileSync(join(outdir, name)))).toBe(format);
  });

  test("each Linux build asks for its C library's loader", () => {
    expect(elfInterpreter(readFileSync(join(outdir, "vegas-credentials-linux-x64")))).toBe("/lib64/ld-linux-x86-64.so.2");
    expect(elfInterpreter(readFileSync(join(outdir, "vegas-credentials-linux-arm64")))).toBe("/lib/ld-linux-aarch64.so.1");
    expect(elfInterpreter(readFileSync(join(outdir, "vegas-credentials-linux-x64-musl")))).toBe("/lib/ld-musl-x86_64.so.1");
  });

  test("SHA256SUMS has one line per file released, as sha256sum -c reads it, and every hash matches", () => {
    const lines = readFileSync(join(outdir, "SHA256SUMS"), "utf8").trimEnd().split("\n");
    expect(lines.map((line) => line.split("  ")[1]).sort()).toEqual(readdirSync(outdir).filter((name) => name !== "SHA256SUMS").sort());
    for (const line of lines) {
      const [hash, name] = line.split("  ");
      expect(hash).toBe(createHash("sha256").update(readFileSync(join(outdir, name ?? ""))).digest("hex"));
    }
    const checked = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: outdir });
    expect(checked.exitCode).toBe(0);
  }, 60_000);

  test.skipIf(process.platform !== "linux" || process.arch !== "x64")("the host binary shows the version, commit and date it was built with", () => {
    const run = Bun.spawnSync([join(outdir, "vegas-credentials-linux-x64"), "version", "--full"], { stdout: "pipe", stderr: "pipe" });
    const commit = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: ROOT }).stdout.toString().trim();
    const lines = run.stdout.toString().split("\n");
    expect(run.exitCode).toBe(0);
    expect(lines[0]).toBe(`vegas-credentials ${VERSION}`);
    expect(lines[1]).toBe(`commit:   ${commit}`);
    expect(lines[2]).toMatch(/^built: {4}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines[3]).toBe("platform: linux-x64");
  });
});

describe("release archives", () => {
  test.each(Object.keys(EXPECTED).filter((name) => !name.endsWith(".exe")))("%s.tar.gz holds the binary (mode 755), README.md and LICENSE, about half the size", (name) => {
    const archive = join(outdir, `${name}.tar.gz`);
    const listing = Bun.spawnSync(["tar", "-tvzf", archive]).stdout.toString().trimEnd().split("\n");
    expect(listing.map((line) => line.split(/\s+/).at(-1))).toEqual(["vegas-credentials", "README.md", "LICENSE"]);
    expect(listing[0]).toStartWith("-rwxr-xr-x");
    const unpacked = temporaryFolder("vegas-unpacked-");
    try {
      expect(Bun.spawnSync(["tar", "-xzf", archive, "-C", unpacked]).exitCode).toBe(0);
      expect(readFileSync(join(unpacked, "vegas-credentials")).equals(readFileSync(join(outdir, name)))).toBe(true);
      expect(readFileSync(join(unpacked, "LICENSE"), "utf8")).toBe(readFileSync(join(ROOT, "LICENSE"), "utf8"));
      expect(readFileSync(join(unpacked, "README.md"), "utf8")).toBe(readFileSync(join(ROOT, "README.md"), "utf8"));
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
    expect(statSync(archive).size / statSync(join(outdir, name)).size).toBeLessThan(0.6);
  });

  test("the Windows zip holds vegas-credentials.exe, README.md and LICENSE, with intact CRCs (Python's zipfile reads it)", () => {
    const read = Bun.spawnSync([
      "python3",
      "-c",
      "import sys, zipfile, hashlib\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist(): print(i.filename, hashlib.sha256(z.read(i)).hexdigest())",
      join(outdir, "vegas-credentials-windows-x64.zip"),
    ]);
    expect(read.stderr.toString()).toBe("");
    const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
    expect(read.stdout.toString()).toBe(
      `vegas-credentials.exe ${sha(join(outdir, "vegas-credentials-windows-x64.exe"))}\nREADME.md ${sha(join(ROOT, "README.md"))}\nLICENSE ${sha(join(ROOT, "LICENSE"))}\n`,
    );
  });
});

describe("package manifests", () => {
  const sums = () => new Map(readFileSync(join(outdir, "SHA256SUMS"), "utf8").trimEnd().split("\n").map((line) => [line.split("  ")[1], line.split("  ")[0]] as const));
  const release = `https://github.com/vegas-credentials/vegas-credentials/releases/download/v${VERSION}`;

  test("the Homebrew formula is valid Ruby (ruby -c) naming each macOS and Linux archive with its SHA-256, and tests `version`", () => {
    const formula = join(outdir, "vegas-credentials.rb");
    const checked = Bun.spawnSync(["ruby", "-c", formula]);
    expect(checked.stdout.toString()).toBe("Syntax OK\n");
    const text = readFileSync(formula, "utf8");
    expect(text).toContain("class VegasCredentials < Formula");
    expect(text).toContain(`version "${VERSION}"`);
    expect(text).toContain('license "MIT"');
    for (const target of ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64"]) {
      const archive = `vegas-credentials-${target}.tar.gz`;
      expect(text).toContain(`url "${release}/${archive}"\n      sha256 "${sums().get(archive)}"`);
    }
    expect(text).toContain('bin.install "vegas-credentials"');
    expect(text).toContain('shell_output("#{bin}/vegas-credentials version")');
  });

  test("the Scoop manifest names the zip, its hash and the binary", () => {
    const manifest = JSON.parse(readFileSync(join(outdir, "vegas-credentials.json"), "utf8"));
    expect(manifest.version).toBe(VERSION);
    expect(manifest.license).toBe("MIT");
    expect(manifest.architecture["64bit"]).toEqual({ url: `${release}/vegas-credentials-windows-x64.zip`, hash: sums().get("vegas-credentials-windows-x64.zip") });
    expect(manifest.bin).toBe("vegas-credentials.exe");
    expect(manifest.checkver).toBe("github");
    expect(manifest.autoupdate.architecture["64bit"].url).toContain("/v$version/vegas-credentials-windows-x64.zip");
  });
});

/** The PT_INTERP program header of a 64-bit ELF: the dynamic loader it needs. */
function elfInterpreter(bytes: Buffer): string | undefined {
  const tableOffset = Number(bytes.readBigUInt64LE(0x20));
  const entrySize = bytes.readUInt16LE(0x36);
  for (let index = 0; index < bytes.readUInt16LE(0x38); index++) {
    const entry = tableOffset + index * entrySize;
    if (bytes.readUInt32LE(entry) !== 3) continue;
    const offset = Number(bytes.readBigUInt64LE(entry + 8));
    return bytes.toString("latin1", offset, offset + Number(bytes.readBigUInt64LE(entry + 32))).replace(/\0+$/, "");
  }
  return undefined;
}

/** What the header says: ELF (e_machine), Mach-O 64 (cputype) or PE32+ (machine and optional header magic). */
function executableFormat(bytes: Buffer): string {
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    if (bytes[4] !== 2) return "ELF 32-bit";
    const machine = bytes.readUInt16LE(18);
    return machine === 0x3e ? "ELF x86-64" : machine === 0xb7 ? "ELF aarch64" : `ELF machine ${machine}`;
  }
  if (bytes.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = bytes.readUInt32LE(4);
    return cpu === 0x01000007 ? "Mach-O x86-64" : cpu === 0x0100000c ? "Mach-O arm64" : `Mach-O cpu ${cpu}`;
  }
  if (bytes.toString("latin1", 0, 2) === "MZ") {
    const pe = bytes.readUInt32LE(0x3c);
    if (bytes.toString("latin1", pe, pe + 4) !== "PE\0\0") return "MZ without PE";
    const machine = bytes.readUInt16LE(pe + 4);
    const magic = bytes.readUInt16LE(pe + 24);
    return magic === 0x20b && machine === 0x8664 ? "PE32+ x86-64" : `PE machine ${machine} magic ${magic}`;
  }
  return "unknown";
}
