import type { Labelled, Selector } from '../model/selector.js';
import { labelIn, matches } from '../model/selector.js';

/** What the index needs from an entry: fixed labels plus keys whose value the controller decides. */
export interface IndexedLabels extends Labelled {
  /** The fixed labels as one flat list: key, value, key, value, … (each key once). */
  readonly labelList: readonly string[];
  dynamicLabels?: ReadonlyMap<string, unknown>;
}

/**
 * The entries with one label value: one entry, or several in the order they were added. Most
 * label values (an app's name) are carried by one entry: a list of one would be an array each.
 */
type Posting<T> = T | T[];

const EMPTY: never[] = [];

function sizeOf<T>(p: Posting<T> | undefined): number {
  return p === undefined ? 0 : Array.isArray(p) ? p.length : 1;
}

/** A posting as a list (a new array for a single entry). */
function listOf<T>(p: Posting<T> | undefined): readonly T[] {
  return p === undefined ? EMPTY : Array.isArray(p) ? p : [p];
}

/** Add one entry to the posting of `value`. */
function post<T>(byValue: Map<string, Posting<T>>, value: string, item: T): void {
  const p = byValue.get(value);
  if (p === undefined) byValue.set(value, item);
  else if (Array.isArray(p)) p.push(item);
  else byValue.set(value, [p, item]);
}

function dynamicOf<T extends IndexedLabels>(item: T): ReadonlyMap<string, unknown> | undefined {
  return item.dynamicLabels !== undefined && item.dynamicLabels.size > 0 ? item.dynamicLabels : undefined;
}

/** The entries that have one key, by value: fixed values, and values set by a controller. */
interface KeyIndex<T> {
  /** value → entries with that fixed label */
  readonly byValue: Map<string, Posting<T>>;
  /** entries whose value for the key is set by their controller (pattern or any) */
  readonly dynamic: T[];
}

/**
 * The entries of one namespace. Every entry is listed under each of its keys as it is added; the
 * entries of a key are split by value when a lookup first asks for that key (selectors ask for a
 * few keys: most label keys are never looked up by value).
 */
class Bucket<T extends IndexedLabels> {
  readonly all: T[] = [];
  /** key → entries that have the key (fixed or dynamic), in the order they were added */
  readonly keys = new Map<string, T[]>();
  /** key → its entries by value (for the keys asked for so far) */
  private readonly split = new Map<string, KeyIndex<T>>();

  constructor(
    readonly namespace: string,
    /** key → the buckets with entries that have it (of the index), which this bucket joins. */
    private readonly bucketsByKey: Map<string, Bucket<T>[]>,
  ) {}

  add(item: T): void {
    this.all.push(item);
    const dynamic = dynamicOf(item);
    // Keys split by value already get the entry too.
    const split = this.split.size > 0;
    const labels = item.labelList;
    for (let i = 0; i < labels.length; i += 2) {
      const k = labels[i];
      if (dynamic?.has(k)) continue;
      this.addKey(k, item);
      if (split) {
        const index = this.split.get(k);
        if (index) post(index.byValue, labels[i + 1], item);
      }
    }
    if (dynamic) {
      for (const k of dynamic.keys()) {
        this.addKey(k, item);
        if (split) this.split.get(k)?.dynamic.push(item);
      }
    }
  }

  private addKey(k: string, item: T): void {
    const list = this.keys.get(k);
    if (list) {
      list.push(item);
      return;
    }
    this.keys.set(k, [item]);
    push(this.bucketsByKey, k, this);
  }

