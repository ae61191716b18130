/**
 * The connectivity list, one connection at a time, in the order `PolicyEngine.connectivity()`
 * returns it (by source, then destination; equal pairs in the order the engine finds them), so
 * that a command can write each pair as it is computed, with memory that grows with the input and
 * not with the number of pairs.
 *
 * Order: sources are taken in sorted order, and for each source its destinations are computed and
 * sorted. Connections between workloads (up to N² of them) are computed per source. The others
 * (external ranges to and from workloads, the ingress controller and the Gateways to their
 * backends: a few per workload) are computed first, kept, and merged in.
 *
 * Work stays proportional to the input and the answer, as in the engine: a destination's ingress
 * may only admit the pods its rules name (or every pod, when no rule limits the peers), so each
 * source visits the destinations whose rules may name it. `connectivity()` stays the reference:
 * test/cli/connectivity-stream.test.ts checks that both give the same list on every fixture.
 */
import { gatewayBackendTargets } from './consumers.js';
import { ConnSet } from './conn.js';
import { INGRESS_CONTROLLER } from './engine.js';
import type { Connection, Endpoint, NetPod, PolicyEngine } from './engine.js';
import { formatRange } from './ipranges.js';

type PeerSet = ReturnType<PolicyEngine['peerSet']>;

/** The order of the listing: by source, then by destination (UTF-16 code units, as `<` compares). */
export function compareConnections(x: Connection, y: Connection): number {
  return x.src < y.src ? -1 : x.src > y.src ? 1 : x.dst < y.dst ? -1 : x.dst > y.dst ? 1 : 0;
}

export interface StreamOptions {
  /** Only pairs this keeps (asked before a pair between workloads is evaluated). */
  keep?: (src: string, dst: string) => boolean;
  /**
   * Leave out what the open workloads (see `openWorkloads`) allow among themselves and with every
   * external address: the pairs between two of them, and their ranges covering every address.
   */
  omitOpen?: boolean;
}

/**
 * Workloads that no policy isolates or governs in either direction (NetworkPolicy, Cilium, the
 * cluster-scoped tiers): they can reach each other, and any address, on all ports.
 */
export function openWorkloads(engine: PolicyEngine): NetPod[] {
  return engine.workloadPods.filter((p) => isOpen(engine, p));
}

function isOpen(engine: PolicyEngine, p: NetPod): boolean {
  for (const dir of ['ingress', 'egress'] as const) {
    if (engine.tiers.governs(dir, p.id) || engine.cilium.governs(dir, p.id)) return false;
  }
  return engine.isolatedIngress(p).length === 0 && engine.isolatedEgress(p).length === 0;
}

/**
 * The peers a destination's ingress may admit: 'all' when it is not isolated (or a rule admits
 * every peer), else the peer sets of its allow rules (NetworkPolicy, Cilium, Admin-tier Allow).
 * A source outside these sets is allowed nothing (the Baseline tier only speaks when nothing isolates).
 */
function ingressCandidates(engine: PolicyEngine, dst: NetPod): 'all' | PeerSet[] {
  const policies = engine.isolatedIngress(dst);
  if (policies.length === 0 && !engine.cilium.isolates('ingress', dst.id)) return 'all';
  const sets = new Set<PeerSet>();
  for (const s of engine.cilium.allowSections('ingress', dst.id)) {
    if (s.empty) continue;
    if (s.peers === null) return 'all';
    for (const p of s.peers) sets.add(engine.peerSet(p, ''));
  }
  for (const r of engine.tiers.rules('Admin', 'ingress', dst.id)) {
    if (r.action !== 'Allow') continue;
    for (const p of r.peers) sets.add(engine.peerSet(p, ''));
  }
  for (const np of policies) {
    for (const r of np.ingress) {
      if (r.peers === null) return 'all';
      for (const p of r.peers) sets.add(engine.peerSet(p, r.policy.namespace));
    }
  }
  return [...sets];
}

/** Group external atoms with the same allowed connection into one endpoint name (as the engine does). */
function pushExternal(
  engine: PolicyEngine,
  out: Connection[],
  list: { a: number; conn: ConnSet }[],
  make: (name: string, conn: ConnSet) => Connection,
): void {
  const groups = new Map<string, { conn: ConnSet; atoms: number[] }>();
  for (const { a, conn } of list) {
    if (conn.isEmpty) continue;
    const key = conn.toString();
    const g = groups.get(key);
    if (g) g.atoms.push(a);
    else groups.set(key, { conn, atoms: [a] });
  }
  for (const g of groups.values()) out.push(make(engine.externalName(g.atoms.sort((x, y) => x - y)), g.conn));
}

