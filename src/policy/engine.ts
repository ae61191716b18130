/**
 * NetworkPolicy semantics (networking.k8s.io/v1) and the connectivity engine.
 *
 * A connection src → dst on (protocol, port) is allowed iff src's egress allows it to dst and
 * dst's ingress allows it from src. A direction in which a pod is not isolated (no policy selects
 * it with that policy type) allows everything. Rules are additive. Named ports are resolved on the
 * destination pod, by name and protocol. ipBlocks address external endpoints: the IPv4 space is
 * partitioned by every CIDR the policies use, and each part ("atom") is an endpoint.
 *
 * Work stays proportional to the input and the answer: policies find their pods through the label
 * index, peers are evaluated once into bitsets, and the list of connections only visits the
 * sources that a destination's ingress rules admit.
 */
import { LabelIndex } from '../graph/label-index.js';
import type { Graph } from '../graph/graph.js';
import type { AdminPolicy } from '../model/adminpolicy.js';
import type { Model, PodTemplate } from '../model/model.js';
import type { Ingress } from '../model/network.js';
import type { NetworkPolicy, PeerSpec, PolicyRule, PortSpec } from '../model/netpol.js';
import { labelListOf, labelledMap, matches } from '../model/selector.js';
import type { Selector } from '../model/selector.js';
import { AdminTiers, runTier } from './admin.js';
import type { TierContext, TierStep } from './admin.js';
import { CiliumLayer } from './cilium.js';
import type { CiliumSide } from './cilium.js';
import { consumerStandIns, gatewayBackendTargets } from './consumers.js';
import type { StandIn } from './consumers.js';
import { ConnSet, isProtocol } from './conn.js';
import type { Protocol } from './conn.js';
import { ControllerInference } from './controller.js';
import type { ControllerGuess } from './controller.js';
import { atomsOf, formatRange, parseCidr, partition } from './ipranges.js';
import type { IpRange } from './ipranges.js';
import { isRejected } from './validate.js';

export interface PolicySettings {
  /** Where the ingress controller's pods run; absent: an anonymous pod in a namespace of its own. */
  ingressController?: { namespace: string; labels: Record<string, string> };
  /**
   * The cluster DNS pods and the port they listen on (default: `k8s-app: kube-dns` in kube-system
   * on 53; on OpenShift, recognised by its API groups in the input, the openshift-dns pods on 5353).
   */
  dns?: { namespace: string; labels: Record<string, string>; port?: number };
}

export const INGRESS_CONTROLLER = '{ingress-controller}';
const ANON_CONTROLLER_NS = '{ingress-controller}';

/** A pod (a workload's pod template, or a stand-in for pods outside the input). */
export interface NetPod {
  id: number;
  namespace: string;
  /** `namespace/name[Kind]`, or `{ingress-controller}`. */
  name: string;
  labels: Map<string, string>;
  /** `labels` as one flat list: key, value, key, value, … */
  labelList: readonly string[];
  dynamicLabels?: Map<string, unknown>;
  hasLabel(key: string, value: string): boolean;
  hasKey(key: string): boolean;
  /** The workload, for pods of the input. */
  workload?: PodTemplate;
  synthetic?: 'ingress-controller' | 'dns' | StandIn['kind'];
  /** Port numbers the pod serves under a name and protocol. */
  portsNamed(name: string, protocol: string): number[];
}

/** The ingress controller of an Ingress: its pods (none for a load balancer outside the cluster). */
export interface ControllerChoice {
  guess: ControllerGuess | { kind: 'configured'; reason: string };
  pods: NetPod[];
}

export type Endpoint = { kind: 'pod'; pod: NetPod } | { kind: 'external'; atom: number };

/** A small fixed-size bitset. */
class Bits {
  readonly words: Uint32Array;
  constructor(readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }
  set(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
  }
  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }
  or(o: Bits): void {
    for (let i = 0; i < this.words.length; i++) this.words[i] |= o.words[i];
  }
  fill(): void {
    this.words.fill(0xffffffff);
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w];
      while (word !== 0) {
        const t = word & -word;
        const i = (w << 5) + (31 - Math.clz32(t));
        if (i >= this.size) return;
        yield i;
        word ^= t;
      }
    }
  }
}

/** A peer evaluated to the pods and external atoms it matches. */
interface PeerSet {
  pods: Bits;
  atoms: Bits;
}

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

