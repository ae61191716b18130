/** Small helpers for readable, safe messages. */

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
  if (a === b) return 0;
  if (a.length > 256 || b.length > 256) return Math.max(a.length, b.length);
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
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
