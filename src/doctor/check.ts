/** One line of `doctor`: what was checked, how it went, and for a failure the fix. */
export interface Check {
  readonly name: string;
  readonly status: "ok" | "warn" | "fail" | "skip";
  readonly detail: string;
  /** What to do about a failure or a warning. */
  readonly fix?: string;
}

export function ok(name: string, detail: string): Check {
  return { name, status: "ok", detail };
}

export function failed(name: string, detail: string, fix?: string): Check {
  return { name, status: "fail", detail, ...(fix === undefined ? {} : { fix }) };
}

export function warned(name: string, detail: string, fix?: string): Check {
  return { name, status: "warn", detail, ...(fix === undefined ? {} : { fix }) };
}

export function skipped(name: string, detail: string): Check {
  return { name, status: "skip", detail };
}
