/** Up to this many items, earlier items are found by a scan; beyond, by a map. */
const SCAN_LIMIT = 8;

/**
 * The first item of each key in one scope (the ports of a pod, of a Service). Scopes are small: a
 * short list is scanned with `same` (no map, no key strings per scope); a scope with many items
 * switches to a map by `key` (no quadratic checks). `clear` starts the next scope.
 */
export class FirstSeen<T> {
  // The first `count` entries of `seen` are the scope's (the list is reused from scope to scope).
  private readonly seen: T[] = [];
  private count = 0;
  private byKey: Map<string, T> | undefined = undefined;

  constructor(
    private readonly same: (a: T, b: T) => boolean,
    private readonly key: (item: T) => string,
  ) {}

  clear(): void {
    this.count = 0;
    this.byKey = undefined;
  }

  /** The earlier item the same as `item`; undefined when `item` is the first of its key (it is then recorded). */
  first(item: T): T | undefined {
    if (this.byKey) {
      const k = this.key(item);
      const prev = this.byKey.get(k);
      if (prev === undefined) this.byKey.set(k, item);
      return prev;
    }
    for (let i = 0; i < this.count; i++) if (this.same(this.seen[i], item)) return this.seen[i];
    this.seen[this.count++] = item;
    if (this.count > SCAN_LIMIT) {
      this.byKey = new Map();
      for (let i = 0; i < this.count; i++) this.byKey.set(this.key(this.seen[i]), this.seen[i]);
    }
    return undefined;
  }
}
