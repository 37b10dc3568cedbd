import { describe, expect, test } from "bun:test";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openCacheStore } from "../../src/cache/cacheStore.ts";
import type { Reporter } from "../../src/output/reporter.ts";
import { type CacheSlot, cachedProvider } from "../../src/credentials/cachedProvider.ts";
import type { TemporaryCredentials } from "../../src/credentials/temporaryCredentials.ts";
import { UserError } from "../../src/userError.ts";
import { temporaryFolder } from "../support/temporaryFolder.ts";

const MINUTE = 60_000;
const NOW = new Date("2026-11-24T10:00:00Z");
const quiet: Reporter = { verbose: () => {}, warn: () => {}, notice: () => {}, record: () => {} };

function slot(folder: string, identity = "frank@concerts", lockIdentity = "default+FrankSinatra"): CacheSlot {
  return {
    folder,
    store: openCacheStore(folder),
    identity,
    origin: { profile: "frank@concerts", roleArn: "arn:aws:iam::222222222222:role/SingerRole", sourceProfile: "default", mfaSerial: "arn:aws:iam::111111111111:mfa/FrankSinatra" },
    lock: { identity: lockIdentity, waiting: { timeoutMs: 10_000, onWait: () => {}, timeoutError: () => new Error("lock timeout") } },
  };
}

/** A fetcher that counts its calls and hands out credentials valid for `lifetimeMinutes`. */
function countingFetcher(lifetimeMinutes: number) {
  const fetcher = {
    calls: 0,
    fetch: async (): Promise<TemporaryCredentials> => {
      fetcher.calls++;
      return { accessKeyId: `ASIA${fetcher.calls}`, secretAccessKey: "secret", sessionToken: "token", expiration: new Date(NOW.getTime() + lifetimeMinutes * MINUTE) };
    },
  };
  return fetcher;
}

