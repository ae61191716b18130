/**
 * The connection list (`connectivity`): every allowed connection between workloads, between
 * workloads and external ranges, and from the ingress controller and the Gateways to their
 * backends. Work grows with the printed pairs, not with pods × pods or pods × ranges:
 *
 * - Pod to pod: each destination visits only the sources its ingress may admit (the peers of its
 *   rules and of the tiers' Allow rules; every pod when nothing restricts it).
 * - Pods and external ranges: what a pod's policies say about external addresses depends only on
 *   the rules that can match an address (ipBlock, CIDR, `networks` and entity peers, and rules
 *   without peers), on whether the pod is isolated, and (towards the pod) on the numbers its
 *   named ports stand for. Pods alike in these share one evaluation (an "external profile"), and
 *   within a profile the atoms that every such peer treats alike form one class, evaluated once.
 */
import { isProtocol, PROTOCOL_ORDER } from './conn.js';
import { ConnSet } from './conn.js';
import { adminPortConn } from './admin.js';
import { Bits } from './bits.js';
import { gatewayBackendTargets } from './consumers.js';
import type { Connection, Direction, Endpoint, PolicyEngine } from './engine.js';
import { formatRange } from './ipranges.js';
import { INGRESS_CONTROLLER } from './placement.js';
import type { NetPod } from './pods.js';
import type { AdminPolicy, AdminPort, AdminRule } from '../model/adminpolicy.js';
import type { CiliumRule, CiliumSection } from '../model/cilium.js';
import type { NetworkPolicy, PeerSpec, PolicyRule } from '../model/netpol.js';

export function listConnections(engine: PolicyEngine): Connection[] {
  const out: Connection[] = [];
  const pods = engine.workloadPods;
  const podIds = new Set(pods.map((p) => p.id));
  const everywhere = formatRange({ lo: 0, hi: 2 ** 32 - 1 });
  const profiles = new ExternalProfiles(engine);
  const scratch = new Bits(engine.pods.length);
  const bounds = new PortBounds(engine);
  for (const dst of pods) {
    const cands = ingressCandidates(engine, dst, scratch);
    const dstEp: Endpoint = { kind: 'pod', pod: dst };
    const inBound = bounds.of('ingress', dst);
    for (const i of cands) {
      if (i === dst.id || !podIds.has(i)) continue;
      const src = engine.pods[i];
      // Ports the source may send on nowhere meet the ports the destination may accept: nothing to evaluate.
      if (!bounds.of('egress', src).overlaps(inBound)) continue;
      const conn = engine.allowed({ kind: 'pod', pod: src }, dstEp);
      if (!conn.isEmpty) out.push({ src: src.name, dst: dst.name, conn });
    }
    if (!profiles.restricted('ingress', dst)) {
      // Not isolated for ingress and no other policy about it: every external address may connect.
      out.push({ src: everywhere, dst: dst.name, conn: ConnSet.ALL });
    } else {
      for (const g of profiles.groups('ingress', dst)) out.push({ src: g.name, dst: dst.name, conn: g.conn });
    }
  }
  for (const src of pods) {
    if (!profiles.restricted('egress', src)) out.push({ src: src.name, dst: everywhere, conn: ConnSet.ALL });
    else for (const g of profiles.groups('egress', src)) out.push({ src: src.name, dst: g.name, conn: g.conn });
  }
  for (const c of ingressControllerConnections(engine)) out.push(c);
  for (const c of gatewayConnections(engine)) out.push(c);
  return out.sort((x, y) => (x.src < y.src ? -1 : x.src > y.src ? 1 : x.dst < y.dst ? -1 : x.dst > y.dst ? 1 : 0));
}

/**
 * What a pod's side of a connection may allow at most, whatever the other end: everything when
 * nothing isolates it in the NetworkPolicy tier (the Baseline tier then decides what the Admin tier
 * leaves), else the ports of its Admin-tier Allow rules, its NetworkPolicy rules and its Cilium
 * allow sections. A named port may stand for any number: a rule with one bounds nothing.
 */
class PortBounds {
  private readonly cache: Record<Direction, (ConnSet | undefined)[]> = { ingress: [], egress: [] };

  constructor(private readonly engine: PolicyEngine) {}

  of(dir: Direction, pod: NetPod): ConnSet {
    let b = this.cache[dir][pod.id];
    if (!b) this.cache[dir][pod.id] = b = this.compute(dir, pod);
    return b;
  }

