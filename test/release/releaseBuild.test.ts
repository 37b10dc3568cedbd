/**
 * `bun run build.ts --release`: every target is built in the format its platform runs, SHA256SUMS covers
 * them all, and the host's binary carries the version it was built with.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../support/sandbox.ts";

const VERSION = "9.9.9-release-test";
const outdir = mkdtempSync(join(tmpdir(), "vegas-release-"));

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
  test("builds exactly the six binaries and SHA256SUMS", () => {
    expect(readdirSync(outdir).sort()).toEqual([...Object.keys(EXPECTED), "SHA256SUMS"].sort());
  });

  test.each(Object.entries(EXPECTED))("%s is %s", (name, format) => {
    expect(executableFormat(readFileSync(join(outdir, name)))).toBe(format);
  });

  test("each Linux build asks for its C library's loader", () => {
    expect(elfInterpreter(readFileSync(join(outdir, "vegas-credentials-linux-x64")))).toBe("/lib64/ld-linux-x86-64.so.2");
    expect(elfInterpreter(readFileSync(join(outdir, "vegas-credentials-linux-arm64")))).toBe("/lib/ld-linux-aarch64.so.1");
    expect(elfInterpreter(readFileSync(join(outdir, "vegas-credentials-linux-x64-musl")))).toBe("/lib/ld-musl-x86_64.so.1");
  });

  test("SHA256SUMS has one line per binary, as sha256sum -c reads it, and every hash matches", () => {
    const lines = readFileSync(join(outdir, "SHA256SUMS"), "utf8").trimEnd().split("\n");
    expect(lines.map((line) => line.split("  ")[1]).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const line of lines) {
      const [hash, name] = line.split("  ");
      expect(hash).toBe(createHash("sha256").update(readFileSync(join(outdir, name ?? ""))).digest("hex"));
    }
    const checked = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: outdir });
    expect(checked.exitCode).toBe(0);
  });

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
