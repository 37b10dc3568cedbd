import type { KeyListing, StoredKey } from "./storedKey.ts";

/**
 * One place that keeps long-term keys, one item per source profile: the OS's keystore (the Secret Service,
 * the Windows Credential Manager, the macOS login Keychain) or the sealed keys file. Failures (no store, a
 * locked one, a wrong passphrase) throw the one line that names the store and what to do.
 */
export interface KeyStore {
  /** As messages name it: "the Secret Service", "the keys file /…/keys.sealed". */
  readonly name: string;
  /** The profile's key; undefined when the store holds none. */
  read(profile: string): Promise<StoredKey | undefined>;
  /** Stores the key, replacing any the profile had. */
  write(key: StoredKey): Promise<void>;
  /** False when the store held no key for the profile. */
  remove(profile: string): Promise<boolean>;
  /** Every key it holds, without secrets (the keys file lists without its passphrase). */
  list(): Promise<KeyListing[]>;
}

/** The service name every store files our items under. */
export const KEY_SERVICE = "vegas-credentials";
