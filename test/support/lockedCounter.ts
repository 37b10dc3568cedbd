/**
 * `bun test/support/lockedCounter.ts LOCK COUNTER TIMES [kernel|exclusive-create]`: TIMES times, takes the lock,
 * reads the number in COUNTER, yields, writes it plus one, releases. Lost updates mean the lock let two in.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { acquireLock } from "../../src/cache/fileLock.ts";

const [lock, counter, times, strategy = "kernel"] = process.argv.slice(2);
if (lock === undefined || counter === undefined || times === undefined) throw new Error("usage: lockedCounter.ts LOCK COUNTER TIMES [kernel|exclusive-create]");
const waiting = { timeoutMs: 60_000, onWait: () => {}, timeoutError: () => new Error("lockedCounter: waited 60 s for the lock") };
for (let round = 0; round < Number(times); round++) {
  const held = await acquireLock(lock, waiting, strategy === "kernel" ? undefined : null);
  const value = Number(readFileSync(counter, "utf8"));
  await Bun.sleep(0);
  writeFileSync(counter, String(value + 1));
  held.release();
}