/**
 * Connections that do not join two workloads: external ranges to workloads, workloads to external
 * ranges, the ingress controller and the Gateways to their backends. At most a few per workload.
 */
function otherConnections(
  engine: PolicyEngine,
  cands: ('all' | PeerSet[])[],
  open: Set<NetPod> | undefined,
): Connection[] {
  const out: Connection[] = [];
  const pods = engine.workloadPods;
  const everywhere = formatRange({ lo: 0, hi: 2 ** 32 - 1 });
  const atomsOf = (c: 'all' | PeerSet[]): number[] => {
    if (c === 'all') return engine.atoms.map((_, a) => a);
    const words = new Uint32Array((engine.atoms.length + 31) >>> 5);
    for (const s of c) for (let w = 0; w < words.length; w++) words[w] |= s.atoms.words[w];
    const out: number[] = [];
    for (let a = 0; a < engine.atoms.length; a++) if (words[a >>> 5] & (1 << (a & 31))) out.push(a);
    return out;
  };
  pods.forEach((dst, i) => {
    const dstEp: Endpoint = { kind: 'pod', pod: dst };
    const special = engine.tiers.governs('ingress', dst.id) || engine.cilium.governs('ingress', dst.id);
    if (!special && engine.isolatedIngress(dst).length === 0) {
      // Not isolated for ingress: every external address may connect.
      if (!open?.has(dst)) out.push({ src: everywhere, dst: dst.name, conn: ConnSet.ALL });
      return;
    }
    const list = atomsOf(cands[i]).map((a) => ({ a, conn: engine.allowed({ kind: 'external', atom: a }, dstEp) }));
    pushExternal(engine, out, list, (name, conn) => ({ src: name, dst: dst.name, conn }));
  });
  for (const src of pods) {
    const special = engine.tiers.governs('egress', src.id) || engine.cilium.governs('egress', src.id);
    if (!special && engine.isolatedEgress(src).length === 0) {
      if (!open?.has(src)) out.push({ src: src.name, dst: everywhere, conn: ConnSet.ALL });
      continue;
    }
    const srcEp: Endpoint = { kind: 'pod', pod: src };
    if (special) {
      const list = engine.atoms.map((_, a) => ({ a, conn: engine.allowed(srcEp, { kind: 'external', atom: a }) }));
      pushExternal(engine, out, list, (name, conn) => ({ src: src.name, dst: name, conn }));
      continue;
    }
    // External addresses have no policies of their own: the source's egress decides. Rules
    // without peers reach every range; ipBlock rules add their ports on their ranges only.
    const rules = engine.isolatedEgress(src).flatMap((np) => np.egress);
    const anyAtom: Endpoint = { kind: 'external', atom: 0 };
    let base = ConnSet.NONE;
    for (const r of rules) if (r.peers === null) base = base.union(engine.rulePorts(r, anyAtom));
    const extra = new Map<number, ConnSet>();
    for (const r of rules) {
      for (const p of r.peers ?? []) {
        if (p.kind !== 'ipBlock') continue;
        const ports = engine.rulePorts(r, anyAtom);
        for (const a of engine.peerSet(p, r.policy.namespace).atoms) extra.set(a, (extra.get(a) ?? base).union(ports));
      }
    }
    const list: { a: number; conn: ConnSet }[] = [];
    for (let a = 0; a < engine.atoms.length; a++) {
      const conn = extra.get(a) ?? base;
      if (!conn.isEmpty) list.push({ a, conn });
    }
    pushExternal(engine, out, list, (name, conn) => ({ src: src.name, dst: name, conn }));
  }
  // The ingress controller, on the ports the Ingresses send to.
  const controller: Endpoint = { kind: 'pod', pod: engine.controller };
  for (const { pod, conn } of engine.ingressBackendTargets()) {
    const allowed = engine.allowed(controller, { kind: 'pod', pod }).intersect(conn);
    if (!allowed.isEmpty) out.push({ src: INGRESS_CONTROLLER, dst: pod.name, conn: allowed });
  }
  // Each Gateway's pods to the backends of the routes it accepts.
  for (const { standIn, pods: gwPods } of engine.standIns) {
    if (standIn.kind !== 'gateway') continue;
    for (const { pod: t, conn } of gatewayBackendTargets(engine.graph, standIn.res)) {
      const dst = engine.podOf(t);
      if (!dst) continue;
      for (const src of gwPods) {
        const allowed = engine.allowed({ kind: 'pod', pod: src }, { kind: 'pod', pod: dst }).intersect(conn);
        if (!allowed.isEmpty) out.push({ src: src.name, dst: dst.name, conn: allowed });
      }
    }
  }
  // Stable: equal pairs keep the order in which they were found.
  return out.sort(compareConnections);
}

