/**
 * The IPv4 ranges of ipBlocks (src/policy/ipranges.ts): parsing, formatting and partitioning into
 * atoms, with property tests against brute-force models.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { atomsOf, formatIp, formatRange, parseCidr, partition } from '../../src/policy/ipranges.js';
import type { IpRange } from '../../src/policy/ipranges.js';

describe('ipranges', () => {
  const r = (s: string): IpRange => {
    const p = parseCidr(s);
    assert.ok(p.ok && !p.v6, s);
    return p.range;
  };

  it('parseCidr', () => {
    assert.deepEqual(r('10.0.0.0/8'), { lo: 10 * 2 ** 24, hi: 11 * 2 ** 24 - 1 });
    assert.deepEqual(r('10.1.2.3/8'), r('10.0.0.0/8'), 'host bits are masked');
    assert.deepEqual(r('0.0.0.0/0'), { lo: 0, hi: 2 ** 32 - 1 });
    assert.deepEqual(r('255.255.255.255/32'), { lo: 2 ** 32 - 1, hi: 2 ** 32 - 1 });
    assert.deepEqual(r(' 192.168.1.7/32 '), { lo: 0xc0a80107, hi: 0xc0a80107 });
    assert.deepEqual(parseCidr('2001:db8::/32'), { ok: true, v6: true, text: '2001:db8::/32' });
    for (const bad of [
      '10.0.0.0',
      '10.0.0.0/33',
      '256.0.0.0/8',
      '10.0.0/8',
      '01.2.3.4/8',
      '10.0.0.0/-1',
      'a.b.c.d/8',
      '2001:db8::/129',
      'zz::/64',
      '',
    ]) {
      assert.equal(parseCidr(bad).ok, false, bad);
    }
  });

  it('formatRange prints a CIDR when the range is exactly one, else first-last', () => {
    assert.equal(formatRange(r('0.0.0.0/0')), '0.0.0.0/0');
    assert.equal(formatRange(r('10.0.0.0/8')), '10.0.0.0/8');
    assert.equal(formatRange(r('1.2.3.4/32')), '1.2.3.4/32');
    assert.equal(formatRange({ lo: 0, hi: 10 * 2 ** 24 - 1 }), '0.0.0.0-9.255.255.255');
    assert.equal(formatRange({ lo: 1, hi: 2 }), '0.0.0.1-0.0.0.2', 'a power-of-two size that is not aligned');
    assert.equal(formatIp(2 ** 32 - 1), '255.255.255.255');
  });

  it('partition: the coarsest cut of the address space', () => {
    assert.deepEqual(partition([]), [{ lo: 0, hi: 2 ** 32 - 1 }]);
    assert.deepEqual(partition([r('0.0.0.0/0')]), [{ lo: 0, hi: 2 ** 32 - 1 }]);
    const atoms = partition([r('10.0.0.0/8'), r('10.1.0.0/16'), r('10.0.0.0/8')]);
    assert.deepEqual(atoms.map(formatRange), [
      '0.0.0.0-9.255.255.255',
      '10.0.0.0/16',
      '10.1.0.0/16',
      '10.2.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
    ]);
    assert.deepEqual(atomsOf(atoms, r('10.0.0.0/8'), [r('10.1.0.0/16')]), [1, 3]);
    assert.deepEqual(atomsOf(atoms, r('10.0.0.0/8'), []), [1, 2, 3]);
    assert.deepEqual(atomsOf(atoms, r('0.0.0.0/0'), [r('10.0.0.0/8')]), [0, 4]);
    assert.deepEqual(atomsOf(atoms, r('10.1.0.0/16'), [r('10.0.0.0/8')]), []);
  });

  const cidrArb = fc
    .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
    .map(([ip, bits]) => `${formatIp(ip)}/${bits}`);

  it('partition and atomsOf agree with brute force on random CIDRs', () => {
    fc.assert(
      fc.property(
        fc.array(cidrArb, { maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 20 }),
        (cidrs, probes) => {
          const ranges = cidrs.map(r);
          const atoms = partition(ranges);
          // contiguous, sorted, covering everything
          assert.equal(atoms[0].lo, 0);
          assert.equal(atoms[atoms.length - 1].hi, 2 ** 32 - 1);
          for (let i = 1; i < atoms.length; i++) assert.equal(atoms[i].lo, atoms[i - 1].hi + 1);
          // coarsest: every boundary is the start or the end + 1 of an input range
          const cuts = new Set(ranges.flatMap((x) => [x.lo, x.hi + 1]));
          for (const a of atoms.slice(1)) assert.ok(cuts.has(a.lo));
          // atomsOf(range minus except) is exactly the atoms whose addresses are in the set
          if (ranges.length === 0) return;
          const [range, ...except] = ranges;
          const inside = new Set(atomsOf(atoms, range, except));
          const member = (ip: number) =>
            ip >= range.lo && ip <= range.hi && !except.some((e) => ip >= e.lo && ip <= e.hi);
          atoms.forEach((a, i) => {
            // an atom never straddles a boundary: its first and last address agree
            assert.equal(member(a.lo), member(a.hi));
            assert.equal(inside.has(i), member(a.lo) && !except.some((e) => a.lo >= e.lo && a.hi <= e.hi));
          });
          for (const ip of probes) {
            const i = atoms.findIndex((a) => ip >= a.lo && ip <= a.hi);
            assert.equal(inside.has(i), member(ip));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
