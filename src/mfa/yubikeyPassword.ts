import type { CacheStore } from "../cache/cacheStore.ts";
import { readEntry, removeEntry, writeEntry } from "../cache/cacheEntries.ts";
import { dateOf, parseEntry, textOf } from "../cache/storedEntry.ts";

/** A YubiKey's OATH password is kept this long after it last worked. */
const KEEP_MS = 12 * 3600 * 1000;

/** What a YubiKey password entry holds; `cache` lists the serial and expiry, never the password. */
interface YubikeyPasswordEntry {
  readonly kind: "yubikey-password";
  readonly serial: string;
  readonly password: string;
  readonly fetchedAt: string;
  readonly expiresAt: string;
}

/** The cached OATH passwords of YubiKeys, one sealed entry per serial number. */
export class YubikeyPasswords {
  constructor(
    private readonly store: CacheStore | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(serial: string): Promise<string | undefined> {
    if (this.store === undefined) return undefined;
    const bytes = await readEntry(this.store, yubikeyPasswordIdentity(serial)).catch(() => undefined);
    const entry = bytes === undefined ? undefined : parseEntry(bytes, "yubikey-password");
    const password = textOf(entry?.password);
    if (entry === undefined || entry.serial !== serial || password === undefined) return undefined;
    return (dateOf(entry.expiresAt)?.getTime() ?? 0) > this.now().getTime() ? password : undefined;
  }

  async remember(serial: string, password: string): Promise<void> {
    if (this.store === undefined) return;
    const now = this.now();
    const entry: YubikeyPasswordEntry = { kind: "yubikey-password", serial, password, fetchedAt: now.toISOString(), expiresAt: new Date(now.getTime() + KEEP_MS).toISOString() };
    await writeEntry(this.store, yubikeyPasswordIdentity(serial), new TextEncoder().encode(JSON.stringify(entry)));
  }

  async forget(serial: string): Promise<void> {
    if (this.store !== undefined) await removeEntry(this.store, yubikeyPasswordIdentity(serial));
  }
}

export function yubikeyPasswordIdentity(serial: string): string {
  return JSON.stringify(["yubikey-password", serial]);
}

/** What `cache` shows of a YubiKey password entry: the serial and when it is forgotten, never the password. */
export function describeYubikeyPasswordEntry(bytes: Uint8Array): { serial: string | undefined; expiresAt: Date | undefined } | undefined {
  const entry = parseEntry(bytes, "yubikey-password");
  return entry === undefined ? undefined : { serial: textOf(entry.serial), expiresAt: dateOf(entry.expiresAt) };
}
