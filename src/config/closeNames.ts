/** Profile names that look like `wanted` (a typo, other case, a missing prefix), closest first. */
export function closeNames(wanted: string, names: Iterable<string>, limit = 3): string[] {
  const lowered = wanted.toLowerCase();
  const scored: { name: string; distance: number }[] = [];
  for (const name of names) {
    const candidate = name.toLowerCase();
    const distance = candidate.includes(lowered) || lowered.includes(candidate) ? 1 : editDistance(lowered, candidate);
    if (distance <= Math.max(2, Math.floor(wanted.length / 3))) scored.push({ name, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((entry) => entry.name);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
