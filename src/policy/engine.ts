/**
 * NetworkPolicy semantics (networking.k8s.io/v1) and the connectivity engine.
 *
 * A connection src → dst on (protocol, port) is allowed iff src's egress allows it to dst and
 * dst's ingress allows it from src. A direction in which a pod is not isolated (no policy selects
 * it with that policy type) allows everything. Rules are additive. Named ports are resolved on the
 * destination pod, by name and protocol. ipBlocks address external endpoints: the IPv4 space is
 * partitioned by every CIDR the policies use, and each part ("atom") is an endpoint.
 *
 * Around the NetworkPolicies, per direction: the Admin tier decides first (admin.ts), Cilium
 * policies share the NetworkPolicy tier (cilium.ts: their allow rules add up with the
 * NetworkPolicies' rules, their deny rules win), and the Baseline tier decides what is left for
 * pods nothing isolates in that direction.
 *
 * Work stays proportional to the input and the answer: policies find their pods through the label
 * index, peers are evaluated once into bitsets, and the connection list (listing.ts) only visits
 * the sources that a destination's ingress rules admit.
 *
 * The engine's parts: pods.ts (the pods and their label index), placement.ts (the ingress
 * controller, DNS, Gateway and Prometheus pods), this file (peers, rules, one connection's
 * verdict with its reasons), listing.ts (every allowed connection).
 */
import type { Graph } from '../graph/graph.js';
import type { AdminPolicy } from '../model/adminpolicy.js';
import type { Model, PodTemplate } from '../model/model.js';
import type { Ingress } from '../model/network.js';
import type { NetworkPolicy, PeerSpec, PolicyRule } from '../model/netpol.js';
import type { Selector } from '../model/selector.js';
import { AdminTiers, runTier } from './admin.js';
import type { TierContext, TierStep } from './admin.js';
import { Bits } from './bits.js';
import type { PeerSet } from './bits.js';
import { CiliumLayer } from './cilium.js';
import type { CiliumSide } from './cilium.js';
import type { StandIn } from './consumers.js';
import { ConnSet } from './conn.js';
import { atomsOf, formatRange, parseCidr, partition } from './ipranges.js';
import type { IpRange } from './ipranges.js';
import { ingressBackendTargets, listConnections } from './listing.js';
import { INGRESS_CONTROLLER, dnsSettingsOf, placePods } from './placement.js';
import type { ControllerChoice, PolicySettings } from './placement.js';
import { PodSet } from './pods.js';
import type { Endpoint, NetPod } from './pods.js';
import { portsConn } from './ports.js';
import { isRejected } from './validate.js';

export { INGRESS_CONTROLLER } from './placement.js';
export type { ControllerChoice, PolicySettings } from './placement.js';
export type { Endpoint, NetPod } from './pods.js';

export interface Connection {
  src: string;
  dst: string;
  conn: ConnSet;
}

export interface RuleMatch {
  rule: PolicyRule;
  conn: ConnSet;
}

export interface SideExplanation {
  /** Policies that select the pod for this direction (empty: not isolated, all allowed). */
  isolatedBy: NetworkPolicy[];
  /** Rules whose peers match the other end, with what each allows. */
  admitting: RuleMatch[];
  conn: ConnSet;
  /** With cluster-scoped tiers: the Admin-tier decisions, what reached NetworkPolicies, the Baseline decisions. */
  tiers?: { admin: TierStep[]; toNetworkPolicies: ConnSet; baseline: TierStep[]; toBaseline?: ConnSet };
  /** Cilium policies that select the pod for this direction (they share the NetworkPolicy tier). */
  cilium?: CiliumSide;
}

/**
 * A side's explanation, always of one shape (absent tiers and Cilium are undefined): the verdict
 * code reads the same fields of every side, which stays fast when none is added later.
 */
function sideExplanation(
  isolatedBy: NetworkPolicy[],
  admitting: RuleMatch[],
  conn: ConnSet,
  tiers?: SideExplanation['tiers'],
  cilium?: CiliumSide,
): SideExplanation {
  return { isolatedBy, admitting, conn, tiers, cilium };
}

/** Is the pod isolated in this direction in the NetworkPolicy tier (by a NetworkPolicy or a Cilium rule)? */
export function isolated(s: SideExplanation): boolean {
  return s.isolatedBy.length > 0 || (s.cilium?.isolatedBy.length ?? 0) > 0;
}

export interface Explanation {
  egress?: SideExplanation;
  ingress?: SideExplanation;
  conn: ConnSet;
}

export type Direction = 'ingress' | 'egress';

