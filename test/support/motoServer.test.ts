import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { portIsOpen } from "./freePort.ts";
import { startMotoServer } from "./motoServer.ts";
import { temporaryFolder } from "./temporaryFolder.ts";

// bun test ignores a timeout in bunfig.toml; moto_server takes ~1 s to start, up to 20 s on a busy machine.
setDefaultTimeout(30_000);

/** Command lines of the processes still running `moto_server ... -p PORT`. */
function motoProcesses(port: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      if (commandLine.includes("moto_server") && commandLine.includes(` -p ${port}`)) found.push(`${pid}: ${commandLine}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

describe("startMotoServer", () => {
  test("serves STS on a free port, and stop() leaves no process and no open port behind", async () => {
    const moto = await startMotoServer();
    const port = new URL(moto.url).port;
    try {
      expect(moto.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(motoProcesses(port).length).toBeGreaterThan(0);
      const source = new STSClient({ region: "us-east-1", endpoint: moto.url, credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "anything" } });
      const assumed = await source.send(
        new AssumeRoleCommand({
          RoleArn: "arn:aws:iam::222222222222:role/team/app/SingerRole",
          RoleSessionName: "SinatraAtTheSands",
          SerialNumber: "arn:aws:iam::111111111111:mfa/FrankSinatra",
          TokenCode: "123456",
        }),
      );
      const credentials = assumed.Credentials;
      expect(credentials?.AccessKeyId).toStartWith("ASIA");
      const asRole = new STSClient({
        region: "us-east-1",
        endpoint: moto.url,
        credentials: { accessKeyId: credentials?.AccessKeyId ?? "", secretAccessKey: credentials?.SecretAccessKey ?? "", sessionToken: credentials?.SessionToken ?? "" },
      });
      const identity = await asRole.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe("arn:aws:sts::222222222222:assumed-role/SingerRole/SinatraAtTheSands");
    } finally {
      await moto.stop();
    }
    expect(await portIsOpen(Number(port))).toBe(false);
    expect(motoProcesses(port)).toEqual([]);
  });

  test("two servers run side by side on different ports", async () => {
    const [first, second] = await Promise.all([startMotoServer(), startMotoServer()]);
    try {
      expect(first.url).not.toBe(second.url);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  test("a test process that dies without stop() takes the server with it", async () => {
    const dir = temporaryFolder("moto-orphan-");
    try {
      const script = join(dir, "abandon.ts");
      writeFileSync(
        script,
        `import { startMotoServer } from ${JSON.stringify(join(import.meta.dir, "motoServer.ts"))};
const moto = await startMotoServer();
await Bun.write(Bun.stdout, moto.url + "\\n");
process.kill(process.pid, "SIGKILL");
`,
      );
      const child = Bun.spawn([process.execPath, script], { stdout: "pipe" });
      const port = new URL((await new Response(child.stdout).text()).trim()).port;
      await child.exited;
      const deadline = Date.now() + 10_000;
      while (motoProcesses(port).length > 0 && Date.now() < deadline) await Bun.sleep(100);
      expect(motoProcesses(port)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("without moto_server on PATH it says so", async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(startMotoServer()).rejects.toThrow("moto_server is not on PATH");
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
