/**
 * The floors of src/ (see STYLE.md), top to bottom: an import goes down a floor, never up, and never into a
 * cycle. Run by .ci/run: `depcruise src --config .ci/dependency-cruiser.cjs`.
 */
const FLOORS = [
  ["^src/main\\.ts$", "^src/lazyModules\\.ts$", "^src/cli/"],
  ["^src/commands/"],
  ["^src/credentials/", "^src/server/"],
  ["^src/(mfa|sts|cache|log|keys|console|picker|doctor)/"],
  ["^src/(config|output)/"],
  ["^src/files/", "^src/dbus/", "^src/(userError|buildInfo|environment)\\.ts$"],
];

/** Floor i may not import anything on floors 0..i-1 (above it). */
const upward = FLOORS.slice(1).map((floor, index) => ({
  name: `floor-${index + 2}-imports-up`,
  comment: `${floor.join(" ")} sits below ${FLOORS.slice(0, index + 1).flat().join(" ")}: it may not import them`,
  severity: "error",
  from: { path: floor },
  to: { path: FLOORS.slice(0, index + 1).flat() },
}));

/**
 * Folders on one floor that may not lean on each other. The sideways stairs kept: mfa/ uses cache/; keys/ (the
 * stores of long-term keys) uses mfa/ (running a program, asking the person) and cache/ (sealing, locks);
 * console/ (the browsers) uses sts/ (the sign-in token), mfa/ (finding a program) and cache/ (private folders);
 * picker/ (the profile picker) uses mfa/ (the terminal); doctor/ (doctor's checks) uses mfa/, sts/, cache/ and keys/ (a key ID masked); server/ (the credential server) uses credentials/.
 */
const sideways = [
  ["^src/credentials/", ["^src/server/"]],
  ["^src/cache/", ["^src/(mfa|sts|log|keys|console|picker|doctor)/"]],
  ["^src/sts/", ["^src/(mfa|cache|log|keys|console|picker|doctor)/"]],
  ["^src/log/", ["^src/(mfa|sts|cache|keys|console|picker|doctor)/"]],
  ["^src/mfa/", ["^src/(sts|log|keys|console|picker|doctor)/"]],
  ["^src/keys/", ["^src/(sts|log|console|picker|doctor)/"]],
  ["^src/console/", ["^src/(log|keys|picker|doctor)/"]],
  ["^src/picker/", ["^src/(sts|cache|log|keys|console|doctor)/"]],
  ["^src/doctor/", ["^src/(log|console|picker)/"]],
  ["^src/output/", ["^src/config/"]],
].map(([from, to]) => ({ name: `sideways-${from.replace(/\W/g, "")}`, severity: "error", from: { path: from }, to: { path: to } }));

module.exports = {
  forbidden: [
    { name: "no-circular", comment: "a cycle of imports: untangle it", severity: "error", from: {}, to: { circular: true } },
    ...upward,
    ...sideways,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
