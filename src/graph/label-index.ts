import type { Labelled, Selector } from '../model/selector.js';
import { matches } from '../model/selector.js';

/** What the index needs from an entry: fixed labels plus keys whose value the controller decides. */
export interface IndexedLabels extends Labelled {
  labels: Map<string, string>;
  dynamicLabels?: Map<string, unknown>;
}

interface Bucket<T> {
  all: T[];
  /** key → value → entries with that fixed label */
  exact: Map<string, Map<string, T[]>>;
  /** key → entries that have the key (fixed or dynamic) */
  keys: Map<string, T[]>;
  /** key → entries whose value for key is set by a controller (pattern or any) */
  dynamic: Map<string, T[]>;
}

const EMPTY: never[] = [];

/**
 * Label index per namespace: a selector's candidates come from its most selective label, so a
 * lookup costs about the size of the smallest posting list rather than a scan of every entry.
 */
export class LabelIndex<T extends IndexedLabels> {
  private readonly buckets = new Map<string, Bucket<T>>();

  add(namespace: string, item: T): void {
    let b = this.buckets.get(namespace);
    if (!b) {
      b = { all: [], exact: new Map(), keys: new Map(), dynamic: new Map() };
      this.buckets.set(namespace, b);
    }
    b.all.push(item);
    for (const [k, v] of item.labels) {
      if (item.dynamicLabels?.has(k)) continue;
      let byValue = b.exact.get(k);
      if (!byValue) b.exact.set(k, (byValue = new Map()));
      push(byValue, v, item);
      push(b.keys, k, item);
    }
    for (const k of item.dynamicLabels?.keys() ?? []) {
      push(b.dynamic, k, item);
      push(b.keys, k, item);
    }
  }

  /** Entries of a namespace. */
  all(namespace: string): readonly T[] {
    return this.buckets.get(namespace)?.all ?? EMPTY;
  }

  namespaces(): Iterable<string> {
    return this.buckets.keys();
  }

  /** Entries of `namespace` matched by `sel` (an empty selector matches all). */
  select(namespace: string, sel: Selector): T[] {
    const b = this.buckets.get(namespace);
    if (!b) return [];
    if (sel.matchLabels.length === 0 && sel.expressions.length === 0) return [...b.all];
    const candidates = this.candidates(b, sel);
    const out: T[] = [];
    const seen = new Set<T>();
    for (const list of candidates) {
      for (const item of list) {
        if (seen.has(item)) continue;
        seen.add(item);
        if (matches(sel, item)) out.push(item);
      }
    }
    return out;
  }

  /** Does any entry of `namespace` have label `key` = `value` exactly (fixed)? */
  withLabel(namespace: string, key: string, value: string): readonly T[] {
    return this.buckets.get(namespace)?.exact.get(key)?.get(value) ?? EMPTY;
  }

  withKey(namespace: string, key: string): readonly T[] {
    return this.buckets.get(namespace)?.keys.get(key) ?? EMPTY;
  }

  /** The smallest set of posting lists whose union holds every possible match. */
  private candidates(b: Bucket<T>, sel: Selector): (readonly T[])[] {
    let best: (readonly T[])[] | null = null;
    let bestSize = Infinity;
    const consider = (lists: (readonly T[])[]) => {
      const size = lists.reduce((n, l) => n + l.length, 0);
      if (size < bestSize) {
        best = lists;
        bestSize = size;
      }
    };
    // matchLabels entries (the common case) are sized without building lists first.
    let bestKey: [string, string] | undefined;
    for (const entry of sel.matchLabels) {
      const size = (b.exact.get(entry[0])?.get(entry[1])?.length ?? 0) + (b.dynamic.get(entry[0])?.length ?? 0);
      if (size < bestSize) {
        bestKey = entry;
        bestSize = size;
      }
    }
    if (bestKey) best = [b.exact.get(bestKey[0])?.get(bestKey[1]) ?? EMPTY, b.dynamic.get(bestKey[0]) ?? EMPTY];
    for (const r of sel.expressions) {
      if (r.op === 'Exists') consider([b.keys.get(r.key) ?? EMPTY]);
      else if (r.op === 'In') {
        consider([...r.values.map((v) => b.exact.get(r.key)?.get(v) ?? EMPTY), b.dynamic.get(r.key) ?? EMPTY]);
      }
    }
    return best ?? [b.all];
  }
}

function push<K, T>(m: Map<K, T[]>, k: K, item: T): void {
  const list = m.get(k);
  if (list) list.push(item);
  else m.set(k, [item]);
}