  /** The entries of `key` by value (split on first use), or undefined when no entry has the key. */
  values(key: string): KeyIndex<T> | undefined {
    let index = this.split.get(key);
    if (index === undefined) {
      const items = this.keys.get(key);
      if (items === undefined) return undefined;
      index = { byValue: new Map(), dynamic: [] };
      for (const item of items) {
        const v = labelIn(item.labelList, key);
        if (v === undefined || dynamicOf(item)?.has(key)) index.dynamic.push(item);
        else post(index.byValue, v, item);
      }
      this.split.set(key, index);
    }
    return index;
  }
}

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
  /** key → the buckets with entries that have it, in the order they first had it */
  private readonly bucketsByKey = new Map<string, Bucket<T>[]>();

  add(namespace: string, item: T): void {
    let b = this.buckets.get(namespace);
    if (!b) {
      b = new Bucket(namespace, this.bucketsByKey);
      this.buckets.set(namespace, b);
    }
    b.add(item);
  }

  /**
   * For each plain label `key` = `value` of `labels`, the entries of every namespace that carry
   * it (namespace → entries, in the order `select` gives them for a selector of that one label).
   * All labels are looked up in one pass over the entries of each key, rather than one lookup per
   * label in an index of every namespace.
   */
  selectEverywhere(labels: readonly (readonly [string, string])[]): Map<string, T[]>[] {
    const out: Map<string, T[]>[] = [];
    // key → value → the labels asked for (their positions in `labels`)
    const wanted = new Map<string, Map<string, number[]>>();
    for (let i = 0; i < labels.length; i++) {
      out.push(new Map());
      const [key, value] = labels[i];
      let byValue = wanted.get(key);
      if (!byValue) wanted.set(key, (byValue = new Map()));
      push(byValue, value, i);
    }
    for (const [key, byValue] of wanted) {
      for (const b of this.bucketsByKey.get(key) ?? EMPTY) {
        const index = b.values(key)!;
        // Entries with the value fixed, then those whose controller sets it (as `candidates` lists them).
        if (byValue.size <= index.byValue.size) {
          for (const [value, asked] of byValue) {
            const items = index.byValue.get(value);
            if (items !== undefined) for (const i of asked) addAll(out[i], b.namespace, items);
          }
        } else {
          for (const [value, items] of index.byValue) {
            const asked = byValue.get(value);
            if (asked !== undefined) for (const i of asked) addAll(out[i], b.namespace, items);
          }
        }
        for (const item of index.dynamic) {
          for (const [value, asked] of byValue) {
            if (!item.hasLabel(key, value)) continue;
            for (const i of asked) push(out[i], b.namespace, item);
          }
        }
      }
    }
    return out;
  }

  /**
   * Every entry of every namespace in one bucket, namespace ''. It is built from the lists of the
   * namespaces, so its lists hold the entries of one namespace together (namespaces in the order
   * of their first entry); within a namespace, entries keep the order they were added in. (A
   * selection from it has the same entries as from an index that adds them one by one, and the
   * same order within each namespace.)
   */
  merged(): LabelIndex<T> {
    const out = new LabelIndex<T>();
    if (this.buckets.size === 0) return out;
    const m = new Bucket<T>('', out.bucketsByKey);
    for (const b of this.buckets.values()) {
      for (const item of b.all) m.all.push(item);
      for (const [k, items] of b.keys) {
        const list = m.keys.get(k);
        if (list) for (const item of items) list.push(item);
        else {
          m.keys.set(k, items.slice());
          out.bucketsByKey.set(k, [m]);
        }
      }
    }
    out.buckets.set('', m);
    return out;
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
    const lists = this.candidates(b, sel);
    for (let l = 0; l < lists.length; l++) {
      const list = lists[l];
      for (let i = 0; i < list.length; i++) if (matches(sel, list[i])) out.push(list[i]);
    }
    return out;
  }

  /** Does any entry of `namespace` match `sel`? (`select(…).length > 0`, without the list.) */
  selectsAny(namespace: string, sel: Selector): boolean {
    const b = this.buckets.get(namespace);
    if (!b) return false;
    if (sel.matchLabels.length === 0 && sel.expressions.length === 0) return b.all.length > 0;
    for (const list of this.candidates(b, sel)) {
      for (const item of list) if (matches(sel, item)) return true;
    }
    return false;
  }

  /**
   * Entries of `namespace` that carry every label of a plain label map (a Service selector), given
   * as one flat list (key, value, key, value, …): `select` with a selector of these matchLabels,
   * without building the selector. The result has no spare capacity (it may be kept as long as
   * the graph).
   */
  selectLabels(namespace: string, labels: readonly string[]): T[] {
    const b = this.buckets.get(namespace);
    if (!b) return [];
    if (labels.length === 0) return [...b.all];
    // The most selective label, as `candidates` picks it: the first of the smallest lists.
    let bestKey: string | undefined;
    let bestFixed: Posting<T> | undefined;
    let bestDynamic: readonly T[] = EMPTY;
    let bestSize = Infinity;
    for (let i = 0; i < labels.length; i += 2) {
      const index = b.values(labels[i]);
      const fixed = index?.byValue.get(labels[i + 1]);
      const dynamic = index?.dynamic ?? EMPTY;
      const size = sizeOf(fixed) + dynamic.length;
      if (size < bestSize) {
        bestKey = labels[i];
        bestFixed = fixed;
        bestDynamic = dynamic;
        bestSize = size;
      }
    }
    if (bestSize === 0) return [];
    // Entries with the fixed label need no check of it.
    let out: T[] | undefined;
    if (Array.isArray(bestFixed)) {
      for (const item of bestFixed) if (hasAll(item, labels, bestKey)) (out ??= []).push(item);
    } else if (bestFixed !== undefined && hasAll(bestFixed, labels, bestKey)) out = [bestFixed];
    for (const item of bestDynamic) if (hasAll(item, labels, undefined)) (out ??= []).push(item);
    // A list of one is exact; a grown one is trimmed.
    return out === undefined ? [] : out.length === 1 ? out : out.slice();
  }

  /** Does any entry of `namespace` have label `key` = `value` exactly (fixed)? */
  withLabel(namespace: string, key: string, value: string): readonly T[] {
    return listOf(this.buckets.get(namespace)?.values(key)?.byValue.get(value));
  }

  withKey(namespace: string, key: string): readonly T[] {
    return this.buckets.get(namespace)?.keys.get(key) ?? EMPTY;
  }

  /** The smallest set of disjoint posting lists whose union holds every possible match. */
  private candidates(b: Bucket<T>, sel: Selector): (readonly T[])[] {
    let best: (readonly T[])[] | null = null;
    let bestSize = Infinity;
    // matchLabels entries (the common case) are sized without building lists first.
    let bestKey: [string, string] | undefined;
    for (let i = 0; i < sel.matchLabels.length; i++) {
      const entry = sel.matchLabels[i];
      const index = b.values(entry[0]);
      const size = sizeOf(index?.byValue.get(entry[1])) + (index?.dynamic.length ?? 0);
      if (size < bestSize) {
        bestKey = entry;
        bestSize = size;
      }
    }
    if (bestKey) {
      const index = b.values(bestKey[0]);
      best = [listOf(index?.byValue.get(bestKey[1])), index?.dynamic ?? EMPTY];
    }
    for (const r of sel.expressions) {
      if (r.op === 'Exists') {
        const list = b.keys.get(r.key) ?? EMPTY;
        if (list.length < bestSize) {
          best = [list];
          bestSize = list.length;
        }
      } else if (r.op === 'In') {
        const index = b.values(r.key);
        const byValue = index?.byValue;
        const dynamic = index?.dynamic ?? EMPTY;
        // Sized as listed (a repeated value counts twice), but each value's list is taken once.
        let size = dynamic.length;
        for (const v of r.values) size += sizeOf(byValue?.get(v));
        if (size < bestSize) {
          const lists: (readonly T[])[] = [];
          const seen = new Set<string>();
          for (const v of r.values) {
            if (seen.has(v)) continue;
            seen.add(v);
            lists.push(listOf(byValue?.get(v)));
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

/**
 * Does the entry carry every label of a flat list (key, value, …), as `matches` checks a
 * selector's matchLabels? The label of key `known` is not checked: the caller knows the entry
 * carries it.
 */
function hasAll(item: Labelled, labels: readonly string[], known: string | undefined): boolean {
  for (let i = 0; i < labels.length; i += 2)
    if (labels[i] !== known && !item.hasLabel(labels[i], labels[i + 1])) return false;
  return true;
}

/** Append the entries of a posting to the list of `key`. */
function addAll<T>(m: Map<string, T[]>, key: string, items: Posting<T>): void {
  if (!Array.isArray(items)) push(m, key, items);
  else for (const item of items) push(m, key, item);
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
  /** namespace → name → value; null for a namespace with a `/` (its pairs are joined). */
  private readonly byNamespace = new Map<string, Map<string, V> | null>();
  private joined: Map<string, V> | undefined;

  get(namespace: string, name: string): V | undefined {
    const names = this.byNamespace.get(namespace);
    if (names === undefined) {
      // A namespace with a `/` is only known here once a pair of it is set.
      return namespace.includes('/') || name.includes('/') ? this.joined?.get(`${namespace}/${name}`) : undefined;
    }
    if (names === null || name.includes('/')) return this.joined?.get(`${namespace}/${name}`);
    return names.get(name);
  }

  set(namespace: string, name: string, value: V): void {
    let names = this.byNamespace.get(namespace);
    if (names === undefined) {
      names = namespace.includes('/') ? null : new Map();
      this.byNamespace.set(namespace, names);
    }
    if (names === null || name.includes('/')) {
      (this.joined ??= new Map()).set(`${namespace}/${name}`, value);
      return;
    }
    names.set(name, value);
  }
}
