import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { escapeKeyName, keyringFiles, openCompactJwe, unescapeKeyName } from "../../src/keys/keyringFiles.ts";
import { awsCredentialsJson, keyringItemJson } from "../support/otherToolKeyring.ts";
import { removeFolder, temporaryFolder } from "../support/temporaryFolder.ts";

const KEY = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
let folder: string | undefined;
afterEach(() => {
  if (folder !== undefined) removeFolder(folder);
  folder = undefined;
});

/** A file written by test/support/keyringFile.py, as the keyring library writes it. */
function plant(key: string, itemJson: string, passphrase = "pass phrase"): string {
  folder ??= temporaryFolder("keyring-files-");
  const written = Bun.spawnSync(["python3", join(import.meta.dir, "..", "support", "keyringFile.py"), folder, passphrase, key], { stdin: new TextEncoder().encode(itemJson), stderr: "pipe", timeout: 20_000 });
  if (written.exitCode !== 0) throw new Error(written.stderr.toString());
  return join(folder, escapeKeyName(key));
}

const b64url = (text: string) => Buffer.from(text).toString("base64url");

describe("key file names, as mtibben/percent writes them", () => {
  test("/ and % are escaped, nothing else; names come back", () => {
    expect(escapeKeyName("team/dev%1 é")).toBe("team%2Fdev%251 é");
    for (const name of ["team/dev%1 é", "plain", "a%zz", "%"]) expect(unescapeKeyName(escapeKeyName(name))).toBe(name);
    expect(unescapeKeyName("a%2f%41")).toBe("a/A");
  });
});

describe("keyringFiles and openCompactJwe", () => {
  test("reads the key sealed by another implementation, asks the passphrase once, lists names", async () => {
    plant("team/dev", keyringItemJson("team/dev", awsCredentialsJson(KEY)));
    let asked = 0;
    const files = keyringFiles(folder ?? "", async () => {
      asked += 1;
      return "pass phrase";
    }, "aws-vault (its file backend)", "AWS_VAULT_FILE_PASSPHRASE");
    expect(files.keys()).toEqual(["team/dev"]);
    expect(await files.read("team/dev")).toEqual({ key: { accessKeyId: KEY.id, secretAccessKey: KEY.secret } });
    expect(await files.read("other")).toBeUndefined();
    // Names that are no file of the library's: never a folder read as a key.
    for (const name of [".", "..", ""]) expect(await files.read(name)).toBeUndefined();
    expect(await files.read("team/dev")).toEqual({ key: { accessKeyId: KEY.id, secretAccessKey: KEY.secret } });
    expect(asked).toBe(1);
  });

  test("a wrong passphrase, a damaged tag, another algorithm, compression and a work factor past jose2go's limit are refused", async () => {
    const path = plant("frank", keyringItemJson("frank", awsCredentialsJson(KEY)));
    const token = readFileSync(path, "utf8");
    await expect(openCompactJwe(token, "wrong")).rejects.toThrow();
    const wrong = keyringFiles(folder ?? "", async () => "wrong", "aws-vault (its file backend)", "AWS_VAULT_FILE_PASSPHRASE");
    await expect(wrong.read("frank")).rejects.toThrow(`aws-vault (its file backend): the passphrase given does not open ${path} (or its key part is damaged): type the one that opens it, or set AWS_VAULT_FILE_PASSPHRASE to it`);

    const parts = token.split(".");
    const tag = Buffer.from(parts[4] ?? "", "base64url");
    tag[0] = (tag[0] ?? 0) ^ 1;
    await expect(openCompactJwe([...parts.slice(0, 4), tag.toString("base64url")].join("."), "pass phrase")).rejects.toThrow("its content does not match its tag (damaged)");

    const header = JSON.parse(Buffer.from(parts[0] ?? "", "base64url").toString());
    const withHeader = (change: Record<string, unknown>) => [b64url(JSON.stringify({ ...header, ...change })), ...parts.slice(1)].join(".");
    await expect(openCompactJwe(withHeader({ alg: "PBES2-HS512+A256KW" }), "pass phrase")).rejects.toThrow("it is sealed with PBES2-HS512+A256KW and A256GCM, not PBES2-HS256+A128KW and A256GCM");
    await expect(openCompactJwe(withHeader({ zip: "DEF" }), "pass phrase")).rejects.toThrow("it is compressed");
    await expect(openCompactJwe(withHeader({ p2c: 50_000_000 }), "pass phrase")).rejects.toThrow("its p2c is not a count of iterations up to 1,300,000");
    await expect(openCompactJwe("a.b.c", "pass phrase")).rejects.toThrow("not a compact JWE (five parts)");
    writeFileSync(path, "not a token");
    await expect(keyringFiles(folder ?? "", async () => "pass phrase", "aws-vault (its file backend)", "AWS_VAULT_FILE_PASSPHRASE").read("frank")).rejects.toThrow(`aws-vault (its file backend): ${path} is not a file this tool can read (not a compact JWE (five parts))`);
  });
});