export class PolicyEngine {
  readonly pods: NetPod[];
  readonly controller: NetPod;
  readonly dnsPods: NetPod[];
  readonly atoms: IpRange[];
  private readonly podSet: PodSet;
  private readonly rulesByDir: Record<Direction, PolicyRule[][]>;
  private readonly policiesByDir: Record<Direction, NetworkPolicy[][]>;
  private readonly peerCache = new Map<string, PeerSet>();
  /** Every pod and every atom: the candidates of a direction nothing restricts. */
  readonly allPeers: PeerSet;
  /** The pods of each Gateway and Prometheus of the input. */
  readonly standIns: { standIn: StandIn; pods: NetPod[] }[];
  private readonly controllerChoices: Map<Ingress, ControllerChoice>;
  /** The pods of the Prometheus set in the configuration (its own pods in the input, or a stand-in). */
  readonly configuredPrometheus: NetPod[] | undefined;

  constructor(
    readonly model: Model,
    readonly graph: Graph,
    readonly settings: PolicySettings = {},
  ) {
    this.podSet = new PodSet(model);
    this.pods = this.podSet.pods;
    const placed = placePods(this.podSet, model, settings);
    this.controller = placed.controller;
    this.controllerChoices = placed.controllerChoices;
    this.dnsPods = placed.dnsPods;
    this.standIns = placed.standIns;
    this.configuredPrometheus = placed.configuredPrometheus;

    this.atoms = partition(policyRanges(model));
    this.allPeers = { pods: new Bits(this.pods.length), atoms: new Bits(this.atoms.length) };
    this.allPeers.pods.fill();
    this.allPeers.atoms.fill();

    this.rulesByDir = { ingress: this.pods.map(() => []), egress: this.pods.map(() => []) };
    this.policiesByDir = { ingress: this.pods.map(() => []), egress: this.pods.map(() => []) };
    for (const np of model.networkPolicies) {
      // A policy the API server rejects does not exist in the cluster (see validate.ts, gaps.ts).
      if (np.res.superseded || isRejected(np)) continue;
      for (const pod of this.podSet.index.select(np.namespace, np.podSelector)) {
        if (np.isolatesIngress) {
          this.policiesByDir.ingress[pod.id].push(np);
          this.rulesByDir.ingress[pod.id].push(...np.ingress);
        }
        if (np.isolatesEgress) {
          this.policiesByDir.egress[pod.id].push(np);
          this.rulesByDir.egress[pod.id].push(...np.egress);
        }
      }
    }
    this.tiers = new AdminTiers(model.adminPolicies, this.tierContext);
    this.cilium = new CiliumLayer(
      model.ciliumPolicies,
      (rule) => this.peerSet({ kind: 'selector', path: rule.path, ...rule.subject! }, '').pods,
    );
  }

  /** Cilium policies, evaluated with the NetworkPolicies. */
  readonly cilium: CiliumLayer;

  /** The cluster-scoped tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy). */
  readonly tiers: AdminTiers;

  readonly tierContext: TierContext<Endpoint> = {
    peersMatch: (peers, ep) => peers.some((p) => this.peerHolds(this.peerSet(p, ''), ep)),
    subjectPods: (policy) =>
      this.peerSet(
        {
          kind: 'selector',
          path: policy.subject!.path,
          namespaceSelector: policy.subject!.namespaceSelector,
          podSelector: policy.subject!.podSelector,
        },
        '',
      ).pods,
    namedPorts: (dst, name, protocol) => (dst.kind === 'pod' ? dst.pod.portsNamed(name, protocol) : []),
  };

  /** The pods of the input in the namespaces `namespaceSelector` selects whose labels `podSelector` matches. */
  selectedPods(namespaceSelector: Selector, podSelector?: Selector): NetPod[] {
    return [...this.peerSet({ kind: 'selector', path: [], namespaceSelector, podSelector }, '').pods]
      .map((i) => this.pods[i])
      .filter((p) => !p.synthetic);
  }

  /** The pods of the input a cluster-scoped policy's subject selects. */
  subjectPods(policy: AdminPolicy): NetPod[] {
    if (!policy.subject) return [];
    return [...this.tierContext.subjectPods(policy)].map((i) => this.pods[i]).filter((p) => !p.synthetic);
  }

  private peerHolds(set: PeerSet, ep: Endpoint): boolean {
    return ep.kind === 'pod' ? set.pods.has(ep.pod.id) : set.atoms.has(ep.atom);
  }