  private compute(dir: Direction, pod: NetPod): ConnSet {
    const e = this.engine;
    if (e.policiesOf(dir, pod.id).length === 0 && !e.cilium.isolates(dir, pod.id)) return ConnSet.ALL;
    let acc = ConnSet.NONE;
    const admin = (ports: readonly AdminPort[] | null) => {
      if (ports === null || ports.some((p) => p.named !== undefined)) return ConnSet.ALL;
      let c = ConnSet.NONE;
      for (const p of ports) c = c.union(adminPortConn(e.tierContext, p, { kind: 'external', atom: 0 }));
      return c;
    };
    for (const r of e.tiers.rules('Admin', dir, pod.id)) if (r.action === 'Allow') acc = acc.union(admin(r.ports));
    for (const s of e.cilium.allowSections(dir, pod.id)) if (!s.empty) acc = acc.union(admin(s.ports));
    for (const r of e.rulesOf(dir, pod.id)) {
      if (r.ports === null || r.ports.some((p) => typeof p.port === 'string')) return ConnSet.ALL;
      acc = acc.union(e.rulePorts(r, { kind: 'external', atom: 0 }));
    }
    return acc;
  }
}

/**
 * Source pods that dst's ingress may admit: all pods when not isolated, else its rules' peers (in
 * `scratch`, which the next call reuses).
 */
function ingressCandidates(engine: PolicyEngine, dst: NetPod, scratch: Bits): Bits {
  const ciliumIso = engine.cilium.isolates('ingress', dst.id);
  if (engine.policiesOf('ingress', dst.id).length === 0 && !ciliumIso) return engine.allPeers.pods;
  scratch.clear();
  for (const s of engine.cilium.allowSections('ingress', dst.id)) {
    if (s.empty) continue;
    if (s.peers === null) return engine.allPeers.pods;
    for (const p of s.peers) scratch.or(engine.peerSet(p, '').pods);
  }
  // The Admin tier admits its Allow rules' peers whatever the NetworkPolicies say.
  for (const r of engine.tiers.rules('Admin', 'ingress', dst.id)) {
    if (r.action !== 'Allow') continue;
    for (const p of r.peers) scratch.or(engine.peerSet(p, '').pods);
  }
  for (const r of engine.rulesOf('ingress', dst.id)) {
    if (r.peers === null) return engine.allPeers.pods;
    for (const p of r.peers) scratch.or(engine.peerSet(p, r.policy.namespace).pods);
  }
  return scratch;
}

/** External ranges with one allowed connection, named as `lo-hi` ranges. */
interface Group {
  name: string;
  conn: ConnSet;
}

const ipBlocks = (peers: readonly PeerSpec[]) => peers.filter((p) => p.kind === 'ipBlock');
const ipBlockText = (peers: readonly PeerSpec[]) =>
  JSON.stringify(ipBlocks(peers).map((p) => (p.kind === 'ipBlock' ? [p.cidr, p.except] : [])));
const adminPortsText = (ports: readonly AdminPort[] | null) =>
  ports === null ? '*' : JSON.stringify(ports.map((p) => [p.protocol, p.port, p.endPort, p.named]));

/** One rule as far as external addresses are concerned (undefined: it never matches one). */
interface Shape {
  id: number;
  /** The rule's ipBlock-like peers; null: it matches every address. */
  peers: PeerSpec[] | null;
  /** Names of the ports it names (resolved on the destination pod), with the protocols they may have. */
  named: [string, readonly string[]][];
}

/** A policy's (or Cilium rule's) rules of one direction that can match an address. */
interface Owner {
  id: number;
  shapes: Shape[];
  named: [string, readonly string[]][];
}

/** Pods alike towards external addresses share one evaluation of every range. */
class ExternalProfiles {
  private readonly shapes = new Map<string, number>();
  private readonly shapeOf = new Map<object, Shape | undefined>();
  private readonly owners: Record<Direction, Map<object, Owner | undefined>> = {
    ingress: new Map(),
    egress: new Map(),
  };
  private readonly cache = new Map<string, Group[]>();

  constructor(private readonly engine: PolicyEngine) {}

  /** Does anything restrict the pod's traffic with external addresses in this direction? */
  restricted(dir: Direction, pod: NetPod): boolean {
    const e = this.engine;
    return e.policiesOf(dir, pod.id).length > 0 || e.tiers.governs(dir, pod.id) || e.cilium.governs(dir, pod.id);
  }

  private shape(
    rule: object,
    text: () => string | undefined,
    peers: PeerSpec[] | null,
    named: [string, readonly string[]][],
  ): Shape | undefined {
    if (this.shapeOf.has(rule)) return this.shapeOf.get(rule);
    const t = text();
    let shape: Shape | undefined;
    if (t !== undefined) {
      let id = this.shapes.get(t);
      if (id === undefined) this.shapes.set(t, (id = this.shapes.size));
      shape = { id, peers, named };
    }
    this.shapeOf.set(rule, shape);
    return shape;
  }

