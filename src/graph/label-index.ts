import type { Labelled, Selector } from '../model/selector.js';
import { matches } from '../model/selector.js';

/** What the index needs from an entry: fixed labels plus keys whose value the controller decides. */
export interface IndexedLabels extends Labelled {
  labels: ReadonlyMap<string, string>;
  dynamicLabels?: ReadonlyMap<string, unknown>;
}

interface Bucket<T> {
  all: T[];
  /** key → value → entries with that fixed label */
  exact: Map<string, Map<string, T[]>>;
  /** key → entries that have the key (fixed or dynamic); built on first use */
  keys: Map<string, T[]> | undefined;
  /** key → entries whose value for key is set by a controller (pattern or any) */
  dynamic: Map<string, T[]>;
}

const EMPTY: never[] = [];

/**
 * Label index per namespace: a selector's candidates come from its most selective label, so a
 * lookup costs about the size of the smallest posting list rather than a scan of every entry.
 *
 * The posting lists of one bucket never hold an entry twice, and the lists that one lookup
 * unions are disjoint (an entry's value for a key is either fixed, in one `exact` list, or set by
 * its controller, in the `dynamic` list), so a lookup needs no set of entries already seen.
 */
export class LabelIndex<T extends IndexedLabels> {
  private readonly buckets = new Map<string, Bucket<T>>();

  add(namespace: string, item: T): void {
    let b = this.buckets.get(namespace);
    if (!b) {
      b = { all: [], exact: new Map(), keys: undefined, dynamic: new Map() };
      this.buckets.set(namespace, b);
    }
    b.all.push(item);
    const dynamic = item.dynamicLabels !== undefined && item.dynamicLabels.size > 0 ? item.dynamicLabels : undefined;
    for (const [k, v] of item.labels) {
      if (dynamic?.has(k)) continue;
      let byValue = b.exact.get(k);
      if (!byValue) b.exact.set(k, (byValue = new Map()));
      push(byValue, v, item);
    }
    if (dynamic) for (const k of dynamic.keys()) push(b.dynamic, k, item);
    if (b.keys) addKeys(b.keys, item);
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
    const out: T[] = [];
    for (const list of this.candidates(b, sel)) {
      for (const item of list) if (matches(sel, item)) out.push(item);
    }
    return out;
  }

  /**
   * Entries of `namespace` that carry every label of a plain label map (a Service selector):
   * `select` with `selectorFromMap(labels)`, without building the selector. The result has no
   * spare capacity (it may be kept as long as the graph).
   */
  selectLabels(namespace: string, labels: ReadonlyMap<string, string>): T[] {
    const b = this.buckets.get(namespace);
    if (!b) return [];
    if (labels.size === 0) return [...b.all];
    // The most selective label, as `candidates` picks it: the first of the smallest lists.
    let bestKey: string | undefined;
    let bestValue: string | undefined;
    let bestSize = Infinity;
    for (const [k, v] of labels) {
      const size = (b.exact.get(k)?.get(v)?.length ?? 0) + (b.dynamic.get(k)?.length ?? 0);
      if (size < bestSize) {
        bestKey = k;
        bestValue = v;
        bestSize = size;
      }
    }
    if (bestSize === 0) return [];
    const out: T[] = [];
    const fixed = b.exact.get(bestKey!)?.get(bestValue!);
    if (fixed) for (const item of fixed) if (hasAll(item, labels)) out.push(item);
    const dynamic = b.dynamic.get(bestKey!);
    if (dynamic) for (const item of dynamic) if (hasAll(item, labels)) out.push(item);
    return out.length ? out.slice() : out;
  }

  /** Does any entry of `namespace` have label `key` = `value` exactly (fixed)? */
  withLabel(namespace: string, key: string, value: string): readonly T[] {
    return this.buckets.get(namespace)?.exact.get(key)?.get(value) ?? EMPTY;
  }

  withKey(namespace: string, key: string): readonly T[] {
    const b = this.buckets.get(namespace);
    return b ? (keysOf(b).get(key) ?? EMPTY) : EMPTY;
  }

  /** The smallest set of disjoint posting lists whose union holds every possible match. */
  private candidates(b: Bucket<T>, sel: Selector): (readonly T[])[] {
    let best: (readonly T[])[] | null = null;
    let bestSize = Infinity;
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
      if (r.op === 'Exists') {
        const list = keysOf(b).get(r.key) ?? EMPTY;
        if (list.length < bestSize) {
          best = [list];
          bestSize = list.length;
        }
      } else if (r.op === 'In') {
        const byValue = b.exact.get(r.key);
        const dynamic = b.dynamic.get(r.key) ?? EMPTY;
        // Sized as listed (a repeated value counts twice), but each value's list is taken once.
        let size = dynamic.length;
        for (const v of r.values) size += byValue?.get(v)?.length ?? 0;
        if (size < bestSize) {
          const lists: (readonly T[])[] = [];
          const seen = new Set<string>();
          for (const v of r.values) {
            if (seen.has(v)) continue;
            seen.add(v);
            lists.push(byValue?.get(v) ?? EMPTY);
          }
          lists.push(dynamic);
          best = lists;
          bestSize = size;
        }
      }
    }
    return best ?? [b.all];
  }
}

/** The `keys` lists of a bucket: each entry, in the order entries were added, under each of its keys. */
function keysOf<T extends IndexedLabels>(b: Bucket<T>): Map<string, T[]> {
  if (!b.keys) {
    b.keys = new Map();
    for (const item of b.all) addKeys(b.keys, item);
  }
  return b.keys;
}

function addKeys<T extends IndexedLabels>(keys: Map<string, T[]>, item: T): void {
  const dynamic = item.dynamicLabels !== undefined && item.dynamicLabels.size > 0 ? item.dynamicLabels : undefined;
  for (const k of item.labels.keys()) if (!dynamic?.has(k)) push(keys, k, item);
  if (dynamic) for (const k of dynamic.keys()) push(keys, k, item);
}

/** Does the entry carry every label of the map (as `matches` checks a selector's matchLabels)? */
function hasAll(item: Labelled, labels: ReadonlyMap<string, string>): boolean {
  for (const [k, v] of labels) if (!item.hasLabel(k, v)) return false;
  return true;
}

function push<K, T>(m: Map<K, T[]>, k: K, item: T): void {
  const list = m.get(k);
  if (list) list.push(item);
  else m.set(k, [item]);
}

/**
 * A map keyed by namespace and name that behaves exactly like a map keyed by
 * `${namespace}/${name}`, without building that string per lookup. Pairs with a `/` in the
 * namespace or name (which can share such a key with another pair) are kept by the joined key;
 * no other pair can share a key with them.
 */
export class NamespacedMap<V> {
  private readonly byNamespace = new Map<string, Map<string, V>>();
  private joined: Map<string, V> | undefined;

  get(namespace: string, name: string): V | undefined {
    if (namespace.includes('/') || name.includes('/')) return this.joined?.get(`${namespace}/${name}`);
    return this.byNamespace.get(namespace)?.get(name);
  }

  set(namespace: string, name: string, value: V): void {
    if (namespace.includes('/') || name.includes('/')) {
      (this.joined ??= new Map()).set(`${namespace}/${name}`, value);
      return;
    }
    let names = this.byNamespace.get(namespace);
    if (!names) this.byNamespace.set(namespace, (names = new Map()));
    names.set(name, value);
  }
}
