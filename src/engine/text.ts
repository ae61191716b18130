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