/** Is the pod isolated in this direction in the NetworkPolicy tier (by a NetworkPolicy or a Cilium rule)? */
export function isolated(s: SideExplanation): boolean {
  return s.isolatedBy.length > 0 || (s.cilium?.isolatedBy.length ?? 0) > 0;
}

export interface Explanation {
  egress?: SideExplanation;
  ingress?: SideExplanation;
  conn: ConnSet;
}

function podNetName(p: PodTemplate): string {
  // The top-most owner for live objects a controller made (see model/owners.ts).
  return p.endpointName;
}

/** The pods of a workload of the input (one object per workload: no closures of its own). */
class WorkloadPod implements NetPod {
  id = -1;
  readonly namespace: string;
  readonly name: string;
  readonly labelList: readonly string[];
  readonly dynamicLabels: Map<string, unknown>;

  constructor(readonly workload: PodTemplate) {
    this.namespace = workload.namespace;
    this.name = podNetName(workload);
    this.labelList = workload.labelList;
    this.dynamicLabels = workload.dynamicLabels;
  }

  get labels(): Map<string, string> {
    return this.workload.labels;
  }

  hasLabel(key: string, value: string): boolean {
    return this.workload.hasLabel(key, value);
  }

  hasKey(key: string): boolean {
    return this.workload.hasKey(key);
  }

  portsNamed(name: string, protocol: string): number[] {
    const out: number[] = [];
    for (const cp of this.workload.servingPorts()) if (cp.name === name && cp.protocol === protocol && cp.number !== undefined) out.push(cp.number);
    return out;
  }
}

export class PolicyEngine {
  readonly pods: NetPod[] = [];
  readonly controller: NetPod;
  readonly dnsPods: NetPod[];
  readonly atoms: IpRange[];
  private readonly index = new LabelIndex<NetPod>();
  private readonly ingressOf: PolicyRule[][];
  private readonly egressOf: PolicyRule[][];
  private readonly ingressPolicies: NetworkPolicy[][];
  private readonly egressPolicies: NetworkPolicy[][];
  private readonly peerCache = new Map<string, PeerSet>();
  private readonly allPeers: PeerSet;
  private readonly namespaceLabels = new Map<string, Map<string, string>>();
  private readonly byWorkload = new Map<PodTemplate, NetPod>();
  /** The pods of each Gateway and Prometheus of the input. */
  readonly standIns: { standIn: StandIn; pods: NetPod[] }[];
  private readonly controllerChoices = new Map<Ingress, ControllerChoice>();

  constructor(
    readonly model: Model,
    readonly graph: Graph,
    readonly settings: PolicySettings = {},
  ) {
    for (const [name, ns] of model.namespaces) this.namespaceLabels.set(name, ns.labels);
    for (const t of model.podTemplates) {
      if (t.workload.superseded) continue;
      const pod = this.addPod(new WorkloadPod(t));
      this.byWorkload.set(t, pod);
    }
    this.controller = this.resolveController();
    this.dnsPods = this.resolveDns();
    // Gateways' and Prometheus' pods: the input's own, or a stand-in.
    this.standIns = consumerStandIns(model).map((standIn) => {
      const real = this.index.select(standIn.namespace, { matchLabels: Object.entries(standIn.labels), expressions: [] }).filter((p) => !p.synthetic);
      return { standIn, pods: real.length ? real : [this.synthetic(standIn.kind, standIn.namespace, standIn.labels, standIn.name, [])] };
    });

    // External endpoints: the IPv4 space cut at every CIDR boundary the policies use.
    const ranges: IpRange[] = [];
    for (const np of model.networkPolicies) {
      if (isRejected(np)) continue;
      for (const r of np.activeRules()) {
        for (const p of r.peers ?? []) {
          if (p.kind !== 'ipBlock') continue;
          for (const c of [p.cidr, ...p.except]) {
            const parsed = parseCidr(c);
            if (parsed.ok && !parsed.v6) ranges.push(parsed.range);
          }
        }
      }
    }
    for (const cp of model.ciliumPolicies) {
      for (const sec of cp.sections()) {
        for (const p of sec.peers ?? []) {
          const parsed = p.kind === 'ipBlock' ? parseCidr(p.cidr) : undefined;
          if (parsed?.ok && !parsed.v6) ranges.push(parsed.range);
          for (const e of p.kind === 'ipBlock' ? p.except : []) {
            const pe = parseCidr(e);
            if (pe.ok && !pe.v6) ranges.push(pe.range);
          }
        }
      }
    }
    for (const ap of model.adminPolicies) {
      for (const r of ap.rules()) {
        for (const p of r.peers) {
          const parsed = p.kind === 'ipBlock' ? parseCidr(p.cidr) : undefined;
          if (parsed?.ok && !parsed.v6) ranges.push(parsed.range);
        }
      }
    }
    this.atoms = partition(ranges);
    this.allPeers = { pods: new Bits(this.pods.length), atoms: new Bits(this.atoms.length) };
    this.allPeers.pods.fill();
    this.allPeers.atoms.fill();

    this.ingressOf = this.pods.map(() => []);
    this.egressOf = this.pods.map(() => []);
    this.ingressPolicies = this.pods.map(() => []);
    this.egressPolicies = this.pods.map(() => []);
    for (const np of model.networkPolicies) {
      // A policy the API server rejects does not exist in the cluster (see validate.ts, gaps.ts).
      if (np.res.superseded || isRejected(np)) continue;
      for (const pod of this.index.select(np.namespace, np.podSelector)) {
        if (np.isolatesIngress) {
          this.ingressPolicies[pod.id].push(np);
          this.ingressOf[pod.id].push(...np.ingress);
        }
        if (np.isolatesEgress) {
          this.egressPolicies[pod.id].push(np);
          this.egressOf[pod.id].push(...np.egress);
        }
      }
    }
    this.tiers = new AdminTiers(model.adminPolicies, this.tierContext);
    this.cilium = new CiliumLayer(model.ciliumPolicies, (rule) => this.peerSet({ kind: 'selector', path: rule.path, ...rule.subject! }, '').pods);
  }