describe("cachedProvider", () => {
  test("fetches on an empty cache, then answers from the cache", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    const fetcher = countingFetcher(60);
    const first = await cachedProvider(slot(folder), fetcher.fetch, quiet, () => NOW)();
    const second = await cachedProvider(slot(folder), fetcher.fetch, quiet, () => NOW)();
    expect(fetcher.calls).toBe(1);
    expect(second).toEqual(first);
  });

  test("hands out cached credentials with 15 minutes or more left, and fetches below that", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    const fetcher = countingFetcher(60);
    await cachedProvider(slot(folder), fetcher.fetch, quiet, () => NOW)();
    const at = (minutes: number) => () => new Date(NOW.getTime() + minutes * MINUTE);
    await cachedProvider(slot(folder), fetcher.fetch, quiet, at(45))();
    expect(fetcher.calls).toBe(1);
    await cachedProvider(slot(folder), fetcher.fetch, quiet, at(45.01))();
    expect(fetcher.calls).toBe(2);
  });

  test("another identity (changed settings) is a miss", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    const fetcher = countingFetcher(60);
    await cachedProvider(slot(folder, "one"), fetcher.fetch, quiet, () => NOW)();
    await cachedProvider(slot(folder, "two"), fetcher.fetch, quiet, () => NOW)();
    expect(fetcher.calls).toBe(2);
  });

  test("a corrupted entry is a miss and is replaced", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    const fetcher = countingFetcher(60);
    await cachedProvider(slot(folder), fetcher.fetch, quiet, () => NOW)();
    const entry = readdirSync(folder).find((name) => name.endsWith(".entry")) ?? "";
    writeFileSync(join(folder, entry), "garbage");
    const replaced = await cachedProvider(slot(folder), fetcher.fetch, quiet, () => NOW)();
    expect(replaced.accessKeyId).toBe("ASIA2");
    expect((await cachedProvider(slot(folder), fetcher.fetch, quiet, () => NOW)()).accessKeyId).toBe("ASIA2");
    expect(fetcher.calls).toBe(2);
  });

  test("a failing cache write still hands out the credentials, with a warning", async () => {
    const parent = temporaryFolder("vegas-provider-");
    const folder = join(parent, "cache");
    const warnings: string[] = [];
    const fetcher = {
      fetch: async (): Promise<TemporaryCredentials> => {
        // The folder disappears between preparing the cache and writing the entry.
        (await import("node:fs")).rmSync(folder, { recursive: true });
        return { accessKeyId: "ASIA1", secretAccessKey: "secret", sessionToken: "token", expiration: new Date(NOW.getTime() + 60 * MINUTE) };
      },
    };
    const credentials = await cachedProvider(slot(folder), fetcher.fetch, { ...quiet, warn: (message) => warnings.push(message) }, () => NOW)();
    expect(credentials.accessKeyId).toBe("ASIA1");
    expect(warnings.join()).toContain("could not save credentials in the cache");
    expect(warnings.join()).not.toContain("secret");
  });

  test("parallel misses behind one MFA device fetch once; the others answer from the cache", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    let calls = 0;
    const slowFetch = async (): Promise<TemporaryCredentials> => {
      calls++;
      await Bun.sleep(200);
      return { accessKeyId: `ASIA${calls}`, secretAccessKey: "secret", sessionToken: "token", expiration: new Date(NOW.getTime() + 60 * MINUTE) };
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => cachedProvider(slot(folder), slowFetch, quiet, () => NOW)()));
    expect(calls).toBe(1);
    expect(new Set(results.map((each) => each.accessKeyId))).toEqual(new Set(["ASIA1"]));
  });

  test("different roles behind one device take turns, each fetching once", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    let running = 0;
    let overlapped = false;
    const fetcherFor = (role: string) => async (): Promise<TemporaryCredentials> => {
      running++;
      overlapped ||= running > 1;
      await Bun.sleep(100);
      running--;
      return { accessKeyId: `ASIA${role}`, secretAccessKey: "secret", sessionToken: "token", expiration: new Date(NOW.getTime() + 60 * MINUTE) };
    };
    const runs = ["A", "B", "A", "B"].map((role) => cachedProvider(slot(folder, role), fetcherFor(role), quiet, () => NOW)());
    expect((await Promise.all(runs)).map((each) => each.accessKeyId)).toEqual(["ASIAA", "ASIAB", "ASIAA", "ASIAB"]);
    expect(overlapped).toBe(false);
  });

  test("roles behind different devices do not wait on each other", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    let running = 0;
    let overlapped = false;
    const fetch = async (): Promise<TemporaryCredentials> => {
      running++;
      overlapped ||= running > 1;
      await Bun.sleep(200);
      running--;
      return { accessKeyId: "ASIA1", secretAccessKey: "secret", sessionToken: "token", expiration: new Date(NOW.getTime() + 60 * MINUTE) };
    };
    await Promise.all([
      cachedProvider(slot(folder, "work-role", "work+device"), fetch, quiet, () => NOW)(),
      cachedProvider(slot(folder, "hobby-role", "hobby+device"), fetch, quiet, () => NOW)(),
    ]);
    expect(overlapped).toBe(true);
  });

  test("when the run that asked fails, the runs that waited for it fail the same way instead of asking again", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    let calls = 0;
    const failingFetch = async (): Promise<TemporaryCredentials> => {
      calls++;
      await Bun.sleep(200);
      throw new UserError('profile "frank@concerts": STS rejected the MFA code');
    };
    // Each provider stands for a run of its own, started now (in a process of its own, its start time).
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => cachedProvider(slot(folder), failingFetch, quiet, () => NOW, started)()));
    expect(calls).toBe(1);
    const lines = results.map((result) => (result.status === "rejected" ? (result.reason as Error).message : "fulfilled"));
    // The run that asked says what STS said; the four that waited say it is that run's failure, and how to retry.
    expect(lines.filter((line) => line === 'profile "frank@concerts": STS rejected the MFA code')).toHaveLength(1);
    for (const line of lines.filter((each) => each !== 'profile "frank@concerts": STS rejected the MFA code')) {
      expect(line).toMatch(/^profile "frank@concerts": STS rejected the MFA code \(the failure of another run \d+ s ago, which this run waited for: run the command again to retry now\)$/);
    }
    // A run that starts afterwards asks again.
    const fetcher = countingFetcher(60);
    expect((await cachedProvider(slot(folder), fetcher.fetch, quiet, () => NOW, Date.now())()).accessKeyId).toBe("ASIA1");
    expect(fetcher.calls).toBe(1);
  });

  test("a failure of this machine's clock is not remembered: the runs that waited try for themselves", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    let calls = 0;
    const clockFailure = async (): Promise<TemporaryCredentials> => {
      calls++;
      await Bun.sleep(100);
      throw new UserError('profile "frank@concerts": STS says this machine\'s clock is off', 1, false);
    };
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 3 }, () => cachedProvider(slot(folder), clockFailure, quiet, () => NOW, started)()));
    expect(calls).toBe(3);
    expect(results.map((result) => (result.status === "rejected" ? (result.reason as Error).message : "fulfilled"))).toEqual(Array(3).fill('profile "frank@concerts": STS says this machine\'s clock is off'));
    expect(readdirSync(folder).filter((name) => name.endsWith(".failed"))).toEqual([]);
  });

  test("a failure note dated in the future by this machine's clock is void (written while the clock ran ahead)", async () => {
    const folder = join(temporaryFolder("vegas-provider-"), "cache");
    const failing = async (): Promise<TemporaryCredentials> => {
      throw new UserError('profile "frank@concerts": role denied');
    };
    await expect(cachedProvider(slot(folder), failing, quiet, () => NOW, Date.now())()).rejects.toThrow("role denied");
    const store = await openCacheStore(folder);
    if (store === undefined) throw new Error("no cache");
    const { writeFailureNote } = await import("../../src/cache/failureNotes.ts");
    await writeFailureNote(store, "frank@concerts", { at: Date.now() + 2 * 3600_000, message: 'profile "frank@concerts": role denied', profile: "frank@concerts" });
    // A run that began before the note's date, as every run does once the clock is set back right.
    const fetcher = countingFetcher(60);
    expect((await cachedProvider(slot(folder), fetcher.fetch, quiet, () => NOW, Date.now() - 1000)()).accessKeyId).toBe("ASIA1");
    expect(fetcher.calls).toBe(1);
  });
});