  private npShape(r: PolicyRule): Shape | undefined {
    const relevant = r.peers === null || r.peers.some((p) => p.kind === 'ipBlock');
    const ports = r.ports === null ? '*' : JSON.stringify(r.ports.map((p) => [p.protocol, p.port, p.endPort]));
    const named: [string, readonly string[]][] = (r.ports ?? []).flatMap((p) =>
      typeof p.port === 'string' ? [[p.port, [p.protocol]] as [string, string[]]] : [],
    );
    return this.shape(
      r,
      () => (relevant ? `np|${r.peers === null ? '*' : ipBlockText(r.peers)}|${ports}` : undefined),
      r.peers === null ? null : ipBlocks(r.peers),
      named,
    );
  }

  private ciliumShape(s: CiliumSection): Shape | undefined {
    const relevant = !s.empty && (s.peers === null || s.peers.some((p) => p.kind === 'ipBlock'));
    return this.shape(
      s,
      () =>
        relevant
          ? `c|${s.deny}|${s.peers === null ? '*' : ipBlockText(s.peers)}|${adminPortsText(s.ports)}`
          : undefined,
      s.peers === null ? null : ipBlocks(s.peers),
      namedOf(s.ports),
    );
  }

  private adminShape(r: AdminRule): Shape | undefined {
    const relevant = r.peers.some((p) => p.kind === 'ipBlock');
    return this.shape(
      r,
      () => (relevant ? `a|${r.action}|${ipBlockText(r.peers)}|${adminPortsText(r.ports)}` : undefined),
      ipBlocks(r.peers),
      namedOf(r.ports),
    );
  }

  /** A policy's (or Cilium rule's) relevant rules in one direction, as one id; undefined when none is relevant. */
  private owner(owner: object, dir: Direction, kind: string, shapesOf: () => (Shape | undefined)[]): Owner | undefined {
    const cache = this.owners[dir];
    if (cache.has(owner)) return cache.get(owner);
    const shapes = shapesOf().filter((x): x is Shape => x !== undefined);
    let o: Owner | undefined;
    if (shapes.length) {
      const text = `${kind}:${shapes.map((x) => x.id).join(',')}`;
      let id = this.shapes.get(text);
      if (id === undefined) this.shapes.set(text, (id = this.shapes.size));
      o = { id, shapes, named: shapes.flatMap((x) => x.named) };
    }
    cache.set(owner, o);
    return o;
  }

  /** The profile of a pod in a direction: its key and the owners that make it. */
  private profile(dir: Direction, pod: NetPod): { key: string; owners: Owner[] } {
    const e = this.engine;
    const owners: Owner[] = [];
    const collect = (
      list: readonly object[],
      kind: string,
      shapesOf: (x: never) => (Shape | undefined)[],
      sorted: boolean,
    ) => {
      const ids: number[] = [];
      for (const x of list) {
        const o = this.owner(x, dir, kind, () => shapesOf(x as never));
        if (!o) continue;
        owners.push(o);
        ids.push(o.id);
      }
      return (sorted ? ids.sort((a, b) => a - b) : ids).join(',');
    };
    const np = collect(
      e.policiesOf(dir, pod.id),
      'n',
      (p: NetworkPolicy) => (dir === 'ingress' ? p.ingress : p.egress).map((r) => this.npShape(r)),
      true,
    );
    const cilium = collect(
      e.cilium.rulesOf(dir, pod.id),
      'c',
      (r: CiliumRule) => r.sections.filter((x) => x.direction === dir).map((x) => this.ciliumShape(x)),
      true,
    );
    const admin = collect(
      e.tiers.policiesOf('Admin', dir, pod.id),
      'a',
      (p: AdminPolicy) => p.rules(dir).map((r) => this.adminShape(r)),
      false,
    );
    const baseline = collect(
      e.tiers.policiesOf('Baseline', dir, pod.id),
      'a',
      (p: AdminPolicy) => p.rules(dir).map((r) => this.adminShape(r)),
      false,
    );
    // Named ports resolve on the destination: towards the pod, the numbers they stand for count.
    let ports = '';
    if (dir === 'ingress') {
      const seen = new Set<string>();
      for (const o of owners) {
        for (const [name, protocols] of o.named) {
          for (const p of protocols) {
            const k = `${name}/${p}`;
            if (seen.has(k)) continue;
            seen.add(k);
            ports += `${k}=${pod.portsNamed(name, p).join('+')};`;
          }
        }
      }
    }
    const isolated = `${e.policiesOf(dir, pod.id).length > 0 ? 'n' : ''}${e.cilium.isolates(dir, pod.id) ? 'c' : ''}`;
    return { key: `${dir}|${isolated}|${np}|${cilium}|${admin}|${baseline}|${ports}`, owners };
  }