  /** Cilium policies, evaluated with the NetworkPolicies. */
  readonly cilium: CiliumLayer;

  /** The cluster-scoped tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy). */
  readonly tiers: AdminTiers;

  private readonly tierContext: TierContext<Endpoint> = {
    peersMatch: (peers, ep) => peers.some((p) => this.peerHolds(this.peerSet(p, ''), ep)),
    subjectPods: (policy) => this.peerSet({ kind: 'selector', path: policy.subject!.path, namespaceSelector: policy.subject!.namespaceSelector, podSelector: policy.subject!.podSelector }, '').pods,
    namedPorts: (dst, name, protocol) => (dst.kind === 'pod' ? dst.pod.portsNamed(name, protocol) : []),
  };

  /** The pods of the input in the namespaces `namespaceSelector` selects whose labels `podSelector` matches. */
  selectedPods(namespaceSelector: Selector, podSelector?: Selector): NetPod[] {
    return [...this.peerSet({ kind: 'selector', path: [], namespaceSelector, podSelector }, '').pods].map((i) => this.pods[i]).filter((p) => !p.synthetic);
  }

  /** The pods of the input a cluster-scoped policy's subject selects. */
  subjectPods(policy: AdminPolicy): NetPod[] {
    if (!policy.subject) return [];
    return [...this.tierContext.subjectPods(policy)].map((i) => this.pods[i]).filter((p) => !p.synthetic);
  }

  private peerHolds(set: PeerSet, ep: Endpoint): boolean {
    return ep.kind === 'pod' ? set.pods.has(ep.pod.id) : set.atoms.has(ep.atom);
  }

  private addPod(p: Omit<NetPod, 'id'>): NetPod {
    const pod = p as NetPod;
    pod.id = this.pods.length;
    this.pods.push(pod);
    this.index.add(pod.namespace, pod);
    if (!this.namespaceLabels.has(pod.namespace)) {
      this.namespaceLabels.set(pod.namespace, new Map([['kubernetes.io/metadata.name', pod.namespace]]));
    }
    return pod;
  }

  private synthetic(kind: NonNullable<NetPod['synthetic']>, namespace: string, labels: Record<string, string>, name: string, ports: [string, string, number][]): NetPod {
    const map = new Map(Object.entries(labels));
    return this.addPod({
      namespace,
      name,
      labels: map,
      labelList: labelListOf(map),
      ...labelledMap(map),
      synthetic: kind,
      portsNamed: (n, proto) => ports.filter(([pn, pp]) => pn === n && pp === proto).map(([, , num]) => num),
    });
  }