/** Merge two ascending lists of ranks, without duplicates. */
function mergeRanks(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next);
  }
  return out;
}

/**
 * Every allowed connection, in the order of `PolicyEngine.connectivity()`, computed source by
 * source as the caller asks for them.
 */
export function* connectionsInOrder(
  engine: PolicyEngine,
  options: StreamOptions = {},
): Generator<Connection, void, undefined> {
  const { keep } = options;
  const pods = engine.workloadPods;
  const open = options.omitOpen ? new Set(openWorkloads(engine)) : undefined;
  // Workloads by name (equal names in the engine's order): a destination is known by its rank.
  const sorted = pods
    .map((p, i) => ({ p, i }))
    .sort((x, y) => (x.p.name < y.p.name ? -1 : x.p.name > y.p.name ? 1 : x.i - y.i));
  const byRank = sorted.map((x) => x.p);
  const cands = pods.map((p) => ingressCandidates(engine, p));
  // Destinations every source may reach, and, per peer set, the destinations whose rules name it.
  const openDsts: number[] = [];
  const openDstsNotOpen: number[] = [];
  const dstsOfSet = new Map<PeerSet, number[]>();
  sorted.forEach(({ p, i }, rank) => {
    const c = cands[i];
    if (c === 'all') {
      openDsts.push(rank);
      if (!open?.has(p)) openDstsNotOpen.push(rank);
      return;
    }
    for (const s of c) {
      const list = dstsOfSet.get(s);
      if (list) list.push(rank);
      else dstsOfSet.set(s, [rank]);
    }
  });
  // The peer sets' pod bits, and the destinations (ranks) each set is a candidate for.
  const setWords = [...dstsOfSet.keys()].map((set) => set.pods.words);
  const setDsts = [...dstsOfSet.values()];

  const others = otherConnections(engine, cands, open);
  let next = 0;
  const keeps = (c: Connection) => !keep || keep(c.src, c.dst);

  for (let g = 0; g < byRank.length;) {
    // One source name at a time (several workloads only when names repeat).
    const name = byRank[g].name;
    let end = g + 1;
    while (end < byRank.length && byRank[end].name === name) end++;
    while (next < others.length && others[next].src < name) {
      const c = others[next++];
      if (keeps(c)) yield c;
    }
    const found: { rank: number; srcId: number; c: Connection }[] = [];
    for (let k = g; k < end; k++) {
      const src = byRank[k];
      const srcOpen = open?.has(src) ?? false;
      const word = src.id >>> 5;
      const bit = 1 << (src.id & 31);
      let named: number[] = [];
      for (let k = 0; k < setWords.length; k++) if (setWords[k][word] & bit) named = named.concat(setDsts[k]);
      named.sort((x, y) => x - y);
      const srcEp: Endpoint = { kind: 'pod', pod: src };
      for (const rank of mergeRanks(srcOpen ? openDstsNotOpen : openDsts, named)) {
        const dst = byRank[rank];
        if (dst === src || (srcOpen && open?.has(dst))) continue;
        if (keep && !keep(src.name, dst.name)) continue;
        const conn = engine.allowed(srcEp, { kind: 'pod', pod: dst });
        if (!conn.isEmpty) found.push({ rank, srcId: src.id, c: { src: src.name, dst: dst.name, conn } });
      }
    }
    if (end - g > 1) found.sort((x, y) => x.rank - y.rank || x.srcId - y.srcId);
    // Merge with the other connections from this source; between workloads first on equal pairs.
    for (const f of found) {
      while (next < others.length && others[next].src === name && others[next].dst < f.c.dst) {
        const c = others[next++];
        if (keeps(c)) yield c;
      }
      yield f.c;
    }
    while (next < others.length && others[next].src === name) {
      const c = others[next++];
      if (keeps(c)) yield c;
    }
    g = end;
  }
  while (next < others.length) {
    const c = others[next++];
    if (keeps(c)) yield c;
  }
}
