/**
 * `login` with vegas_browser, proven in a real browser: Debian's Chromium, headless, started by the binary in a
 * user-data folder of its own per profile, driven over the DevTools protocol against the sign-in stand-in
 * (which keeps one console session per browser, as the console does). Screenshots of the signed-in pages go to
 * dist/test-artifacts/ (CI keeps them). Firefox: the container URL handed to a stand-in `firefox`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { countingCodeProgram } from "../support/codeProgram.ts";
import { CHROMIUM, DevTools, headlessChromiumWrapper } from "../support/devTools.ts";
import { type FederationDouble, startFederationDouble } from "../support/federationDouble.ts";
import { BINARY, MFA_SERIAL, ROOT, Sandbox, ensureBinary, startAnyRoleSts } from "../support/sandbox.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";
import type { StsDouble } from "../support/stsDouble.ts";

const ARTIFACTS = join(ROOT, "dist", "test-artifacts");
const SINGER = "arn:aws:iam::222222222222:role/SingerRole";
const ACTOR = "arn:aws:iam::333333333333:role/ActorRole";
let sts: StsDouble;
let signin: FederationDouble;
let sandbox: Sandbox;
const browsers: { tools: DevTools; folder: string }[] = [];
/** Each sandbox's codes start elsewhere: the STS stand-in takes a code once per device. */
let firstCode = 610_000;
const nextFirstCode = () => {
  firstCode += 1_000;
  return firstCode;
};

beforeAll(async () => {
  ensureBinary();
  sts = await startAnyRoleSts({ maxSessionDuration: 43_200 });
  signin = startFederationDouble(sts);
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  signin?.stop();
  await sts?.stop();
});
afterEach(async () => {
  for (const { tools, folder } of browsers.splice(0)) await tools.close(folder).catch(() => {});
  sandbox?.remove();
});

/** Two role profiles of two accounts behind one source; `browser` gives vegas_browser on the source (or none). */
function newSandbox(browser: (bin: string) => string | undefined): { state: string; bin: string } {
  sandbox = new Sandbox("");
  const bin = join(sandbox.home, "bin");
  mkdirSync(bin);
  const program = countingCodeProgram(sandbox, nextFirstCode());
  const role = (name: string, arn: string) => `[profile ${name}]\ncredential_process = ${BINARY} assume --profile=${name}\nvegas_role_arn = ${arn}\nvegas_source_profile = default\nregion = us-west-1\nendpoint_url = ${sts.url}\n`;
  const setting = browser(bin);
  sandbox.writeConfig(`[default]\nmfa_serial = ${MFA_SERIAL}\nvegas_mfa_process = ${program.path}\n${setting === undefined ? "" : `vegas_browser = ${setting}\n`}\n${role("frank@concerts", SINGER)}\n${role("frank@movies", ACTOR)}`);
  const state = join(sandbox.home, "state");
  Object.assign(sandbox.env, { VEGAS_CREDENTIALS_SIGNIN_URL: signin.url, XDG_STATE_HOME: state });
  return { state: join(state, "vegas-credentials"), bin };
}

describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== "true")("login in a browser profile of its own", () => {
  async function login(profile: string, ...options: string[]) {
    const result = await sandbox.run([BINARY, "login", "-p", profile, ...options]);
    if (result.exitCode !== 0) throw new Error(`login -p ${profile} failed: ${result.stderr}`);
    expect(result.stdout).toBe("");
    // The sign-in URL (and its token) is never on stderr.
    expect(result.stderr).not.toContain("SigninToken");
    expect(result.stderr).not.toContain("/federation");
    return result;
  }

  async function browserOn(folder: string): Promise<DevTools> {
    const tools = await DevTools.of(folder);
    browsers.push({ tools, folder });
    return tools;
  }

  /** What the browser's own session is, as the stand-in's /whoami page shows it in a new page of that browser. */
  async function whoami(tools: DevTools): Promise<string> {
    const page = await tools.page(/federation|oauth|whoami/);
    try {
      await page.navigate(`${signin.url}/whoami`);
      return await page.waitForText(/console session|no console session/);
    } finally {
      page.close();
    }
  }

  test("two roles side by side: each browser profile shows its own role, and its jar holds only its own session", async () => {
    const { state, bin } = newSandbox((bin) => headlessChromiumWrapper(bin));
    const concerts = await login("frank@concerts");
    expect(concerts.stderr).toContain(`opened the AWS console as ${SINGER} (profile "frank@concerts", us-west-1) in`);
    await login("frank@movies");

    const folders = { concerts: join(state, "console", "chromium-headless", "frank@concerts"), movies: join(state, "console", "chromium-headless", "frank@movies") };
    for (const folder of Object.values(folders)) expect(lstatSync(folder).mode & 0o777).toBe(0o700);
    const concertsBrowser = await browserOn(folders.concerts);
    const moviesBrowser = await browserOn(folders.movies);

    const concertsPage = await concertsBrowser.page(/federation/);
    expect(await concertsPage.waitForText(/signed in as/)).toContain("signed in as arn:aws:sts::222222222222:assumed-role/SingerRole/");
    await concertsPage.screenshot(join(ARTIFACTS, "login-frank@concerts.png"));
    concertsPage.close();
    const moviesPage = await moviesBrowser.page(/federation/);
    expect(await moviesPage.waitForText(/signed in as/)).toContain("signed in as arn:aws:sts::333333333333:assumed-role/ActorRole/");
    await moviesPage.screenshot(join(ARTIFACTS, "login-frank@movies.png"));
    moviesPage.close();

    // Each jar holds one console session, its own; the first survived the second sign-in.
    for (const browser of [concertsBrowser, moviesBrowser]) expect((await browser.cookies()).filter((cookie) => cookie.name === "console-session")).toHaveLength(1);
    expect(await whoami(concertsBrowser)).toContain("console session of arn:aws:sts::222222222222:assumed-role/SingerRole/");
    expect(await whoami(moviesBrowser)).toContain("console session of arn:aws:sts::333333333333:assumed-role/ActorRole/");

    // The URL is nowhere in the log; each browser got it as one argument, after its own profile folder.
    const log = readFileSync(join(state, "application.log"), "utf8");
    expect(log).not.toContain("SigninToken");
    const argvs = readdirSync(bin).filter((name) => name.startsWith("chromium-argv")).map((name) => readFileSync(join(bin, name), "utf8").trimEnd().split("\n"));
    expect(argvs.map((argv) => argv.slice(0, 3)).sort()).toEqual([
      [`--user-data-dir=${folders.concerts}`, "--no-first-run", "--no-default-browser-check"],
      [`--user-data-dir=${folders.movies}`, "--no-first-run", "--no-default-browser-check"],
    ]);
    // Not the URL itself (a credential, readable in ps for as long as the browser runs): a 0600 page in the folder.
    for (const argv of argvs) {
      expect(argv).toHaveLength(4);
      expect(argv[3]).toStartWith("file:///");
      expect(argv.join(" ")).not.toContain("SigninToken");
    }

    // show-profile names the browser and the folder login uses.
    const shown = await sandbox.run([BINARY, "config", "show-profile", "-p", "frank@concerts"]);
    expect(shown.stdout).toMatch(/vegas_browser_profile\s+frank@concerts\s+default \(the AWS profile's name\)/);
    expect(shown.stdout).toContain(folders.concerts);
  });

  test("--logout-first in one browser profile: the new role replaces the old one, which the console would otherwise refuse", async () => {
    const { state } = newSandbox((bin) => headlessChromiumWrapper(bin));
    const folder = join(state, "console", "chromium-headless", "shared");
    await login("frank@concerts", "--browser-profile", "shared");
    let tools = await browserOn(folder);
    expect(await whoami(tools)).toContain("SingerRole");
    // A headless browser does not hand a URL to one already running on its folder: close it (its cookies kept).
    await tools.close(folder);
    browsers.pop();

    await login("frank@movies", "--browser-profile", "shared");
    tools = await browserOn(folder);
    const refused = await tools.page(/federation/);
    expect(await refused.waitForText(/log out|signed in/)).toContain("You must first log out before logging into a different AWS account.");
    refused.close();
    await tools.close(folder);
    browsers.pop();

    await login("frank@movies", "--browser-profile", "shared", "--logout-first");
    tools = await browserOn(folder);
    const page = await tools.page(/federation/);
    expect(await page.waitForText(/signed in as/)).toContain("ActorRole");
    page.close();
    expect(await whoami(tools)).toContain("console session of arn:aws:sts::333333333333:assumed-role/ActorRole/");
    expect((await tools.cookies()).filter((cookie) => cookie.name === "console-session")).toHaveLength(1);
  });

  test.skipIf(process.getuid?.() !== 0)("a profile folder that belongs to another user is refused before any browser starts", async () => {
    const { state, bin } = newSandbox((bin) => headlessChromiumWrapper(bin));
    const folder = join(state, "console", "chromium-headless", "frank@concerts");
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chownSync(folder, 65534, 65534);
    const result = await sandbox.run([BINARY, "login", "-p", "frank@concerts"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`vegas-credentials: browser profile folder of "frank@concerts" ${folder} belongs to another user (uid 65534): remove it or set XDG_STATE_HOME to a folder of yours\n`);
    expect(readdirSync(bin).filter((name) => name.startsWith("chromium-argv"))).toEqual([]);
  });

  test("a profile folder that is a symbolic link is refused before any browser starts", async () => {
    const { state, bin } = newSandbox((bin) => headlessChromiumWrapper(bin));
    mkdirSync(join(state, "console", "chromium-headless"), { recursive: true, mode: 0o700 });
    mkdirSync(join(sandbox.home, "elsewhere"));
    symlinkSync(join(sandbox.home, "elsewhere"), join(state, "console", "chromium-headless", "frank@concerts"));
    const result = await sandbox.run([BINARY, "login", "-p", "frank@concerts"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    // Refused before a code is asked for: the code program never ran.
    expect(result.stderr).toBe(`vegas-credentials: browser profile folder of "frank@concerts" ${join(state, "console", "chromium-headless", "frank@concerts")} is a symbolic link: replace it with a folder of your own (mkdir -m 700) or set XDG_STATE_HOME elsewhere\n`);
    expect(readdirSync(bin).filter((name) => name.startsWith("chromium-argv"))).toEqual([]);
  });
});

test("Firefox: the container add-on's URL, one argument, handed to firefox", async () => {
  const argvFile = join(temporaryFolder("firefox-argv-"), "argv");
  newSandbox((bin) => {
    writeFileSync(join(bin, "firefox"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${argvFile}"\n`);
    chmodSync(join(bin, "firefox"), 0o755);
    return join(bin, "firefox");
  });
  const result = await sandbox.run([BINARY, "login", "-p", "frank@concerts", "--service", "s3"]);
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toContain('in Firefox, container "frank@concerts" (if Firefox asks what to do with the link, install the "Open external links in a container" add-on: addons.mozilla.org/firefox/addon/open-url-in-container)');
  const argv = readFileSync(argvFile, "utf8").trimEnd().split("\n");
  expect(argv).toHaveLength(1);
  const [scheme, rest] = [argv[0]?.slice(0, "ext+container:".length), argv[0]?.slice("ext+container:".length) ?? ""];
  expect(scheme).toBe("ext+container:");
  const query = new URLSearchParams(rest);
  expect(query.get("name")).toBe("frank@concerts");
  const signInUrl = new URL(query.get("url") ?? "");
  expect(`${signInUrl.origin}${signInUrl.pathname}`).toBe(`${signin.url}/federation`);
  expect(signInUrl.searchParams.get("Destination")).toBe("https://us-west-1.console.aws.amazon.com/s3/home?region=us-west-1");
});

test("the default browser keeps one console session: the second profile's sign-in says it met the first's", async () => {
  const { bin } = newSandbox(() => undefined);
  writeFileSync(join(bin, "xdg-open"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(bin, "xdg-open"), 0o755);
  sandbox.env.PATH = `${bin}:${sandbox.env.PATH}`;
  const first = await sandbox.run([BINARY, "login", "-p", "frank@concerts"]);
  expect(first.exitCode).toBe(0);
  expect(first.stderr).not.toContain("keeps one console session");
  const again = await sandbox.run([BINARY, "login", "-p", "frank@concerts"]);
  expect(again.stderr).not.toContain("keeps one console session");
  const second = await sandbox.run([BINARY, "login", "-p", "frank@movies"]);
  expect(second.exitCode).toBe(0);
  // Another account: the console would refuse it over the first one's session.
  expect(second.stderr).toContain(`vegas-credentials: your default browser keeps one console session, and it is profile "frank@concerts"'s, of another account: if the console refuses this sign-in, run login again with --logout-first. To keep profiles side by side, set vegas_browser (chrome, chromium, brave, edge or firefox) on them`);
  // show-profile says which browser login opens, and where.
  const shown = await sandbox.run([BINARY, "config", "show-profile", "-p", "frank@movies"]);
  expect(shown.stdout).toMatch(/vegas_browser\s+-\s+default: login opens your default browser/);
});
