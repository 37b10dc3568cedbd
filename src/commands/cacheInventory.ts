import { type CacheStore, openCacheStore } from "../cache/cacheStore.ts";
import { listEntries } from "../cache/listEntries.ts";
import { FAILURE_SUFFIX } from "../cache/cacheFileNames.ts";
import { decodeFailureNote } from "../cache/failureNotes.ts";
import type { ConfigFile } from "../config/readConfigFile.ts";
import { resolveRoleProfile } from "../config/resolveRoleProfile.ts";
import { credentialIdentity, mfaSessionIdentity } from "../config/roleProfile.ts";
import { describeEntry } from "../credentials/cachedEntry.ts";
import { describeMfaSessionEntry } from "../credentials/mfaSessionEntry.ts";
import { refreshWindowMs } from "../credentials/temporaryCredentials.ts";
import { describeYubikeyPasswordEntry } from "../mfa/yubikeyPassword.ts";
import type { Env } from "../environment.ts";

export type EntryKind = "role-credentials" | "mfa-session" | "yubikey-password" | "last-failure" | "unknown";
/** "failed": a note of the last failed fetch, told to the runs that waited for it; "void": one dated ahead of this clock. */
export type EntryState = "fresh" | "refresh due" | "expired" | "unreadable" | "failed" | "void";

export const KIND_NAMES: Record<EntryKind, string> = {
  "role-credentials": "role credentials",
  "mfa-session": "MFA session",
  "yubikey-password": "YubiKey password",
  "last-failure": "last failure",
  unknown: "unknown",
};

/** One cache entry as `cache` shows it: where it came from and when it ends, never what it holds. */
export interface InventoryItem {
  readonly file: string;
  readonly kind: EntryKind;
  /** The role profile (role credentials), else the source profile, when the entry says. */
  readonly profile?: string;
  readonly roleArn?: string;
  readonly sourceProfile?: string;
  readonly mfaSerial?: string;
  readonly yubikeySerial?: string;
  readonly expiresAt?: Date;
  /** When role credentials were fetched: their lifetime decides when they are due for refresh. */
  readonly fetchedAt?: Date;
  readonly state: EntryState;
  /** The profile's settings have changed since (or it is gone): this entry will not be used again. */
  readonly staleConfig: boolean;
  /** A last failure: when, by this machine's clock as it was then, and its line (no secret: it is what stderr showed). */
  readonly failedAt?: Date;
  readonly message?: string;
}

/** Every entry in the cache folder, described; empty when there is no cache yet. */
export async function takeInventory(folder: string, config: ConfigFile | undefined, env: Env, now: Date): Promise<InventoryItem[]> {
  const store = await openCacheStore(folder);
  if (store === undefined) return [];
  return inventoryOf(store, config, env, now);
}

export async function inventoryOf(store: CacheStore, config: ConfigFile | undefined, env: Env, now: Date): Promise<InventoryItem[]> {
  const currentIdentities = identitiesInConfig(config, env);
  const items: InventoryItem[] = [];
  for (const entry of await listEntries(store)) {
    if (entry.identity === undefined || entry.payload === undefined) {
      items.push({ file: entry.path, kind: "unknown", state: "unreadable", staleConfig: false });
      continue;
    }
    const described = describePayload(entry.payload);
    const state = described.kind === "unknown" ? "unreadable" : stateAt(described.kind, described.expiresAt, described.fetchedAt, now);
    const staleConfig = (described.kind === "role-credentials" || described.kind === "mfa-session") && !currentIdentities.has(entry.identity);
    items.push({ file: entry.path, ...described, state, staleConfig });
  }
  for (const entry of await listEntries(store, FAILURE_SUFFIX)) {
    const note = entry.payload === undefined ? undefined : decodeFailureNote(entry.payload);
    if (note === undefined) continue;
    const failedAt = new Date(note.at);
    items.push({ file: entry.path, kind: "last-failure", profile: note.profile, failedAt, message: note.message, state: note.at > now.getTime() ? "void" : "failed", staleConfig: false });
  }
  const order: EntryKind[] = ["role-credentials", "mfa-session", "yubikey-password", "last-failure", "unknown"];
  return items.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.profile ?? "").localeCompare(b.profile ?? ""));
}

/** What a payload says of itself, as the module that wrote it reads it: names and expiry, no secrets kept. */
export function describePayload(payload: Uint8Array): Omit<InventoryItem, "file" | "state" | "staleConfig"> {
  const role = describeEntry(payload);
  if (role !== undefined) return { kind: "role-credentials", ...role };
  const session = describeMfaSessionEntry(payload);
  if (session !== undefined) return { kind: "mfa-session", profile: session.sourceProfile, ...session };
  const password = describeYubikeyPasswordEntry(payload);
  if (password !== undefined) return { kind: "yubikey-password", yubikeySerial: password.serial, expiresAt: password.expiresAt };
  return { kind: "unknown" };
}

function stateAt(kind: EntryKind, expiresAt: Date | undefined, fetchedAt: Date | undefined, now: Date): EntryState {
  if (expiresAt === undefined) return "unreadable";
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return "expired";
  // Only role credentials are refreshed ahead of expiry (botocore's window); the others are used to the end.
  const window = refreshWindowMs(fetchedAt === undefined ? Number.POSITIVE_INFINITY : expiresAt.getTime() - fetchedAt.getTime());
  return kind === "role-credentials" && left < window ? "refresh due" : "fresh";
}

/** The identities today's config would key its entries by: an entry with any other is stale. */
function identitiesInConfig(config: ConfigFile | undefined, env: Env): Set<string> {
  const identities = new Set<string>();
  if (config === undefined) return identities;
  for (const name of config.profiles.keys()) {
    try {
      const profile = resolveRoleProfile(config, name, env);
      identities.add(credentialIdentity(profile));
      if (profile.source.mfaSession !== undefined) identities.add(mfaSessionIdentity(profile));
    } catch {
      // Not a role profile, or a broken one: nothing of it can be current.
    }
  }
  return identities;
}
