/**
 * Sets of connections: per protocol, a set of port ranges (1-65535). Immutable values.
 */
export const PROTOCOL_ORDER = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOL_ORDER)[number];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Sorted, disjoint, non-adjacent inclusive ranges. */
type Ranges = readonly (readonly [number, number])[];

function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: Ranges, b: Ranges): Ranges {
  let cur: [number, number][] = a.map(([x, y]) => [x, y]);
  for (const [bl, bh] of b) {
    const next: [number, number][] = [];
    for (const [al, ah] of cur) {
      if (bh < al || bl > ah) next.push([al, ah]);
      else {
        if (al < bl) next.push([al, bl - 1]);
        if (bh < ah) next.push([bh + 1, ah]);
      }
    }
    cur = next;
  }
  return cur;
}

/** The union of two normalized range lists, normalized (a merge of the two sorted lists). */
function unionRanges(a: Ranges, b: Ranges): Ranges {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const r = j >= b.length || (i < a.length && a[i][0] <= b[j][0]) ? a[i++] : b[j++];
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

const FULL: Ranges = [[MIN_PORT, MAX_PORT]];

/** The sets of one port, by protocol and port (`ConnSet.of` with one port). */
const SINGLE_PORTS = new Map<Protocol, Map<number, ConnSet>>();

export class ConnSet {
  private constructor(private readonly byProto: ReadonlyMap<Protocol, Ranges>) {}

  static readonly NONE = new ConnSet(new Map());
  static readonly ALL = new ConnSet(new Map(PROTOCOL_ORDER.map((p) => [p, FULL])));

  static of(protocol: Protocol, from = MIN_PORT, to = from): ConnSet {
    // An empty range (to < from, or entirely outside 1-65535) is no connection, not an empty protocol entry.
    const lo = Math.max(MIN_PORT, from);
    const hi = Math.min(MAX_PORT, to);
    if (!(lo <= hi)) return ConnSet.NONE;
    if (lo !== hi) return new ConnSet(new Map([[protocol, [[lo, hi]]]]));
    // One port: the same value every time it is asked for (a set is immutable).
    let byPort = SINGLE_PORTS.get(protocol);
    if (!byPort) SINGLE_PORTS.set(protocol, (byPort = new Map()));
    let set = byPort.get(lo);
    if (!set) byPort.set(lo, (set = new ConnSet(new Map([[protocol, [[lo, lo]]]]))));
    return set;
  }

  static allPorts(protocol: Protocol): ConnSet {
    return new ConnSet(new Map([[protocol, FULL]]));
  }

  get isEmpty(): boolean {
    return this.byProto.size === 0;
  }

  private all?: boolean;

  get isAll(): boolean {
    if (this.all === undefined) {
      let all = true;
      for (const p of PROTOCOL_ORDER) {
        const r = this.byProto.get(p);
        if (r === undefined || r.length !== 1 || r[0][0] !== MIN_PORT || r[0][1] !== MAX_PORT) {
          all = false;
          break;
        }
      }
      this.all = all;
    }
    return this.all;
  }

  union(o: ConnSet): ConnSet {
    if (o.isEmpty || this === ConnSet.ALL) return this;
    if (this.isEmpty || o === ConnSet.ALL) return o;
    const m = new Map<Protocol, Ranges>();
    for (const p of PROTOCOL_ORDER) {
      const a = this.byProto.get(p);
      const b = o.byProto.get(p);
      // (Ranges are never changed once made: one side alone is shared as it is.)
      if (a && b) m.set(p, unionRanges(a, b));
      else if (a || b) m.set(p, (a ?? b)!);
    }
    return new ConnSet(m);
  }

  intersect(o: ConnSet): ConnSet {
    if (this.isEmpty || o.isEmpty) return ConnSet.NONE;
    if (o === ConnSet.ALL || o === this) return this;
    if (this === ConnSet.ALL) return o;
    const m = new Map<Protocol, Ranges>();
    for (const p of PROTOCOL_ORDER) {
      const a = this.byProto.get(p);
      const b = o.byProto.get(p);
      if (!a || !b) continue;
      const r = intersectRanges(a, b);
      if (r.length) m.set(p, r);
    }
    return m.size ? new ConnSet(m) : ConnSet.NONE;
  }

  subtract(o: ConnSet): ConnSet {
    if (this.isEmpty || o.isEmpty) return this;
    if (o === ConnSet.ALL || o === this) return ConnSet.NONE;
    const m = new Map<Protocol, Ranges>();
    for (const p of PROTOCOL_ORDER) {
      const a = this.byProto.get(p);
      if (!a) continue;
      const b = o.byProto.get(p);
      const r = b ? subtractRanges(a, b) : a;
      if (r.length) m.set(p, r);
    }
    return m.size ? new ConnSet(m) : ConnSet.NONE;
  }

  /** Do the two sets share a connection? (intersect without building it) */
  overlaps(o: ConnSet): boolean {
    if (this.isEmpty || o.isEmpty) return false;
    // (Indexed: asked once per connection a rule checks, mostly before the runtime optimizes this.)
    for (let k = 0; k < PROTOCOL_ORDER.length; k++) {
      const a = this.byProto.get(PROTOCOL_ORDER[k]);
      const b = o.byProto.get(PROTOCOL_ORDER[k]);
      if (!a || !b) continue;
      let i = 0;
      let j = 0;
      while (i < a.length && j < b.length) {
        if (Math.max(a[i][0], b[j][0]) <= Math.min(a[i][1], b[j][1])) return true;
        if (a[i][1] < b[j][1]) i++;
        else j++;
      }
    }
    return false;
  }

  has(protocol: Protocol, port: number): boolean {
    const r = this.byProto.get(protocol);
    if (r === undefined) return false;
    for (const [a, b] of r) if (port >= a && port <= b) return true;
    return false;
  }

  equals(o: ConnSet): boolean {
    return this.toString() === o.toString();
  }

  private text?: string;

  /** `All Connections`, `No Connections`, or e.g. `TCP 80,8080-8090,UDP 53`. */
  toString(): string {
    return (this.text ??= this.render());
  }

  private render(): string {
    if (this.isEmpty) return 'No Connections';
    if (this.isAll) return 'All Connections';
    const parts: string[] = [];
    for (const p of PROTOCOL_ORDER) {
      const r = this.byProto.get(p);
      if (!r) continue;
      parts.push(`${p} ${r.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',')}`);
    }
    return parts.join(',');
  }
}

export function isProtocol(s: string): s is Protocol {
  return (PROTOCOL_ORDER as readonly string[]).includes(s);
}
