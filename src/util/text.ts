/**
 * Text helpers with no dependencies, for every layer: quoting values from a manifest in messages,
 * lists, plurals, label maps, and the edit distance behind the "did you mean" suggestions. (At the
 * bottom of the stack, under src/load: the graph and the command line use the edit distance too.)
 */

/** Quote a value from a manifest for a message (bounded length, escaped like JSON). */
export function q(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v);
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

export function list(items: string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `a=b,c=d` for a label map. */
export function labelsText(m: Map<string, string> | Iterable<[string, string]>): string {
  return [...m].map(([k, v]) => `${k}=${v}`).join(',');
}

/** Levenshtein distance, bounded for long strings (label values are at most 63 characters). */
export function editDistance(a: string, b: string): number {
  return editDistanceWithin(a, b, Infinity);
}

// Two rows of the distance table, reused by every call (grown on demand).
let prevRow = new Int32Array(64);
let curRow = new Int32Array(64);

/**
 * `editDistance(a, b)` when it is at most `limit`; otherwise some number greater than `limit`
 * (the computation stops as soon as no alignment can stay within it).
 */
export function editDistanceWithin(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  if (a.length > 256 || b.length > 256) return Math.max(a.length, b.length);
  // The difference in length is a lower bound; a common prefix and suffix do not change the distance.
  const gap = Math.abs(a.length - b.length);
  if (gap > limit) return gap;
  let start = 0;
  const shorter = Math.min(a.length, b.length);
  while (start < shorter && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  if (start === endA || start === endB) return gap;
  if (start > 0 || endA < a.length) {
    a = a.slice(start, endA);
    b = b.slice(start, endB);
  }
  const n = b.length;
  if (prevRow.length <= n) {
    prevRow = new Int32Array(n + 1);
    curRow = new Int32Array(n + 1);
  }
  let prev = prevRow;
  let cur = curRow;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // Every later cell is at least the smallest of this row.
    if (rowMin > limit) return rowMin;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[n];
}

/**
 * The candidate a misspelt name most likely meant: the unique one within edit distance 2 (or a
 * third of the name's length, whichever is larger).
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  return best !== undefined && bestD <= limit && !tie ? best : undefined;
}
