import { type CacheStore, prepareCacheStore } from "../cache/cacheStore.ts";
import { clearFailureNote, type FailureNote, readFailureNote, writeFailureNote } from "../cache/failureNotes.ts";
import { lockPath } from "../cache/cacheFileNames.ts";
import { readEntry, writeEntry } from "../cache/cacheEntries.ts";
import type { LockWaiting } from "../cache/fileLock.ts";
import type { Reporter } from "../output/reporter.ts";
import { isUserError, UserError } from "../userError.ts";
import { decodeEntry, type EntryOrigin, encodeEntry } from "./cachedEntry.ts";
import { type CredentialsProvider, isFresh, SHORTEST_WINDOW_MS, type TemporaryCredentials } from "./temporaryCredentials.ts";

export interface CacheSlot {
  readonly folder: string;
  /** The cache opened for reading (undefined: nothing cached yet); see openCacheStore. */
  readonly store: Promise<CacheStore | undefined>;
  /** Everything that decides the credentials (see credentialIdentity): the entry's key and associated data. */
  readonly identity: string;
  readonly origin: EntryOrigin;
  /**
   * Runs that would ask the same MFA device for a code take turns: one asks, the others wait and then find
   * its credentials in the cache (a code is accepted by STS once). Different devices never wait on each other.
   */
  readonly lock: { readonly identity: string; readonly waiting: LockWaiting };
}

/** Fetches fresh credentials (asking for a code as needed); gets the prepared cache for entries of its own. */
export type FreshFetcher = (store: CacheStore) => Promise<TemporaryCredentials>;

/**
 * Wraps a provider that fetches fresh credentials (and asks for an MFA code) with the encrypted cache:
 * fresh cached credentials answer at once; otherwise fetch, store, answer.
 */
/**
 * `startedAt`: when the run began (ms since the epoch). A failure note written since then is one this run was
 * waiting for, however late a busy machine let it reach the lock; the default is the process's own start,
 * right for the commands that fetch once per process (assume, exec, export).
 */
export function cachedProvider(slot: CacheSlot, fetchFresh: FreshFetcher, reporter: Reporter, now = () => new Date(), startedAt = performance.timeOrigin): CredentialsProvider {
  return async () => {
    const cached = await lookUp(slot, now());
    if (cached !== undefined) {
      reporter.verbose(`cache hit: credentials valid until ${cached.expiration.toISOString()}`);
      reporter.record({ cache: "hit" });
      return cached;
    }
    reporter.verbose("cache miss: fetching new credentials");
    reporter.record({ cache: "miss" });
    // Prepare (and check) the cache folder before asking for a code, so a bad folder never wastes one.
    const store = await prepareCacheStore(slot.folder, (message) => reporter.warn(message));
    const { acquireLock } = await import("../cache/fileLock.ts");
    const lock = await acquireLock(lockPath(store, slot.lock.identity), slot.lock.waiting);
    try {
      // Another run may have fetched them while this one waited for the lock.
      const fetchedMeanwhile = await lookUp({ ...slot, store: Promise.resolve(store) }, now());
      if (fetchedMeanwhile !== undefined) {
        reporter.verbose("another run fetched the credentials meanwhile: answering from the cache");
        reporter.record({ sts: "none (another run fetched them)" });
        return fetchedMeanwhile;
      }
      // The run this one waited for failed (a wrong code, a denied role): say what it said rather than ask
      // again, or 30 parallel runs would ask one after another.
      const failure = await readFailureNote(store, slot.identity);
      if (failure !== undefined && waitedFor(failure, startedAt, Date.now())) throw replayed(failure, Date.now());
      const fresh = await fetchFresh(store)
        .then((credentials) => checkLifetime(credentials, slot.origin.profile, now()))
        .catch(async (error: unknown) => {
          if (isUserError(error) && error.remembered) {
            await writeFailureNote(store, slot.identity, { at: Date.now(), message: error.message, profile: slot.origin.profile }).catch(() => {});
          }
          throw error;
        });
      await save(store, slot, fresh, now(), reporter);
      await clearFailureNote(store, slot.identity);
      return fresh;
    } finally {
      lock.release();
    }
  };
}

/**
 * A note written after this run began, by this machine's clock as it reads now: a note dated in the future
 * was written while the clock ran ahead, and must not outlive the clock's correction.
 */
function waitedFor(failure: FailureNote, startedAt: number, now: number): boolean {
  return failure.at >= startedAt && failure.at <= now;
}

function replayed(failure: FailureNote, now: number): UserError {
  const ago = Math.max(0, Math.round((now - failure.at) / 1000));
  return new UserError(`${failure.message} (the failure of another run ${ago} s ago, which this run waited for: run the command again to retry now)`);
}

/**
 * Credentials STS hands out live at least 15 minutes; ones that are expired or nearly so by this machine's
 * clock mean the clock is wrong. They are neither handed out nor cached: the AWS tools would refuse them.
 */
function checkLifetime(credentials: TemporaryCredentials, profile: string, now: Date): TemporaryCredentials {
  const leftSeconds = Math.round((credentials.expiration.getTime() - now.getTime()) / 1000);
  if (leftSeconds * 1000 >= SHORTEST_WINDOW_MS) return credentials;
  const when = leftSeconds <= 0 ? `${-leftSeconds} s ago` : `in ${leftSeconds} s`;
  throw new UserError(
    `profile "${profile}": STS handed out credentials that expire at ${credentials.expiration.toISOString()}, ${when} by this machine's clock (${now.toISOString()}): check the clock and time zone of this machine, then run the command again`,
    1,
    false,
  );
}

async function lookUp(slot: CacheSlot, at: Date): Promise<TemporaryCredentials | undefined> {
  const store = await slot.store.catch(() => undefined);
  if (store === undefined) return undefined;
  const plaintext = await readEntry(store, slot.identity);
  const entry = plaintext === undefined ? undefined : decodeEntry(plaintext);
  return entry !== undefined && isFresh(entry.credentials, at, entry.fetchedAt) ? entry.credentials : undefined;
}

async function save(store: CacheStore, slot: CacheSlot, credentials: TemporaryCredentials, at: Date, reporter: Reporter): Promise<void> {
  try {
    await writeEntry(store, slot.identity, encodeEntry(slot.origin, credentials, at));
  } catch (error) {
    // The credentials are good: hand them out, but say the next run will have to ask again.
    reporter.warn(`could not save credentials in the cache (${(error as Error).message}): the next run will ask for a new MFA code`);
  }
}
