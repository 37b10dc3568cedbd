/**
 * Compiles the standalone binary: `bun run build.ts` → dist/vegas-credentials for this machine.
 * --minify and --bytecode keep start-up short (the cached `assume` path is measured in bench/).
 */
import { $ } from "bun";
import pkg from "./package.json" with { type: "json" };
import { LAZY_ENTRYPOINTS } from "./src/lazyModules.ts";

const outfile = `dist/vegas-credentials${process.platform === "win32" ? ".exe" : ""}`;
const commit = (await $`git rev-parse --short=12 HEAD`.nothrow().quiet().text()).trim() || "unknown";
const buildDate = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

const result = await Bun.build({
  // The lazy modules are entrypoints of their own, loaded only when needed (see src/lazyModules.ts).
  entrypoints: ["src/main.ts", ...LAZY_ENTRYPOINTS],
  compile: { outfile },
  minify: true,
  bytecode: true,
  format: "cjs",
  sourcemap: "none",
  define: {
    VEGAS_VERSION: JSON.stringify(pkg.version),
    VEGAS_COMMIT: JSON.stringify(commit),
    VEGAS_BUILD_DATE: JSON.stringify(buildDate),
  },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${outfile} (version ${pkg.version}, commit ${commit})`);
