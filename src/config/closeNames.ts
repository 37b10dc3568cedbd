/** Two names of 256 characters each: no profile name a person types is longer. */
const MAX_COMPARED = 256 * 256;

/** Profile names that look like `wanted` (a typo, other case, a missing prefix), closest first. */
export function closeNames(wanted: string, names: Iterable<string>, limit = 3): string[] {
  const lowered = wanted.toLowerCase();
  const reach = Math.max(2, Math.floor(wanted.length / 3));
  const scored: { name: string; distance: number }[] = [];
  for (const name of names) {
    const candidate = name.toLowerCase();
    const contained = candidate.includes(lowered) || lowered.includes(candidate);
    // The edit distance costs the product of the lengths: only for names of a profile's size and within reach
    // by length alone (it is at least the difference of the lengths).
    if (!contained && (Math.abs(candidate.length - lowered.length) > reach || candidate.length * lowered.length > MAX_COMPARED)) continue;
    const distance = contained ? 1 : editDistance(lowered, candidate);
    if (distance <= reach) scored.push({ name, distance });
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
