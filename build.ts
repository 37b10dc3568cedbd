/**
 * Compiles the standalone binary.
 *   bun run build.ts                        dist/vegas-credentials for this machine (what `npm test` runs)
 *   bun run build.ts --release              every release target as dist/vegas-credentials-<os>-<arch>[.exe]
 *                                           and as an archive with README.md and LICENSE (.tar.gz; .zip for
 *                                           Windows), the Homebrew formula and the Scoop manifest for them,
 *                                           and dist/SHA256SUMS of every one of those files
 * Options: --outdir DIR (default dist), --version X (default: VEGAS_VERSION, else package.json),
 * --target NAME (one release target, repeatable), --no-minify, --no-bytecode (to measure the variants).
 * --minify and --bytecode keep start-up short (bench/build-variants.sh measures them).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { deflateRawSync, gzipSync } from "node:zlib";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { $ } from "bun";
import pkg from "./package.json" with { type: "json" };
import { LAZY_ENTRYPOINTS } from "./src/lazyModules.ts";

/** Release name → Bun's compile target. Bun fetches the other platforms' runtimes from the npm registry. */
const RELEASE_TARGETS = {
  "linux-x64": "bun-linux-x64",
  "linux-arm64": "bun-linux-arm64",
  "linux-x64-musl": "bun-linux-x64-musl",
  "darwin-x64": "bun-darwin-x64",
  "darwin-arm64": "bun-darwin-arm64",
  "windows-x64": "bun-windows-x64",
} as const;
type ReleaseTarget = keyof typeof RELEASE_TARGETS;

const NO_WORKING_DIRECTORY_AUTOLOAD = { autoloadDotenv: false, autoloadBunfig: false, autoloadTsconfig: false, autoloadPackageJson: false } as const;

const { values: options } = parseArgs({
  options: {
    release: { type: "boolean", default: false },
    outdir: { type: "string", default: "dist" },
    version: { type: "string" },
    target: { type: "string", multiple: true },
    "no-minify": { type: "boolean", default: false },
    "no-bytecode": { type: "boolean", default: false },
  },
});

const version = (options.version ?? process.env.VEGAS_VERSION ?? pkg.version).replace(/^v/, "");
const commit = (await $`git rev-parse --short=12 HEAD`.nothrow().quiet().text()).trim() || "unknown";
const buildDate = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
mkdirSync(options.outdir, { recursive: true });
/** Where a release's files are published (install.sh and install.ps1 know the same repository). */
const REPOSITORY = "vegas-credentials/vegas-credentials";
const DESCRIPTION = "Assume MFA-protected AWS roles from credential_process, with an encrypted cache";
/** Archive entries carry the build date (as the binary does), not each file's own. */
const ARCHIVE_DATE = new Date(buildDate);


if (options.release || options.target !== undefined) {
  const targets = (options.target ?? Object.keys(RELEASE_TARGETS)) as ReleaseTarget[];
  const unknown = targets.filter((target) => !(target in RELEASE_TARGETS));
  if (unknown.length > 0) fail(`unknown target ${unknown.join(", ")}: use ${Object.keys(RELEASE_TARGETS).join(", ")}`);
  const files: string[] = [];
  const archives = new Map<ReleaseTarget, string>();
  for (const target of targets) {
    const windows = target.startsWith("windows");
    const outfile = join(options.outdir, `vegas-credentials-${target}${windows ? ".exe" : ""}`);
    await compile(outfile, RELEASE_TARGETS[target]);
    const archive = join(options.outdir, `vegas-credentials-${target}${windows ? ".zip" : ".tar.gz"}`);
    writeArchive(archive, outfile, windows ? "vegas-credentials.exe" : "vegas-credentials");
    archives.set(target, archive);
    files.push(outfile, archive);
  }
  if (targets.length === Object.keys(RELEASE_TARGETS).length) files.push(...writePackageManifests(archives));
  writeChecksums(files);
} else {
  await compile(join(options.outdir, `vegas-credentials${process.platform === "win32" ? ".exe" : ""}`), undefined);
}

