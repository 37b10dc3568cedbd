import type { ConfigFile } from "../config/readConfigFile.ts";
import { printableLine } from "../output/printableText.ts";
import { type EntryKind, type InventoryItem, KIND_NAMES } from "./cacheInventory.ts";

export interface CleanChoice {
  readonly credential: boolean;
  readonly session: boolean;
  readonly password: boolean;
  readonly profile: string | undefined;
  readonly expired: boolean;
}

/**
 * The entries `cache clean` removes: the kinds asked for (all when none is), narrowed to a profile and to
 * expired or unreadable ones. A role profile takes its source profile's MFA session with it.
 */
export function entriesToClean(items: readonly InventoryItem[], choice: CleanChoice, config: ConfigFile | undefined): InventoryItem[] {
  const kinds = new Set<EntryKind>();
  if (choice.credential) kinds.add("role-credentials");
  if (choice.session) kinds.add("mfa-session");
  if (choice.password) kinds.add("yubikey-password");
  const profiles = choice.profile === undefined ? undefined : profileAndSource(choice.profile, config);
  return items.filter(
    (item) =>
      (kinds.size === 0 || kinds.has(item.kind)) &&
      (profiles === undefined || (item.profile !== undefined && profiles.has(item.profile) && (item.kind !== "role-credentials" || item.profile === choice.profile))) &&
      (!choice.expired || item.state === "expired" || item.state === "unreadable"),
  );
}

/** The profile and, for a role profile, its source profile (whose MFA session serves it). */
function profileAndSource(profile: string, config: ConfigFile | undefined): Set<string> {
  const names = new Set([profile]);
  const source = config?.profiles.get(profile)?.vegas_source_profile;
  if (source) names.add(source);
  return names;
}

/** What was removed, one line per entry (and a count of leftover notes and locks), or that nothing was. */
export function describeCleaning(removed: readonly InventoryItem[], failed: readonly InventoryItem[], folder: string, leftovers = 0): string {
  const lines = removed.length === 0 ? [leftovers === 0 ? `Nothing to remove in ${folder}.` : `No entries to remove in ${folder}.`] : [`Removed ${removed.length} ${removed.length === 1 ? "entry" : "entries"} from ${folder}:`];
  for (const item of removed) lines.push(`  ${printableLine(item.profile ?? (item.yubikeySerial !== undefined ? `YubiKey ${item.yubikeySerial}` : "?"), 200)}: ${item.state === "unreadable" ? "unreadable entry" : KIND_NAMES[item.kind]}`);
  for (const item of failed) lines.push(`  could not remove ${item.file}`);
  if (leftovers > 0) lines.push(`Removed ${leftovers} ${leftovers === 1 ? "leftover file" : "leftover files"} (notes of failed fetches, locks no run holds).`);
  return lines.join("\n");
}