  /** The external ranges a pod may reach (egress) or be reached from (ingress), grouped by what is allowed. */
  groups(dir: Direction, pod: NetPod): Group[] {
    const { key, owners } = this.profile(dir, pod);
    let groups = this.cache.get(key);
    if (!groups)
      this.cache.set(
        key,
        (groups = this.evaluate(
          dir,
          pod,
          owners.flatMap((o) => o.shapes),
        )),
      );
    return groups;
  }

  private evaluate(dir: Direction, pod: NetPod, shapes: Shape[]): Group[] {
    const e = this.engine;
    const n = e.atoms.length;
    // Atoms every relevant peer treats alike are one class (partition refinement, peer by peer).
    const classOf = new Int32Array(n);
    let classes = 1;
    const seen = new Set<Bits>();
    for (const s of shapes) {
      for (const p of s.peers ?? []) {
        const atoms = e.peerSet(p, '').atoms;
        if (seen.has(atoms)) continue;
        seen.add(atoms);
        const remap = new Map<number, number>();
        for (const a of atoms) {
          const c = classOf[a];
          let to = remap.get(c);
          if (to === undefined) remap.set(c, (to = classes++));
          classOf[a] = to;
        }
      }
    }
    const self: Endpoint = { kind: 'pod', pod };
    const connOf: (ConnSet | undefined)[] = new Array(classes);
    const byConn = new Map<string, { conn: ConnSet; atoms: number[] }>();
    for (let a = 0; a < n; a++) {
      const c = classOf[a];
      let conn = connOf[c];
      if (conn === undefined) {
        const ext: Endpoint = { kind: 'external', atom: a };
        conn = connOf[c] = dir === 'egress' ? e.allowed(self, ext) : e.allowed(ext, self);
      }
      if (conn.isEmpty) continue;
      const k = conn.toString();
      const g = byConn.get(k);
      if (g) g.atoms.push(a);
      else byConn.set(k, { conn, atoms: [a] });
    }
    return [...byConn.values()].map((g) => ({ name: e.externalName(g.atoms), conn: g.conn }));
  }
}

function namedOf(ports: readonly AdminPort[] | null): [string, readonly string[]][] {
  // A named port of the admin tiers and Cilium matches the container port of that name, whatever its
  // protocol (unless a Cilium port names one).
  return (ports ?? []).flatMap((p) =>
    p.named !== undefined
      ? [[p.named, p.protocol !== undefined ? [p.protocol] : PROTOCOL_ORDER] as [string, readonly string[]]]
      : [],
  );
}

/** The target ports each Ingress backend sends traffic to, per destination pod. */
export function ingressBackendTargets(engine: PolicyEngine): { pod: NetPod; conn: ConnSet }[] {
  const byPod = new Map<NetPod, ConnSet>();
  for (const ing of engine.model.ingresses) {
    if (ing.res.superseded) continue;
    for (const b of ing.backends) {
      const r = engine.graph.ingressBackend(b);
      if (r.status !== 'ok') continue;
      for (const t of engine.graph.podsOf(r.service)) {
        const pod = engine.podOf(t);
        const res = engine.graph.resolveTarget(r.servicePort, t);
        if (!pod || !res || (res.status !== 'ok' && res.status !== 'undeclared')) continue;
        const proto = r.servicePort.protocol;
        if (!isProtocol(proto)) continue;
        byPod.set(pod, (byPod.get(pod) ?? ConnSet.NONE).union(ConnSet.of(proto, res.number)));
      }
    }
  }
  return [...byPod].map(([pod, conn]) => ({ pod, conn }));
}

function ingressControllerConnections(engine: PolicyEngine): Connection[] {
  const out: Connection[] = [];
  const src: Endpoint = { kind: 'pod', pod: engine.controller };
  for (const { pod, conn } of ingressBackendTargets(engine)) {
    const allowed = engine.allowed(src, { kind: 'pod', pod }).intersect(conn);
    if (!allowed.isEmpty) out.push({ src: INGRESS_CONTROLLER, dst: pod.name, conn: allowed });
  }
  return out;
}

/** From each Gateway's pods to the backends of the routes it accepts (on their target ports). */
function gatewayConnections(engine: PolicyEngine): Connection[] {
  const out: Connection[] = [];
  for (const { standIn, pods } of engine.standIns) {
    if (standIn.kind !== 'gateway') continue;
    for (const { pod: t, conn } of gatewayBackendTargets(engine.graph, standIn.res)) {
      const dst = engine.podOf(t);
      if (!dst) continue;
      for (const src of pods) {
        const allowed = engine.allowed({ kind: 'pod', pod: src }, { kind: 'pod', pod: dst }).intersect(conn);
        if (!allowed.isEmpty) out.push({ src: src.name, dst: dst.name, conn: allowed });
      }
    }
  }
  return out;
}