  /** The controller that serves an Ingress, and why (the input's controller, or the configured one). */
  ingressControllerFor(ing: Ingress): ControllerChoice {
    return (
      this.controllerChoices.get(ing) ?? { guess: { kind: 'unknown', reason: 'not analysed' }, pods: [this.controller] }
    );
  }

  /** The DNS settings in force: configured, or the platform's default. */
  get dnsSettings(): { namespace: string; labels: Record<string, string>; port: number } {
    return (this.dns ??= dnsSettingsOf(this.model, this.settings));
  }

  private dns: { namespace: string; labels: Record<string, string>; port: number } | undefined;

  podOf(t: PodTemplate): NetPod | undefined {
    return this.podSet.byWorkload.get(t);
  }

  /** Workload pods of the input (not the stand-ins). */
  get workloadPods(): NetPod[] {
    return this.pods.filter((p) => !p.synthetic);
  }

  isolatedIngress(pod: NetPod): NetworkPolicy[] {
    return this.policiesByDir.ingress[pod.id];
  }

  isolatedEgress(pod: NetPod): NetworkPolicy[] {
    return this.policiesByDir.egress[pod.id];
  }

  /** The NetworkPolicies that isolate a pod in a direction (by pod id). */
  policiesOf(dir: Direction, podId: number): NetworkPolicy[] {
    return this.policiesByDir[dir][podId];
  }

  /** The rules of those NetworkPolicies (by pod id). */
  rulesOf(dir: Direction, podId: number): PolicyRule[] {
    return this.rulesByDir[dir][podId];
  }

  /** Namespaces a namespaceSelector matches (every namespace carries kubernetes.io/metadata.name). */
  namespacesMatching(sel: Selector): string[] {
    return this.podSet.namespacesMatching(sel);
  }

  private readonly peerByIdentity = new Map<PeerSpec, PeerSet>();
  private readonly portsByRule = new Map<PolicyRule, ConnSet>();

  /** The pods and external atoms a peer matches, for a policy in `namespace`. */
  peerSet(peer: PeerSpec, namespace: string): PeerSet {
    const known = this.peerByIdentity.get(peer);
    if (known) return known;
    const set = this.computePeerSet(peer, namespace);
    this.peerByIdentity.set(peer, set);
    return set;
  }

  /** Identical peers of different policies share one evaluation. */
  private computePeerSet(peer: PeerSpec, namespace: string): PeerSet {
    const key = `${namespace}\u0000${JSON.stringify(peer.kind === 'selector' ? [peer.namespaceSelector, peer.podSelector] : peer.kind === 'ipBlock' ? [peer.cidr, peer.except] : peer.kind)}`;
    let set = this.peerCache.get(key);
    if (set) return set;
    set = { pods: new Bits(this.pods.length), atoms: new Bits(this.atoms.length) };
    if (peer.kind === 'selector') {
      const namespaces = peer.namespaceSelector ? this.namespacesMatching(peer.namespaceSelector) : [namespace];
      for (const ns of namespaces) {
        const pods = peer.podSelector ? this.podSet.index.select(ns, peer.podSelector) : this.podSet.index.all(ns);
        for (const p of pods) set.pods.set(p.id);
      }
    } else if (peer.kind === 'ipBlock') {
      const c = parseCidr(peer.cidr);
      if (c.ok && !c.v6) {
        const except: IpRange[] = [];
        for (const e of peer.except) {
          const pe = parseCidr(e);
          if (pe.ok && !pe.v6) except.push(pe.range);
        }
        for (const a of atomsOf(this.atoms, c.range, except)) set.atoms.set(a);
      }
    }
    this.peerCache.set(key, set);
    return set;
  }

  /** Does a rule's peer list match an endpoint? (A rule without peers matches every endpoint.) */
  ruleMatches(rule: PolicyRule, ep: Endpoint): boolean {
    if (rule.peers === null) return true;
    for (const p of rule.peers) {
      const set = this.peerSet(p, rule.policy.namespace);
      if (ep.kind === 'pod' ? set.pods.has(ep.pod.id) : set.atoms.has(ep.atom)) return true;
    }
    return false;
  }

  /**
   * What an ingress rule with named ports allows towards each pod it is asked about (by pod id):
   * its destination is a pod its policy selects, so there are as many as the pods' ingress rules.
   */
  private readonly namedIngressPorts: (Map<PolicyRule, ConnSet> | undefined)[] = [];

