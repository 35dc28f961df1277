// "Did you mean …?": the closest of a few known names to a misspelt one, for error messages.

/**
 * The candidate within `maxDistance` edits of `name` (the nearest, first on ties), if any. Case is
 * ignored, so a name that differs only in case is suggested; the name itself never is.
 */
export function closestName(name: string, candidates: readonly string[], maxDistance = 2): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    if (candidate === name || Math.abs(candidate.length - name.length) > maxDistance) continue;
    const distance = editDistance(candidate.toLowerCase(), wanted);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * ` (did you mean PREFIX+X?)` for the candidate within about one edit in three characters of
 * `name`, or an empty string (always empty for names shorter than three characters).
 */
export function didYouMean(name: string, candidates: readonly string[], prefix = ''): string {
  if (name.length < 3) return '';
  const closest = closestName(name, candidates, Math.ceil(name.length / 3));
  return closest === undefined ? '' : ` (did you mean ${prefix}${closest}?)`;
}

/** Insertions, deletions, substitutions and swaps of two neighbours (optimal string alignment). */
function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, beforePrevious[j - 2]! + 1);
      current[j] = d;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