async function compile(outfile: string, target: Bun.Build.CompileTarget | undefined): Promise<void> {
  const result = await Bun.build({
    // The lazy modules are entrypoints of their own, loaded only when needed (see src/lazyModules.ts).
    entrypoints: ["src/main.ts", ...LAZY_ENTRYPOINTS],
    // The AWS tools start credential_process in the user's working directory (a cloned repository, say):
    // nothing found there (.env*, bunfig.toml and its preload, tsconfig.json, package.json) may reach the binary.
    compile: { outfile, ...(target === undefined ? {} : { target }), ...NO_WORKING_DIRECTORY_AUTOLOAD },
    minify: !options["no-minify"],
    bytecode: !options["no-bytecode"],
    format: "cjs",
    sourcemap: "none",
    define: {
      VEGAS_VERSION: JSON.stringify(version),
      VEGAS_COMMIT: JSON.stringify(commit),
      VEGAS_BUILD_DATE: JSON.stringify(buildDate),
    },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    fail(`building ${outfile} failed`);
  }
  console.log(`built ${outfile} (version ${version}, commit ${commit})`);
}

/** The binary (executable), README.md and LICENSE, at the archive's top level: tar.gz, or zip for Windows. */
function writeArchive(archive: string, binary: string, binaryName: string): void {
  const entries = [
    { name: binaryName, bytes: readFileSync(binary), mode: 0o755 },
    { name: "README.md", bytes: readFileSync("README.md"), mode: 0o644 },
    { name: "LICENSE", bytes: readFileSync("LICENSE"), mode: 0o644 },
  ];
  writeFileSync(archive, archive.endsWith(".zip") ? zipArchive(entries) : gzipSync(tarArchive(entries), { level: 9 }));
  console.log(`wrote ${archive}`);
}

interface ArchiveEntry {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly mode: number;
}

/** A POSIX ustar archive: a 512-byte header per file, its bytes padded to 512, two empty blocks at the end. */
function tarArchive(entries: readonly ArchiveEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const header = Buffer.alloc(512);
    const field = (offset: number, length: number, value: string) => header.write(value, offset, length, "latin1");
    const octal = (offset: number, length: number, value: number) => field(offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
    field(0, 100, entry.name);
    octal(100, 8, entry.mode);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, entry.bytes.length);
    octal(136, 12, Math.floor(ARCHIVE_DATE.getTime() / 1000));
    field(148, 8, " ".repeat(8));
    field(156, 1, "0");
    field(257, 8, "ustar\x0000");
    field(265, 32, "root");
    field(297, 32, "root");
    const sum = header.reduce((total, byte) => total + byte, 0);
    field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    blocks.push(header, Buffer.from(entry.bytes), Buffer.alloc((512 - (entry.bytes.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A zip archive, each file deflated, as Windows' Explorer, Expand-Archive and Scoop read it. */
function zipArchive(entries: readonly ArchiveEntry[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const time = (ARCHIVE_DATE.getUTCHours() << 11) | (ARCHIVE_DATE.getUTCMinutes() << 5) | Math.floor(ARCHIVE_DATE.getUTCSeconds() / 2);
  const date = ((ARCHIVE_DATE.getUTCFullYear() - 1980) << 9) | ((ARCHIVE_DATE.getUTCMonth() + 1) << 5) | ARCHIVE_DATE.getUTCDate();
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = deflateRawSync(entry.bytes, { level: 9 });
    const crc = crc32(entry.bytes);
    // The fields the local header and the central directory record share, from "version needed" to the
    // name's length: at offset 4 in the one, 6 in the other.
    const shared = Buffer.alloc(24);
    shared.writeUInt16LE(20, 0);
    shared.writeUInt16LE(0x0800, 2);
    shared.writeUInt16LE(8, 4);
    shared.writeUInt16LE(time, 6);
    shared.writeUInt16LE(date, 8);
    shared.writeUInt32LE(crc, 10);
    shared.writeUInt32LE(data.length, 14);
    shared.writeUInt32LE(entry.bytes.length, 18);
    shared.writeUInt16LE(name.length, 22);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    shared.copy(header, 4);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    // Made by Unix (3), so the mode bits in the external attributes are read.
    record.writeUInt16LE((3 << 8) | 20, 4);
    shared.copy(record, 6);
    record.writeUInt32LE(((0o100000 | entry.mode) << 16) >>> 0, 38);
    record.writeUInt32LE(offset, 42);
    local.push(header, name, data);
    central.push(record, name);
    offset += header.length + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, directory, end]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The Homebrew formula (macOS and Linux archives) and the Scoop manifest (the Windows zip) for this version,
 * ready for a tap and a bucket: the release's URLs and each archive's SHA-256.
 */
function writePackageManifests(archives: ReadonlyMap<ReleaseTarget, string>): string[] {
  const url = (target: ReleaseTarget) => `https://github.com/${REPOSITORY}/releases/download/v${version}/${basename(archives.get(target) ?? "")}`;
  const sha = (target: ReleaseTarget) => createHash("sha256").update(readFileSync(archives.get(target) ?? "")).digest("hex");
  const brewArchive = (indent: string, target: ReleaseTarget) => `${indent}url "${url(target)}"\n${indent}sha256 "${sha(target)}"`;
  const formula = `# Homebrew formula for vegas-credentials ${version}, written by build.ts --release: copy it into a tap.
class VegasCredentials < Formula
  desc "${DESCRIPTION}"
  homepage "https://github.com/${REPOSITORY}"
  version "${version}"
  license "${pkg.license}"

  on_macos do
    on_arm do
${brewArchive("      ", "darwin-arm64")}
    end
    on_intel do
${brewArchive("      ", "darwin-x64")}
    end
  end

  on_linux do
    on_arm do
${brewArchive("      ", "linux-arm64")}
    end
    on_intel do
${brewArchive("      ", "linux-x64")}
    end
  end

  def install
    bin.install "vegas-credentials"
  end

  test do
    assert_equal version.to_s, shell_output("#{bin}/vegas-credentials version").strip
  end
end
`;
  const manifest = {
    version,
    description: DESCRIPTION,
    homepage: `https://github.com/${REPOSITORY}`,
    license: pkg.license,
    architecture: { "64bit": { url: url("windows-x64"), hash: sha("windows-x64") } },
    bin: "vegas-credentials.exe",
    checkver: "github",
    autoupdate: {
      architecture: { "64bit": { url: `https://github.com/${REPOSITORY}/releases/download/v$version/vegas-credentials-windows-x64.zip` } },
      hash: { url: "$baseurl/SHA256SUMS" },
    },
  };
  const formulaFile = join(options.outdir, "vegas-credentials.rb");
  const manifestFile = join(options.outdir, "vegas-credentials.json");
  writeFileSync(formulaFile, formula);
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${formulaFile} and ${manifestFile}`);
  return [formulaFile, manifestFile];
}

/** SHA256SUMS in the format `sha256sum -c` reads: `<hex>  <name>`, one line per file. */
function writeChecksums(files: readonly string[]): void {
  const lines = files.map((file) => `${createHash("sha256").update(readFileSync(file)).digest("hex")}  ${basename(file)}\n`);
  writeFileSync(join(options.outdir, "SHA256SUMS"), lines.join(""));
  console.log(`wrote ${join(options.outdir, "SHA256SUMS")} (${files.length} files)`);
}

function fail(message: string): never {
  console.error(`build.ts: ${message}`);
  process.exit(1);
}