  /** What a rule's ports allow towards `dst` (named ports resolve on the destination pod). */
  rulePorts(rule: PolicyRule, dst: Endpoint): ConnSet {
    if (rule.ports === null) return ConnSet.ALL;
    const cached = this.portsByRule.get(rule);
    if (cached) return cached;
    // Without named ports the answer does not depend on the destination.
    if (!rule.ports.some((p) => typeof p.port === 'string')) {
      const all = portsConn(rule.ports, dst);
      this.portsByRule.set(rule, all);
      return all;
    }
    if (rule.direction !== 'ingress' || dst.kind !== 'pod') return portsConn(rule.ports, dst);
    const perPod = (this.namedIngressPorts[dst.pod.id] ??= new Map());
    let conn = perPod.get(rule);
    if (!conn) perPod.set(rule, (conn = portsConn(rule.ports, dst)));
    return conn;
  }

  /** One direction of a pod: the Admin tier, then its NetworkPolicies, then (when none isolates it) the Baseline tier. */
  private side(dir: Direction, self: NetPod, other: Endpoint, dst: Endpoint, explain: boolean): SideExplanation {
    let np = this.networkSide(this.rulesByDir[dir][self.id], this.policiesByDir[dir][self.id], other, dst, explain);
    const ctx = this.tierContext;
    if (!this.cilium.empty && this.cilium.governs(dir, self.id)) {
      const c = this.cilium.evaluate(ctx, dir, self.id, other, dst, explain);
      const iso = np.isolatedBy.length > 0 || c.isolatedBy.length > 0;
      const base = iso ? (np.isolatedBy.length ? np.conn : ConnSet.NONE).union(c.allowed) : ConnSet.ALL;
      np = sideExplanation(np.isolatedBy, np.admitting, base.subtract(c.denied), undefined, c);
    }
    if (this.tiers.empty || !this.tiers.governs(dir, self.id)) return np;
    const admin = runTier(ctx, this.tiers.rules('Admin', dir, self.id), ConnSet.ALL, other, dst, explain);
    if (isolated(np)) {
      const tiers = { admin: admin.steps, toNetworkPolicies: admin.rest, baseline: [] };
      return sideExplanation(
        np.isolatedBy,
        np.admitting,
        admin.allowed.union(admin.rest.intersect(np.conn)),
        tiers,
        np.cilium,
      );
    }
    const base = runTier(ctx, this.tiers.rules('Baseline', dir, self.id), admin.rest, other, dst, explain);
    // Not isolated: the NetworkPolicy tier passes everything on, except what Cilium deny rules deny.
    const tiers = { admin: admin.steps, toNetworkPolicies: admin.rest, baseline: base.steps, toBaseline: admin.rest };
    const conn = admin.allowed.union(base.allowed.union(base.rest).intersect(np.conn));
    return sideExplanation(np.isolatedBy, np.admitting, conn, tiers, np.cilium);
  }

  private networkSide(
    rules: PolicyRule[],
    policies: NetworkPolicy[],
    other: Endpoint,
    dst: Endpoint,
    explain: boolean,
  ): SideExplanation {
    if (policies.length === 0) return sideExplanation([], [], ConnSet.ALL);
    if (!explain) return sideExplanation(policies, [], this.rulesConn(rules, other, dst));
    let conn = ConnSet.NONE;
    const admitting: RuleMatch[] = [];
    for (const r of rules) {
      if (!this.ruleMatches(r, other)) continue;
      const c = this.rulePorts(r, dst);
      conn = conn.union(c);
      admitting.push({ rule: r, conn: c });
    }
    return sideExplanation(policies, admitting, conn);
  }

  /** What the rules of the NetworkPolicies that isolate a pod allow from (or to) `other`. */
  private rulesConn(rules: PolicyRule[], other: Endpoint, dst: Endpoint): ConnSet {
    let conn = ConnSet.NONE;
    for (const r of rules) {
      if (!this.ruleMatches(r, other)) continue;
      conn = conn.union(this.rulePorts(r, dst));
      if (conn.isAll) break;
    }
    return conn;
  }

  /** What one direction of a pod allows: `side(…).conn`, without the reasons. */
  private sideConn(dir: Direction, self: NetPod, other: Endpoint, dst: Endpoint): ConnSet {
    // Only NetworkPolicies (the common case): their rules, or everything when none isolates the pod.
    if (
      (this.cilium.empty || !this.cilium.governs(dir, self.id)) &&
      (this.tiers.empty || !this.tiers.governs(dir, self.id))
    )
      return this.policiesByDir[dir][self.id].length === 0
        ? ConnSet.ALL
        : this.rulesConn(this.rulesByDir[dir][self.id], other, dst);
    return this.side(dir, self, other, dst, false).conn;
  }

