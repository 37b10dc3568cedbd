import { expirationText, type TemporaryCredentials } from "../sts/temporaryCredentials.ts";

export { expirationText, type TemporaryCredentials };

export type CredentialsProvider = () => Promise<TemporaryCredentials>;

/** botocore refreshes 15 minutes before expiry: handing out less makes it call us on every request. */
export const REFRESH_WINDOW_MS = 15 * 60 * 1000;
/** The JS SDK treats credentials as expired 5 minutes early: nothing with less is ever handed out. */
export const SHORTEST_WINDOW_MS = 5 * 60 * 1000;

/**
 * How long before their expiry cached credentials stop being handed out (and new ones are fetched): 15 minutes,
 * botocore's refresh window, but at most a third of their lifetime, so that short ones (duration_seconds = 900
 * gives 15 minutes) are still served from the cache for most of it instead of asking on every call; and never
 * under 5 minutes, the JS SDK's margin.
 */
export function refreshWindowMs(lifetimeMs: number): number {
  return Math.min(REFRESH_WINDOW_MS, Math.max(SHORTEST_WINDOW_MS, lifetimeMs / 3));
}

/** Whether cached credentials issued at `issuedAt` (unknown: a full window) may still be handed out `now`. */
export function isFresh(credentials: TemporaryCredentials, now: Date, issuedAt?: Date): boolean {
  const left = credentials.expiration.getTime() - now.getTime();
  const lifetime = issuedAt === undefined ? Number.POSITIVE_INFINITY : credentials.expiration.getTime() - issuedAt.getTime();
  return left >= refreshWindowMs(lifetime);
}
