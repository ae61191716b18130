/**
 * Connectivity diffs: which connections two versions of the manifests add, remove or change. Their
 * renderings live in src/format/connectivity/.
 */
import { ConnSet } from './conn.js';
import type { Connection } from './engine.js';

export interface ConnectionDiff {
  diff: 'added' | 'removed' | 'changed';
  src: string;
  dst: string;
  old?: ConnSet;
  new?: ConnSet;
}

export function diffConnectivity(oldConns: Connection[], newConns: Connection[]): ConnectionDiff[] {
  const key = (c: Connection) => `${c.src}\u0000${c.dst}`;
  const before = new Map(oldConns.map((c) => [key(c), c]));
  const after = new Map(newConns.map((c) => [key(c), c]));
  const out: ConnectionDiff[] = [];
  for (const [k, n] of after) {
    const o = before.get(k);
    if (!o) out.push({ diff: 'added', src: n.src, dst: n.dst, new: n.conn });
    else if (!o.conn.equals(n.conn)) out.push({ diff: 'changed', src: n.src, dst: n.dst, old: o.conn, new: n.conn });
  }
  for (const [k, o] of before) if (!after.has(k)) out.push({ diff: 'removed', src: o.src, dst: o.dst, old: o.conn });
  return out.sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

/** Does the diff open anything that was closed (a new pair, or new ports on a pair)? */
export function opensConnections(d: ConnectionDiff): boolean {
  if (d.diff === 'added') return true;
  if (d.diff === 'changed') return !(d.new ?? ConnSet.NONE).subtract(d.old ?? ConnSet.NONE).isEmpty;
  return false;
}
