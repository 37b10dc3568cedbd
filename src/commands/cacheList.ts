import { type OutputStyle, paint } from "../output/outputStyle.ts";
import { type PaintedCell, renderTable } from "../output/table.ts";
import { printableText, terminalSafeJson } from "../output/printableText.ts";
import { type InventoryItem, KIND_NAMES } from "./cacheInventory.ts";

/** `cache --json`: the inventory for scripts, dates in ISO 8601 UTC. */
export function inventoryJson(items: readonly InventoryItem[], now: Date): string {
  return terminalSafeJson(JSON.stringify(
    items.map((item) => ({
      kind: item.kind,
      profile: item.profile ?? null,
      roleArn: item.roleArn ?? null,
      sourceProfile: item.sourceProfile ?? null,
      mfaSerial: item.mfaSerial ?? null,
      yubikeySerial: item.yubikeySerial ?? null,
      expiresAt: item.expiresAt?.toISOString() ?? null,
      expiresInSeconds: item.expiresAt === undefined ? null : Math.round((item.expiresAt.getTime() - now.getTime()) / 1000),
      state: item.state,
      staleConfig: item.staleConfig,
      ...(item.kind === "last-failure" ? { failedAt: item.failedAt?.toISOString() ?? null, message: item.message ?? null } : {}),
      file: item.file,
    })),
    null,
    2,
  ));
}

/** `cache`: one row per entry, as a person reads it (local times, "47m"). */
export function inventoryTable(items: readonly InventoryItem[], folder: string, now: Date, style: OutputStyle): string {
  if (items.length === 0) return `The cache is empty (${folder}).`;
  const rows = items.map((item) => [
    item.profile ?? "?",
    KIND_NAMES[item.kind],
    roleOrDevice(item),
    item.sourceProfile ?? "-",
    item.expiresAt === undefined ? "-" : localTime(item.expiresAt),
    item.expiresAt === undefined ? "-" : timeLeft(item.expiresAt, now),
    stateCell(item, now, style),
  ]);
  const count = `${items.length} ${items.length === 1 ? "entry" : "entries"} in ${folder}`;
  const failures = items.filter((item) => item.kind === "last-failure").map((item) => `  ${item.profile ?? "?"}: ${item.message ?? "?"}`);
  const told = failures.length === 0 ? "" : `\n\nLast failures, told only to runs that were waiting for them (a run started later tries again):\n${failures.join("\n")}`;
  return `${renderTable(["PROFILE", "KIND", "ROLE / DEVICE", "SOURCE", "EXPIRES AT", "IN", "STATE"], rows, style)}${printableText(told)}\n\n${count}`;
}

function roleOrDevice(item: InventoryItem): string {
  if (item.kind === "role-credentials") return item.roleArn ?? "?";
  if (item.kind === "mfa-session") return item.mfaSerial ?? "?";
  if (item.kind === "yubikey-password") return `YubiKey ${item.yubikeySerial ?? "?"}`;
  if (item.kind === "last-failure") return "-";
  return "?";
}

function stateCell(item: InventoryItem, now: Date, style: OutputStyle): PaintedCell {
  const color = item.state === "fresh" ? "green" : item.state === "refresh due" || item.state === "void" ? "yellow" : "red";
  const text = item.state === "failed" && item.failedAt !== undefined ? `failed ${timeLeft(item.failedAt, now)}` : item.state === "void" ? "void (dated ahead of this clock)" : item.state;
  const state = paint(style, color, text);
  const stale = "stale config";
  return item.staleConfig ? { painted: `${state}, ${paint(style, "yellow", stale)}`, width: text.length + 2 + stale.length } : { painted: state, width: text.length };
}

/** `2026-11-24 18:05` in the machine's time zone. */
export function localTime(date: Date): string {
  const two = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** `47m`, `3h12m`, `2d4h`; `12m ago` once past. */
export function timeLeft(until: Date, now: Date): string {
  const seconds = Math.round((until.getTime() - now.getTime()) / 1000);
  const span = Math.abs(seconds);
  const minutes = Math.floor(span / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const text = days > 0 ? `${days}d${hours % 24}h` : hours > 0 ? `${hours}h${String(minutes % 60).padStart(2, "0")}m` : minutes > 0 ? `${minutes}m` : `${span}s`;
  return seconds < 0 ? `${text} ago` : text;
}
