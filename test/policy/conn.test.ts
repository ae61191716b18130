/**
 * The algebra of ConnSet (src/policy/conn.ts), the connection sets of the connectivity engine: property
 * tests against a brute-force model of sets of (protocol, port).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConnSet, MAX_PORT, MIN_PORT, PROTOCOL_ORDER } from '../../src/policy/conn.js';
import type { Protocol } from '../../src/policy/conn.js';
import { ALL, NONE } from '../support/policy.js';

describe('ConnSet', () => {
  it('prints All Connections, No Connections and protocol lists', () => {
    assert.equal(ConnSet.ALL.toString(), ALL);
    assert.equal(ConnSet.NONE.toString(), NONE);
    assert.equal(ConnSet.of('TCP', 80).toString(), 'TCP 80');
    assert.equal(
      ConnSet.of('TCP', 80)
        .union(ConnSet.of('TCP', 8080, 8090))
        .union(ConnSet.of('UDP', 53))
        .toString(),
      'TCP 80,8080-8090,UDP 53',
    );
    assert.equal(
      ConnSet.of('SCTP', 1).union(ConnSet.of('TCP', 2)).toString(),
      'TCP 2,SCTP 1',
      'protocols in TCP, UDP, SCTP order',
    );
    assert.equal(ConnSet.allPorts('UDP').toString(), 'UDP 1-65535');
    assert.equal(
      ConnSet.allPorts('TCP').union(ConnSet.allPorts('UDP')).union(ConnSet.allPorts('SCTP')).toString(),
      ALL,
    );
  });

  it('merges adjacent and overlapping ranges', () => {
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .union(ConnSet.of('TCP', 91, 100))
        .toString(),
      'TCP 80-100',
    );
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .union(ConnSet.of('TCP', 85, 95))
        .toString(),
      'TCP 80-95',
    );
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .union(ConnSet.of('TCP', 92, 95))
        .toString(),
      'TCP 80-90,92-95',
    );
    assert.equal(
      ConnSet.of('TCP', 100)
        .union(ConnSet.of('TCP', 1, 99))
        .toString(),
      'TCP 1-100',
    );
  });

  it('intersects and subtracts per protocol', () => {
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .intersect(ConnSet.of('TCP', 85, 100))
        .toString(),
      'TCP 85-90',
    );
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .intersect(ConnSet.of('UDP', 80, 90))
        .toString(),
      NONE,
    );
    assert.equal(ConnSet.ALL.intersect(ConnSet.of('UDP', 53)).toString(), 'UDP 53');
    assert.equal(ConnSet.ALL.subtract(ConnSet.allPorts('TCP')).toString(), 'UDP 1-65535,SCTP 1-65535');
    assert.equal(ConnSet.of('TCP', 1, 100).subtract(ConnSet.of('TCP', 50)).toString(), 'TCP 1-49,51-100');
    assert.equal(
      ConnSet.of('TCP', 1, 100)
        .subtract(ConnSet.of('TCP', 1, 100))
        .toString(),
      NONE,
    );
    assert.equal(
      ConnSet.of('TCP', 1, 100)
        .subtract(ConnSet.of('UDP', 1, 100))
        .toString(),
      'TCP 1-100',
    );
    assert.equal(
      ConnSet.allPorts('TCP').subtract(ConnSet.of('TCP', 1)).subtract(ConnSet.of('TCP', 65535)).toString(),
      'TCP 2-65534',
    );
  });

  it('clamps to 1-65535 and treats an empty range as no connection', () => {
    assert.equal(ConnSet.of('TCP', 0, 10).toString(), 'TCP 1-10');
    assert.equal(ConnSet.of('TCP', 65530, 70000).toString(), 'TCP 65530-65535');
    for (const empty of [ConnSet.of('TCP', 90, 80), ConnSet.of('UDP', 0), ConnSet.of('TCP', 70000)]) {
      assert.equal(empty.isEmpty, true);
      assert.equal(empty.toString(), NONE);
      assert.ok(empty.equals(ConnSet.NONE));
      assert.equal(ConnSet.NONE.union(empty).toString(), NONE);
    }
  });

  it('has, isAll, isEmpty, equals', () => {
    const c = ConnSet.of('TCP', 80, 90).union(ConnSet.of('UDP', 53));
    assert.equal(c.has('TCP', 80), true);
    assert.equal(c.has('TCP', 90), true);
    assert.equal(c.has('TCP', 91), false);
    assert.equal(c.has('UDP', 80), false);
    assert.equal(c.has('SCTP', 53), false);
    assert.equal(ConnSet.ALL.isAll, true);
    assert.equal(ConnSet.allPorts('TCP').isAll, false);
    assert.equal(ConnSet.NONE.isEmpty, true);
    assert.ok(
      ConnSet.of('TCP', 80, 85)
        .union(ConnSet.of('TCP', 86, 90))
        .equals(ConnSet.of('TCP', 80, 90)),
    );
  });

  // A brute-force model: membership sampled at every point where a set built from the generated
  // ranges can change (each range start and end + 1), which determines the set exactly.
  const POINTS = [1, 2, 3, 5, 8, 53, 54, 80, 443, 1000, 32767, 65533, 65534, 65535];
  /** A range of one protocol, every port of one protocol, or everything. */
  type Spec = readonly [Protocol, number, number] | Protocol | 'ALL';
  const rangeArb: fc.Arbitrary<Spec> = fc
    .tuple(fc.constantFrom(...PROTOCOL_ORDER), fc.constantFrom(...POINTS), fc.constantFrom(...POINTS))
    .map(([p, a, b]) => [p, Math.min(a, b), Math.max(a, b)] as const);
  const connArb = fc.array(fc.oneof(rangeArb, fc.constantFrom<Spec>(...PROTOCOL_ORDER, 'ALL')), { maxLength: 5 });
  const samples = [...new Set(POINTS.flatMap((p) => [p, p + 1]).filter((p) => p >= MIN_PORT && p <= MAX_PORT))].sort(
    (a, b) => a - b,
  );
  type Model = Map<Protocol, boolean[]>;
  const build = (specs: Spec[]): [ConnSet, Model] => {
    let c = ConnSet.NONE;
    const m: Model = new Map(PROTOCOL_ORDER.map((p) => [p, samples.map(() => false)]));
    for (const s of specs) {
      if (s === 'ALL') {
        c = c.union(ConnSet.ALL);
        for (const p of PROTOCOL_ORDER)
          m.set(
            p,
            samples.map(() => true),
          );
      } else if (typeof s === 'string') {
        c = c.union(ConnSet.allPorts(s));
        m.set(
          s,
          samples.map(() => true),
        );
      } else {
        const [p, a, b] = s;
        c = c.union(ConnSet.of(p, a, b));
        m.set(
          p,
          m.get(p)!.map((v, i) => v || (samples[i] >= a && samples[i] <= b)),
        );
      }
    }
    return [c, m];
  };
  const op = (a: Model, b: Model, f: (x: boolean, y: boolean) => boolean): Model =>
    new Map(PROTOCOL_ORDER.map((p) => [p, a.get(p)!.map((v, i) => f(v, b.get(p)![i]))]));
  /** The string the model's set must print as, derived from the sampled membership. */
  const expected = (m: Model): string => {
    const parts: string[] = [];
    let all = true;
    for (const p of PROTOCOL_ORDER) {
      const bits = m.get(p)!;
      const ranges: string[] = [];
      for (let i = 0; i < samples.length; i++) {
        if (!bits[i]) continue;
        const lo = samples[i];
        let j = i;
        while (j + 1 < samples.length && bits[j + 1]) j++;
        const hi = j + 1 < samples.length ? samples[j + 1] - 1 : MAX_PORT;
        ranges.push(lo === hi ? String(lo) : `${lo}-${hi}`);
        i = j;
      }
      // membership below the first sample (port 1 is a sample) is never needed
      if (!(ranges.length === 1 && ranges[0] === `${MIN_PORT}-${MAX_PORT}`)) all = false;
      if (ranges.length) parts.push(`${p} ${ranges.join(',')}`);
    }
    if (parts.length === 0) return NONE;
    return all ? ALL : parts.join(',');
  };
  const agree = (c: ConnSet, m: Model): void => {
    assert.equal(c.toString(), expected(m));
    for (const p of PROTOCOL_ORDER)
      samples.forEach((port, i) => assert.equal(c.has(p, port), m.get(p)![i], `${p} ${port} in ${c.toString()}`));
    assert.equal(c.isEmpty, expected(m) === NONE);
    assert.equal(c.isAll, expected(m) === ALL);
  };

  it('union, intersect and subtract agree with a brute-force set of (protocol, port)', () => {
    fc.assert(
      fc.property(connArb, connArb, (x, y) => {
        const [a, ma] = build(x);
        const [b, mb] = build(y);
        agree(a, ma);
        agree(
          a.union(b),
          op(ma, mb, (u, v) => u || v),
        );
        agree(
          a.intersect(b),
          op(ma, mb, (u, v) => u && v),
        );
        agree(
          a.subtract(b),
          op(ma, mb, (u, v) => u && !v),
        );
        assert.equal(a.equals(b), expected(ma) === expected(mb));
        // algebraic identities
        assert.ok(a.union(b).equals(b.union(a)));
        assert.ok(a.intersect(b).equals(b.intersect(a)));
        assert.ok(a.subtract(b).union(a.intersect(b)).equals(a));
        assert.ok(a.subtract(b).intersect(b).isEmpty);
      }),
      { numRuns: 500 },
    );
  });
});
