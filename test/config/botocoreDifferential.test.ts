/**
 * The config file read by this tool and by botocore (what the AWS CLI acts on), side by side: a corpus of
 * tricky files, then files generated from a seeded mix of the lines that trip INI readers. Both must find the
 * same profiles with the same settings, or both refuse the file.
 */
import { describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readConfigFile } from "../../src/config/readConfigFile.ts";
import { isUserError } from "../../src/userError.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const READER = join(import.meta.dir, "../support/botocoreProfiles.py");

/** A python3 that has botocore: the one on PATH (the AWS CLI's), else Debian's. CI installs it. */
function pythonWithBotocore(): string | undefined {
  for (const python of ["python3", "/usr/bin/python3"]) {
    if (Bun.spawnSync([python, "-c", "import botocore"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0) return python;
  }
  return undefined;
}

type Reading = { profiles: Record<string, Record<string, string>> } | { error: string };

function readWithBotocore(texts: readonly string[]): Reading[] {
  const python = pythonWithBotocore();
  if (python === undefined) throw new Error("no python3 with botocore: .ci/run installs python3-botocore");
  const folder = temporaryFolder("vegas-botocore-");
  try {
    const paths = texts.map((text, index) => {
      const path = join(folder, `config-${index}`);
      writeFileSync(path, text);
      return path;
    });
    const run = Bun.spawnSync([python, READER, ...paths], { stdout: "pipe", stderr: "pipe" });
    if (run.exitCode !== 0) throw new Error(`botocoreProfiles.py failed: ${run.stderr.toString()}`);
    return run.stdout.toString().trimEnd().split("\n").map((line) => JSON.parse(line) as Reading);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Through readConfigFile, as the binary reads a file (its bytes decoded as botocore decodes them). */
function readWithUs(text: string): Reading {
  const folder = temporaryFolder("vegas-ours-");
  try {
    writeFileSync(join(folder, "config"), text);
    return { profiles: Object.fromEntries([...readConfigFile(join(folder, "config")).profiles].map(([name, settings]) => [name, { ...settings }])) };
  } catch (error) {
    if (isUserError(error)) return { error: "refused" };
    throw error;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Botocore's error class is its business; what must agree is that both refuse. */
const outcome = (reading: Reading) => ("error" in reading ? { refused: true } : reading);

const CORPUS: Record<string, string> = {
  "a comment after a section header does not hide it": "[profile dev]\nvegas_role_arn = arn:aws:iam::111111111111:role/Dev\n[profile prod]   # production\nvegas_role_arn = arn:aws:iam::999999999999:role/Prod\n",
  "a ; comment after a header": "[profile a] ; note\nregion = eu-west-1\n",
  "a # inside a value is part of it": "[profile a]\nexternal_id = abc#def;ghi\nregion = us-east-1 # not a comment\n",
  "nested sub-keys belong to their block, never to the profile": "[profile a]\nendpoint_url = https://sts.example.com\nregion = eu-west-1\ns3 =\n  endpoint_url = http://evil\n  region = us-east-1\n  vegas_role_arn = arn:aws:iam::999999999999:role/Evil\nvegas_source_profile = default\n",
  "quoted profile names lose their quotes": '[profile "quoted name"]\nregion = eu-west-1\n[profile \'single\']\nregion = us-east-2\n',
  "key: value, and keys in capitals": "[profile a]\nRegion: eu-west-1\nVEGAS_ROLE_ARN = arn:aws:iam::1:role/x\n",
  "an indented line continues the value above it": "[profile a]\nregion = us-west-1\n  endpoint_url = http://evil\n",
  "a blank line inside a continued value": "[profile a]\ncredential_process = a\n\n  b\nregion = x\n",
  "[DEFAULT] gives its keys to every section": "[DEFAULT]\nregion = eu-central-1\n[profile a]\nmfa_serial = x\n[profile b]\nregion = us-east-1\n",
  "a header ends at its last ]": "[profile a] # see [docs]\nregion = x\n[profile b]]\nregion = y\n",
  "sections that are not profiles": "[sso-session s]\nsso_region = eu-west-1\n[services s3]\ns3 =\n  endpoint_url = x\n[plugins]\nx = y\n[profile]\nregion = z\n[profilex y]\nregion = w\n[profile a b]\nregion = v\n",
  "CRLF and CR line ends": "[profile a]\r\nregion = eu-west-1\r\n[profile b]\rregion = us-east-1\r",
  "a duplicate section is refused": "[profile a]\nregion = x\n[profile a]\nregion = y\n",
  "a duplicate key is refused": "[profile a]\nregion = x\nREGION = y\n",
  "a setting before any section is refused": "region = x\n[profile a]\n",
  "a line that is not key = value is refused": "[profile a]\njust words\n",
  "a nested line without = is refused": "[profile a]\ns3 =\n  not a setting\n",
  "later [profile default] replaces [default]": "[default]\nregion = a\n[profile default]\nregion = b\n",
  "empty values and values of spaces": "[profile a]\nregion =\nexternal_id =    \nrole_session_name = x\n",
  "tabs and odd spacing": "\t[profile a]\t\n\tregion\t=\teu-west-1\t\n",
  "keys named like JavaScript's object internals": "[profile a]\nconstructor = x\n__proto__ = y\ntoString = z\nregion = eu-west-1\n",
  "a no-break space inside a profile name is part of it": "[profile my\u00a0name]\nregion = x\n",
  "a byte order mark before the first section": "\ufeff[default]\nregion = x\n",
  "a bad line in the nested block of a section that is not a profile": "[services s]\nsts =\n  bad line\n[profile a]\nregion = x\n",
  "escapes and quotes in shell words": "[profile a\\ b]\nregion = x\n[profile \"c\\\"d\"]\nregion = y\n[profile \"unclosed]\nregion = z\n",
};

describe("the config file as botocore reads it", () => {
  const texts = Object.values(CORPUS);
  const botocore = readWithBotocore(texts);
  test.each(Object.keys(CORPUS).map((name, index) => [name, index] as const))("%s", (_name, index) => {
    const text = texts[index] ?? "";
    expect(outcome(readWithUs(text))).toEqual(outcome(botocore[index] ?? { error: "missing" }));
  });

  test("300 generated files: the same profiles and settings, or both refuse", () => {
    const generated = Array.from({ length: 300 }, (_, index) => generatedConfig(index + 1));
    const theirs = readWithBotocore(generated);
    const mismatches = generated.filter((text, index) => !Bun.deepEquals(outcome(readWithUs(text)), outcome(theirs[index] ?? { error: "missing" })));
    expect(mismatches.slice(0, 3)).toEqual([]);
    // The generator must reach both kinds of file, or the comparison proves little.
    const refused = theirs.filter((reading) => "error" in reading).length;
    expect(refused).toBeGreaterThan(20);
    expect(refused).toBeLessThan(280);
  });
});

/** A config file from a seeded mix of the lines INI readers disagree on. */
function generatedConfig(seed: number): string {
  let state = seed * 2654435761;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const names = ["dev", "prod", "a.b", "x-y", "default", "q r"];
  const keys = ["region", "vegas_role_arn", "external_id", "s3", "Endpoint_Url", "mfa_serial", "duration_seconds"];
  const values = ["eu-west-1", "abc#def", "a;b", "x # y", "v ; w", "a=b", "a:b", '"q"', "", "  spaced  ", "arn:aws:iam::1:role/r"];
  const header = () =>
    pick([
      () => `[profile ${pick(names)}]`,
      () => `[profile "${pick(names)}"]`,
      () => `[profile ${pick(names)}]   # ${pick(values)}`,
      () => `[profile ${pick(names)}] ; note`,
      () => "[default]",
      () => "[DEFAULT]",
      () => `[ profile ${pick(names)} ]`,
      () => `[profile${pick(names)}]`,
      () => `[sso-session ${pick(names)}]`,
    ])();
  const line = () =>
    pick([
      () => `${pick(keys)} = ${pick(values)}`,
      () => `${pick(keys)}=${pick(values)}`,
      () => `${pick(keys)}: ${pick(values)}`,
      () => `${pick(keys)} =`,
      () => `  ${pick(keys)} = ${pick(values)}`,
      () => `\t${pick(keys)} = ${pick(values)}`,
      () => `# ${pick(values)}`,
      () => `; ${pick(values)}`,
      () => `   # indented comment`,
      () => "",
      () => "not a setting",
      () => header(),
    ])();
  const lines = [header()];
  const count = 2 + Math.floor(random() * 10);
  for (let index = 0; index < count; index++) lines.push(line());
  return lines.join(random() < 0.2 ? "\r\n" : "\n") + (random() < 0.8 ? "\n" : "");
}
