/**
 * `bun test/support/cacheWriter.ts FOLDER IDENTITY`: writes role-credential entries for IDENTITY through the
 * real cache code, one after another without end, printing "wrote N" after each; the crash-injection test
 * kills it at random moments.
 */
import { prepareCacheStore } from "../../src/cache/cacheStore.ts";
import { writeEntry } from "../../src/cache/cacheEntries.ts";
import { encodeEntry } from "../../src/credentials/cachedEntry.ts";

const [folder, identity] = process.argv.slice(2);
if (folder === undefined || identity === undefined) throw new Error("usage: cacheWriter.ts FOLDER IDENTITY");
const store = await prepareCacheStore(folder, (message) => console.error(message));
const origin = { profile: "frank@concerts", roleArn: "arn:aws:iam::222222222222:role/SingerRole", sourceProfile: "default", mfaSerial: "arn:aws:iam::111111111111:mfa/FrankSinatra" };
for (let written = 1; ; written++) {
  const credentials = {
    accessKeyId: `ASIAWRITER${process.pid}X${written}`,
    secretAccessKey: `secret-${written}`.padEnd(40, "x"),
    sessionToken: `token-${written}`.padEnd(300, "y"),
    expiration: new Date(Date.now() + 3_600_000),
  };
  await writeEntry(store, identity, encodeEntry(origin, credentials, new Date()));
  console.log(`wrote ${written}`);
}
