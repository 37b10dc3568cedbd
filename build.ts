/**
 * Compiles the standalone binary.
 *   bun run build.ts                        dist/vegas-credentials for this machine (what `npm test` runs)
 *   bun run build.ts --release              every release target as dist/vegas-credentials-<os>-<arch>[.exe],
 *                                           plus dist/SHA256SUMS
 * Options: --outdir DIR (default dist), --version X (default: VEGAS_VERSION, else package.json),
 * --target NAME (one release target, repeatable), --no-minify, --no-bytecode (to measure the variants).
 * --minify and --bytecode keep start-up short (bench/build-variants.sh measures them).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
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

if (options.release || options.target !== undefined) {
  const targets = (options.target ?? Object.keys(RELEASE_TARGETS)) as ReleaseTarget[];
  const unknown = targets.filter((target) => !(target in RELEASE_TARGETS));
  if (unknown.length > 0) fail(`unknown target ${unknown.join(", ")}: use ${Object.keys(RELEASE_TARGETS).join(", ")}`);
  const files: string[] = [];
  for (const target of targets) {
    const outfile = join(options.outdir, `vegas-credentials-${target}${target.startsWith("windows") ? ".exe" : ""}`);
    await compile(outfile, RELEASE_TARGETS[target]);
    files.push(outfile);
  }
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
