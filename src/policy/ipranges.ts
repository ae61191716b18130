/** IPv4 ranges for ipBlock peers: parsing, and a partition of the address space into atoms. */

export interface IpRange {
  lo: number;
  hi: number;
}

const MAX = 2 ** 32 - 1;

function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export type CidrParse =
  { ok: true; range: IpRange; v6: false } | { ok: true; v6: true; text: string } | { ok: false; reason: string };

/** Parse `a.b.c.d/n` (IPv6 CIDRs are recognised but not partitioned). */
export function parseCidr(s: string): CidrParse {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m) return { ok: false, reason: 'is not in CIDR notation (address/prefix)' };
  if (m[1].includes(':')) {
    const bits = Number(m[2]);
    if (bits > 128 || !/^[0-9a-fA-F:.]+$/.test(m[1])) return { ok: false, reason: 'is not a valid IPv6 CIDR' };
    return { ok: true, v6: true, text: s.trim().toLowerCase() };
  }
  const ip = parseIPv4(m[1]);
  const bits = Number(m[2]);
  if (ip === undefined) return { ok: false, reason: 'has an invalid IPv4 address' };
  if (bits > 32) return { ok: false, reason: 'has a prefix length over 32' };
  const size = 2 ** (32 - bits);
  const lo = Math.floor(ip / size) * size;
  return { ok: true, v6: false, range: { lo, hi: lo + size - 1 } };
}

export function contains(outer: IpRange, inner: IpRange): boolean {
  return inner.lo >= outer.lo && inner.hi <= outer.hi;
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** A range as a CIDR when it is exactly one, else `first-last`. */
export function formatRange(r: IpRange): string {
  const size = r.hi - r.lo + 1;
  const bits = Math.log2(size);
  if (Number.isInteger(bits) && r.lo % size === 0) return `${formatIp(r.lo)}/${32 - bits}`;
  return `${formatIp(r.lo)}-${formatIp(r.hi)}`;
}

/**
 * The coarsest partition of 0.0.0.0-255.255.255.255 in which every given range is a union of
 * atoms. Atoms are returned sorted.
 */
export function partition(ranges: IpRange[]): IpRange[] {
  const cuts = new Set<number>([0, MAX + 1]);
  for (const r of ranges) {
    cuts.add(r.lo);
    cuts.add(r.hi + 1);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const atoms: IpRange[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) atoms.push({ lo: sorted[i], hi: sorted[i + 1] - 1 });
  return atoms;
}

/** Indexes of the atoms inside `range` minus `except` (atoms never straddle a boundary). */
export function atomsOf(atoms: IpRange[], range: IpRange, except: IpRange[]): number[] {
  const out: number[] = [];
  // binary search the first atom at or after range.lo
  let lo = 0;
  let hi = atoms.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (atoms[mid].lo < range.lo) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < atoms.length && atoms[i].hi <= range.hi; i++) {
    if (except.some((e) => contains(e, atoms[i]))) continue;
    out.push(i);
  }
  return out;
}