  private resolveController(): NetPod {
    const cfg = this.settings.ingressController;
    if (cfg) {
      const sel: Selector = { matchLabels: Object.entries(cfg.labels), expressions: [] };
      const real = this.index.select(cfg.namespace, sel).filter((p) => !p.synthetic);
      const pod = real.length ? real[0] : this.synthetic('ingress-controller', cfg.namespace, cfg.labels, INGRESS_CONTROLLER, []);
      const labels = Object.entries(cfg.labels).map(([k, v]) => `${k}=${v}`);
      const choice: ControllerChoice = {
        guess: { kind: 'configured', reason: `set in ingressController (namespace "${cfg.namespace}"${labels.length ? `, ${labels.join(', ')}` : ''})` },
        pods: [pod],
      };
      for (const ing of this.model.ingresses) this.controllerChoices.set(ing, choice);
      return pod;
    }
    // Without configuration: the controller of each Ingress's class, as the input shows it.
    const inference = new ControllerInference(this.model);
    const assumed = new Map<string, NetPod>();
    let anon: NetPod | undefined;
    const distinct = new Set<NetPod>();
    for (const ing of this.model.ingresses) {
      if (ing.res.superseded) continue;
      const guess = inference.forIngress(ing);
      let pods: NetPod[] = [];
      if (guess.kind === 'input') pods = guess.workloads.map((t) => this.byWorkload.get(t)).filter((p): p is NetPod => p !== undefined);
      else if (guess.kind === 'assumed') {
        let pod = assumed.get(guess.family);
        if (!pod) assumed.set(guess.family, (pod = this.synthetic('ingress-controller', guess.namespace, guess.labels, `${guess.namespace}/{${guess.family}}`, [])));
        pods = [pod];
      } else if (guess.kind === 'unknown') pods = [(anon ??= this.anonController())];
      for (const p of pods) distinct.add(p);
      this.controllerChoices.set(ing, { guess, pods });
    }
    if (distinct.size === 1 && !anon) return [...distinct][0];
    return anon ?? this.anonController();
  }

  private anonController(): NetPod {
    return this.synthetic('ingress-controller', ANON_CONTROLLER_NS, {}, INGRESS_CONTROLLER, []);
  }

  /** The controller that serves an Ingress, and why (the input's controller, or the configured one). */
  ingressControllerFor(ing: Ingress): ControllerChoice {
    return this.controllerChoices.get(ing) ?? { guess: { kind: 'unknown', reason: 'not analysed' }, pods: [this.controller] };
  }

  /** The DNS settings in force: configured, or the platform's default. */
  get dnsSettings(): { namespace: string; labels: Record<string, string>; port: number } {
    const cfg = this.settings.dns;
    if (cfg) return { ...cfg, port: cfg.port ?? 53 };
    const openshift = this.model.resources.some((r) => r.group === 'openshift.io' || r.group.endsWith('.openshift.io'));
    return openshift
      ? { namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, port: 5353 }
      : { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, port: 53 };
  }

  private resolveDns(): NetPod[] {
    const cfg = this.dnsSettings;
    const sel: Selector = { matchLabels: Object.entries(cfg.labels), expressions: [] };
    const real = this.index.select(cfg.namespace, sel).filter((p) => !p.synthetic);
    if (real.length) return real;
    return [
      this.synthetic('dns', cfg.namespace, cfg.labels, `${cfg.namespace}/{cluster-dns}`, [
        ['dns', 'UDP', cfg.port],
        ['dns-tcp', 'TCP', cfg.port],
      ]),
    ];
  }

  podOf(t: PodTemplate): NetPod | undefined {
    return this.byWorkload.get(t);
  }

  /** Workload pods of the input (not the stand-ins). */
  get workloadPods(): NetPod[] {
    return this.pods.filter((p) => !p.synthetic);
  }

  isolatedIngress(pod: NetPod): NetworkPolicy[] {
    return this.ingressPolicies[pod.id];
  }

  isolatedEgress(pod: NetPod): NetworkPolicy[] {
    return this.egressPolicies[pod.id];
  }

