/**
 * Code that only a cache miss or a command other than `assume` needs. build.ts compiles each of these as its
 * own entrypoint of the binary, and import() with a computed specifier keeps the bundler from inlining them,
 * so a cache hit never loads their bytes (the AWS SDK and yargs alone are ~600 KB of the bundle).
 * The specifiers are relative to this file, which sits next to main.ts: the same base in the binary (where
 * every entrypoint keeps its path under src/) as in the source tree.
 */
export const LAZY_ENTRYPOINTS = ["src/credentials/fetchRoleCredentials.ts", "src/cli/yargsProgram.ts", "src/commands/consoleLogin.ts", "src/commands/chooseProfile.ts"] as const;

export const loadFetchRoleCredentials = () => load<typeof import("./credentials/fetchRoleCredentials.ts")>("./credentials/fetchRoleCredentials.ts");

/** `login` (the browsers, their profile folders, the sign-in URL): nothing of it belongs in a cache hit. */
export const loadConsoleLogin = () => load<typeof import("./commands/consoleLogin.ts")>("./commands/consoleLogin.ts");

/** The profile picker (exec, export, login and serve without --profile). */
export const loadChooseProfile = () => load<typeof import("./commands/chooseProfile.ts")>("./commands/chooseProfile.ts");

export const loadYargsProgram = () => load<typeof import("./cli/yargsProgram.ts")>("./cli/yargsProgram.ts");

function load<Module>(specifier: string): Promise<Module> {
  return import(specifier) as Promise<Module>;
}
