// Replaced by build.ts (--define); under `bun test` and `bun run` the fallbacks apply.
declare const VEGAS_VERSION: string | undefined;
declare const VEGAS_COMMIT: string | undefined;
declare const VEGAS_BUILD_DATE: string | undefined;

export const buildInfo = {
  version: typeof VEGAS_VERSION === "string" ? VEGAS_VERSION : "0.0.0-dev",
  commit: typeof VEGAS_COMMIT === "string" ? VEGAS_COMMIT : "unknown",
  buildDate: typeof VEGAS_BUILD_DATE === "string" ? VEGAS_BUILD_DATE : "unknown",
};