  /** Namespaces a namespaceSelector matches (every namespace carries kubernetes.io/metadata.name). */
  namespacesMatching(sel: Selector): string[] {
    const out: string[] = [];
    for (const [ns, labels] of this.namespaceLabels) if (matches(sel, labelledMap(labels))) out.push(ns);
    return out;
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
        const pods = peer.podSelector ? this.index.select(ns, peer.podSelector) : this.index.all(ns);
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

  /** Does a rule's peer list match an endpoint? Returns the first matching peer (or 'all'). */
  ruleMatches(rule: PolicyRule, ep: Endpoint): boolean {
    if (rule.peers === null) return true;
    for (const p of rule.peers) {
      const set = this.peerSet(p, rule.policy.namespace);
      if (ep.kind === 'pod' ? set.pods.has(ep.pod.id) : set.atoms.has(ep.atom)) return true;
    }
    return false;
  }

  /** What a rule's ports allow towards `dst` (named ports resolve on the destination pod). */
  rulePorts(rule: PolicyRule, dst: Endpoint): ConnSet {
    if (rule.ports === null) return ConnSet.ALL;
    const cached = this.portsByRule.get(rule);
    if (cached) return cached;
    let acc = ConnSet.NONE;
    for (const p of rule.ports) acc = acc.union(portSpecConn(p, dst));
    // Without named ports the answer does not depend on the destination.
    if (!rule.ports.some((p) => typeof p.port === 'string')) this.portsByRule.set(rule, acc);
    return acc;
  }

  /** One direction of a pod: the Admin tier, then its NetworkPolicies, then (when none isolates it) the Baseline tier. */
  private side(dir: 'ingress' | 'egress', self: NetPod, other: Endpoint, dst: Endpoint, explain: boolean): SideExplanation {
    let np = dir === 'ingress' ? this.networkSide(this.ingressOf[self.id], this.ingressPolicies[self.id], other, dst, explain) : this.networkSide(this.egressOf[self.id], this.egressPolicies[self.id], other, dst, explain);
    const ctx = this.tierContext;
    if (!this.cilium.empty && this.cilium.governs(dir, self.id)) {
      const c = this.cilium.evaluate(ctx, dir, self.id, other, dst, explain);
      const iso = np.isolatedBy.length > 0 || c.isolatedBy.length > 0;
      const base = iso ? (np.isolatedBy.length ? np.conn : ConnSet.NONE).union(c.allowed) : ConnSet.ALL;
      np = { ...np, conn: base.subtract(c.denied), cilium: c };
    }
    if (this.tiers.empty || !this.tiers.governs(dir, self.id)) return np;
    const admin = runTier(ctx, this.tiers.rules('Admin', dir, self.id), ConnSet.ALL, other, dst, explain);
    if (isolated(np)) {
      return { ...np, conn: admin.allowed.union(admin.rest.intersect(np.conn)), tiers: { admin: admin.steps, toNetworkPolicies: admin.rest, baseline: [] } };
    }
    const base = runTier(ctx, this.tiers.rules('Baseline', dir, self.id), admin.rest, other, dst, explain);
    // Not isolated: the NetworkPolicy tier passes everything on, except what Cilium deny rules deny.
    return { ...np, conn: admin.allowed.union(base.allowed.union(base.rest).intersect(np.conn)), tiers: { admin: admin.steps, toNetworkPolicies: admin.rest, baseline: base.steps, toBaseline: admin.rest } };
  }

  private networkSide(rules: PolicyRule[], policies: NetworkPolicy[], other: Endpoint, dst: Endpoint, explain: boolean): SideExplanation {
    if (policies.length === 0) return { isolatedBy: [], admitting: [], conn: ConnSet.ALL };
    let conn = ConnSet.NONE;
    const admitting: RuleMatch[] = [];
    for (const r of rules) {
      if (!this.ruleMatches(r, other)) continue;
      const c = this.rulePorts(r, dst);
      conn = conn.union(c);
      if (explain) admitting.push({ rule: r, conn: c });
      else if (conn.isAll) break;
    }
    return { isolatedBy: policies, admitting, conn };
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

  allowed(src: Endpoint, dst: Endpoint): ConnSet {
    return this.evaluate(src, dst).conn;
  }

  /** Sources that dst's ingress may admit: all pods when not isolated, else its rules' peers. */
  private ingressCandidates(dst: NetPod): PeerSet {
    const ciliumIso = this.cilium.isolates('ingress', dst.id);
    if (this.ingressPolicies[dst.id].length === 0 && !ciliumIso) return this.allPeers;
    const acc: PeerSet = { pods: new Bits(this.pods.length), atoms: new Bits(this.atoms.length) };
    for (const s of this.cilium.allowSections('ingress', dst.id)) {
      if (s.empty) continue;
      if (s.peers === null) return this.allPeers;
      for (const p of s.peers) {
        const set = this.peerSet(p, '');
        acc.pods.or(set.pods);
        acc.atoms.or(set.atoms);
      }
    }
    // The Admin tier admits its Allow rules' peers whatever the NetworkPolicies say.
    for (const r of this.tiers.rules('Admin', 'ingress', dst.id)) {
      if (r.action !== 'Allow') continue;
      for (const p of r.peers) {
        const s = this.peerSet(p, '');
        acc.pods.or(s.pods);
        acc.atoms.or(s.atoms);
      }
    }
    for (const r of this.ingressOf[dst.id]) {
      if (r.peers === null) return this.allPeers;
      for (const p of r.peers) {
        const s = this.peerSet(p, r.policy.namespace);
        acc.pods.or(s.pods);
        acc.atoms.or(s.atoms);
      }
    }
    return acc;
  }

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
    const out: Connection[] = [];
    const pods = this.workloadPods;
    const podIds = new Set(pods.map((p) => p.id));
    const everywhere = formatRange({ lo: 0, hi: 2 ** 32 - 1 });
    for (const dst of pods) {
      const cands = this.ingressCandidates(dst);
      const dstEp: Endpoint = { kind: 'pod', pod: dst };
      for (const i of cands.pods) {
        if (i === dst.id || !podIds.has(i)) continue;
        const src = this.pods[i];
        const conn = this.allowed({ kind: 'pod', pod: src }, dstEp);
        if (!conn.isEmpty) out.push({ src: src.name, dst: dst.name, conn });
      }
      const special = this.tiers.governs('ingress', dst.id) || this.cilium.governs('ingress', dst.id);
      if (special) {
        // Cluster-scoped tiers and Cilium deny rules: every candidate range is evaluated.
        const atoms = cands === this.allPeers ? this.atoms.map((_, a) => a) : [...cands.atoms];
        this.pushExternal(out, atoms.map((a) => ({ a, conn: this.allowed({ kind: 'external', atom: a }, dstEp) })), (name, conn) => ({ src: name, dst: dst.name, conn }));
      } else if (this.ingressPolicies[dst.id].length === 0) {
        // Not isolated for ingress: every external address may connect.
        out.push({ src: everywhere, dst: dst.name, conn: ConnSet.ALL });
      } else {
        this.pushExternal(out, [...cands.atoms].map((a) => ({ a, conn: this.allowed({ kind: 'external', atom: a }, dstEp) })), (name, conn) => ({ src: name, dst: dst.name, conn }));
      }
    }
    for (const src of pods) {
      if (this.tiers.governs('egress', src.id) || this.cilium.governs('egress', src.id)) {
        const srcEp: Endpoint = { kind: 'pod', pod: src };
        this.pushExternal(out, this.atoms.map((_, a) => ({ a, conn: this.allowed(srcEp, { kind: 'external', atom: a }) })), (name, conn) => ({ src: src.name, dst: name, conn }));
        continue;
      }
      if (this.egressPolicies[src.id].length === 0) {
        out.push({ src: src.name, dst: everywhere, conn: ConnSet.ALL });
        continue;
      }
      // External addresses have no policies of their own: the source's egress decides. Rules
      // without peers reach every range; ipBlock rules add their ports on their ranges only.
      const anyAtom: Endpoint = { kind: 'external', atom: 0 };
      let base = ConnSet.NONE;
      const extra = new Map<number, ConnSet>();
      for (const r of this.egressOf[src.id]) {
        if (r.peers === null) base = base.union(this.rulePorts(r, anyAtom));
      }
      for (const r of this.egressOf[src.id]) {
        if (r.peers === null) continue;
        for (const p of r.peers) {
          if (p.kind !== 'ipBlock') continue;
          const ports = this.rulePorts(r, anyAtom);
          for (const a of this.peerSet(p, r.policy.namespace).atoms) extra.set(a, (extra.get(a) ?? base).union(ports));
        }
      }
      const list: { a: number; conn: ConnSet }[] = [];
      for (let a = 0; a < this.atoms.length; a++) {
        const conn = extra.get(a) ?? base;
        if (!conn.isEmpty) list.push({ a, conn });
      }
      this.pushExternal(out, list, (name, conn) => ({ src: src.name, dst: name, conn }));
    }
    for (const c of this.ingressControllerConnections()) out.push(c);
    for (const c of this.gatewayConnections()) out.push(c);
    return out.sort((x, y) => (x.src < y.src ? -1 : x.src > y.src ? 1 : x.dst < y.dst ? -1 : x.dst > y.dst ? 1 : 0));
  }

  /** Group external atoms with the same allowed connection into one endpoint name. */
  private pushExternal(out: Connection[], list: { a: number; conn: ConnSet }[], make: (name: string, conn: ConnSet) => Connection): void {
    const groups = new Map<string, { conn: ConnSet; atoms: number[] }>();
    for (const { a, conn } of list) {
      if (conn.isEmpty) continue;
      const key = conn.toString();
      const g = groups.get(key);
      if (g) g.atoms.push(a);
      else groups.set(key, { conn, atoms: [a] });
    }
    for (const g of groups.values()) out.push(make(this.externalName(g.atoms.sort((x, y) => x - y)), g.conn));
  }

  /** The target ports each Ingress backend sends traffic to, per destination pod. */
  ingressBackendTargets(): { pod: NetPod; conn: ConnSet }[] {
    const byPod = new Map<NetPod, ConnSet>();
    for (const ing of this.model.ingresses) {
      if (ing.res.superseded) continue;
      for (const b of ing.backends) {
        const r = this.graph.ingressBackend(b);
        if (r.status !== 'ok') continue;
        for (const t of this.graph.podsOf(r.service)) {
          const pod = this.byWorkload.get(t);
          const res = this.graph.resolveTarget(r.servicePort, t);
          if (!pod || !res || (res.status !== 'ok' && res.status !== 'undeclared')) continue;
          const proto = r.servicePort.protocol;
          if (!isProtocol(proto)) continue;
          byPod.set(pod, (byPod.get(pod) ?? ConnSet.NONE).union(ConnSet.of(proto, res.number)));
        }
      }
    }
    return [...byPod].map(([pod, conn]) => ({ pod, conn }));
  }

  private ingressControllerConnections(): Connection[] {
    const out: Connection[] = [];
    const src: Endpoint = { kind: 'pod', pod: this.controller };
    for (const { pod, conn } of this.ingressBackendTargets()) {
      const allowed = this.allowed(src, { kind: 'pod', pod }).intersect(conn);
      if (!allowed.isEmpty) out.push({ src: INGRESS_CONTROLLER, dst: pod.name, conn: allowed });
    }
    return out;
  }

  /** From each Gateway's pods to the backends of the routes it accepts (on their target ports). */
  private gatewayConnections(): Connection[] {
    const out: Connection[] = [];
    for (const { standIn, pods } of this.standIns) {
      if (standIn.kind !== 'gateway') continue;
      for (const { pod: t, conn } of gatewayBackendTargets(this.graph, standIn.res)) {
        const dst = this.byWorkload.get(t);
        if (!dst) continue;
        for (const src of pods) {
          const allowed = this.allowed({ kind: 'pod', pod: src }, { kind: 'pod', pod: dst }).intersect(conn);
          if (!allowed.isEmpty) out.push({ src: src.name, dst: dst.name, conn: allowed });
        }
      }
    }
    return out;
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
    return this.workloadPods.filter((p) => p.namespace === ns && p.workload?.ownerName === m[2] && (!m[3] || p.workload?.ownerKind === m[3]));
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

/** What one port entry of a rule allows towards `dst`. */
export function portSpecConn(p: PortSpec, dst: Endpoint): ConnSet {
  if (!isProtocol(p.protocol)) return ConnSet.NONE;
  const proto: Protocol = p.protocol;
  if (p.port === undefined) return ConnSet.allPorts(proto);
  if (typeof p.port === 'number') {
    if (p.endPort !== undefined) return p.endPort >= p.port ? ConnSet.of(proto, p.port, p.endPort) : ConnSet.NONE;
    return ConnSet.of(proto, p.port);
  }
  // A named port resolves on the destination pod; external endpoints have no names.
  if (dst.kind !== 'pod') return ConnSet.NONE;
  let acc = ConnSet.NONE;
  for (const n of dst.pod.portsNamed(p.port, proto)) acc = acc.union(ConnSet.of(proto, n));
  return acc;
}
