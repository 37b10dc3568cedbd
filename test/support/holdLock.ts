/** `bun test/support/holdLock.ts PATH [kernel|exclusive-create]`: takes the lock, says "held", keeps it until killed. */
import { acquireLock } from "../../src/cache/fileLock.ts";

const [path, strategy = "kernel"] = process.argv.slice(2);
if (path === undefined) throw new Error("usage: holdLock.ts PATH [kernel|exclusive-create]");
await acquireLock(path, { timeoutMs: 30_000, onWait: () => {}, timeoutError: () => new Error("timeout") }, strategy === "kernel" ? undefined : null);
console.log("held");
await Bun.sleep(600_000);