  /** Allowed connections from src to dst, with the reasons when `explain` is set. */
  evaluate(src: Endpoint, dst: Endpoint, explain = false): Explanation {
    const out: Explanation = { conn: ConnSet.ALL };
    if (src.kind === 'pod') {
      out.egress = this.side('egress', src.pod, dst, dst, explain);
      out.conn = out.conn.intersect(out.egress.conn);
    }
    if (dst.kind === 'pod') {
      out.ingress = this.side('ingress', dst.pod, src, dst, explain);
      out.conn = out.conn.intersect(out.ingress.conn);
    }
    return out;
  }

  /** The allowed connections of `evaluate`, without the reasons. */
  allowed(src: Endpoint, dst: Endpoint): ConnSet {
    let conn = ConnSet.ALL;
    if (src.kind === 'pod') conn = this.sideConn('egress', src.pod, dst, dst);
    // (Nothing is left to intersect with when the egress side allows nothing.)
    if (dst.kind === 'pod' && !conn.isEmpty) conn = conn.intersect(this.sideConn('ingress', dst.pod, src, dst));
    return conn;
  }

  /** Consecutive atoms as `lo-hi` ranges, comma-separated. */
  externalName(atoms: number[]): string {
    // merge consecutive atoms into ranges
    const parts: string[] = [];
    let start = -1;
    let prev = -1;
    const flush = () => {
      if (start < 0) return;
      parts.push(formatRange({ lo: this.atoms[start].lo, hi: this.atoms[prev].hi }));
    };
    for (const a of atoms) {
      if (start >= 0 && a === prev + 1) prev = a;
      else {
        flush();
        start = a;
        prev = a;
      }
    }
    flush();
    return parts.join(',');
  }

  /**
   * Every allowed connection between workloads, between workloads and external ranges, and from
   * the ingress controller to the Ingress backends (on the ports the Ingresses use).
   */
  connectivity(): Connection[] {
    return listConnections(this);
  }

  /** The target ports each Ingress backend sends traffic to, per destination pod. */
  ingressBackendTargets(): { pod: NetPod; conn: ConnSet }[] {
    return ingressBackendTargets(this);
  }

  /** Find a pod by `ns/name`, `ns/name[Kind]`, `name` (default namespace) or `{ingress-controller}`. */
  findPod(spec: string, defaultNamespace: string): NetPod[] {
    if (spec === INGRESS_CONTROLLER) return [this.controller];
    const standIn = this.standIns.find((x) => x.standIn.name === spec);
    if (standIn) return standIn.pods;
    // A full name (with the reason of a workload apart from its owner's template) names one.
    const exact = this.workloadPods.filter((p) => p.name === spec);
    if (exact.length > 0) return exact;
    const m = /^(?:([^/]+)\/)?([^[\]/]+)(?:\[([A-Za-z]+)\])?$/.exec(spec);
    if (!m) return [];
    const ns = m[1] ?? defaultNamespace;
    return this.workloadPods.filter(
      (p) => p.namespace === ns && p.workload?.ownerName === m[2] && (!m[3] || p.workload?.ownerKind === m[3]),
    );
  }

  /**
   * The external atom holding an IPv4 address or CIDR, for explain; `several` when a CIDR spans
   * ranges that the policies treat differently.
   */
  atomOf(ip: string): number | 'several' | undefined {
    const c = parseCidr(ip.includes('/') ? ip : `${ip}/32`);
    if (!c.ok || c.v6) return undefined;
    const i = this.atoms.findIndex((a) => c.range.lo >= a.lo && c.range.lo <= a.hi);
    if (i >= 0 && c.range.hi > this.atoms[i].hi) return 'several';
    return i;
  }
}

/** Every IPv4 range the policies name: the boundaries of the external endpoints. */
function policyRanges(model: Model): IpRange[] {
  const ranges: IpRange[] = [];
  const add = (cidr: string) => {
    const parsed = parseCidr(cidr);
    if (parsed.ok && !parsed.v6) ranges.push(parsed.range);
  };
  for (const np of model.networkPolicies) {
    if (isRejected(np)) continue;
    for (const r of np.activeRules()) {
      for (const p of r.peers ?? []) if (p.kind === 'ipBlock') for (const c of [p.cidr, ...p.except]) add(c);
    }
  }
  for (const cp of model.ciliumPolicies) {
    for (const sec of cp.sections())
      for (const p of sec.peers ?? []) if (p.kind === 'ipBlock') for (const c of [p.cidr, ...p.except]) add(c);
  }
  for (const ap of model.adminPolicies) {
    for (const r of ap.rules()) for (const p of r.peers) if (p.kind === 'ipBlock') add(p.cidr);
  }
  return ranges;
}
