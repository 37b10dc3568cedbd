/**
 * An entry's payload as the modules that write it store it: JSON with a `kind`. Reading one trusts no field:
 * each is checked where it is used (the entry is authenticated, but it may come from an older version).
 */
export interface StoredEntry {
  readonly kind: string;
  readonly credentials?: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** The stored entry if `bytes` is JSON of this kind, else undefined. */
export function parseEntry(bytes: Uint8Array, kind: string): StoredEntry | undefined {
  try {
    const entry = JSON.parse(new TextDecoder().decode(bytes)) as StoredEntry | null;
    return entry !== null && typeof entry === "object" && entry.kind === kind ? entry : undefined;
  } catch {
    return undefined;
  }
}

export function textOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function dateOf(value: unknown): Date | undefined {
  const date = new Date(typeof value === "string" ? value : Number.NaN);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
