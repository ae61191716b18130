/**
 * The cluster-scoped policy tiers around NetworkPolicy (policy.networking.k8s.io): per direction,
 * the Admin tier (AdminNetworkPolicy by priority, ClusterNetworkPolicy tier Admin) decides first:
 * the first rule whose peer and ports match a connection decides it, Allow/Accept and Deny are
 * final, Pass hands it to the NetworkPolicy tier. What the Admin tier leaves undecided goes to the
 * namespaces' NetworkPolicies; when none isolates the pod in that direction, to the Baseline tier
 * (ClusterNetworkPolicy tier Baseline by priority, then BaselineAdminNetworkPolicy `default`);
 * what no tier decides is allowed.
 *
 * Decisions are made on sets of connections: each rule takes the part of the still undecided
 * connections its ports cover, so one evaluation answers for every port at once.
 */
import type { AdminAction, AdminPolicy, AdminPort, AdminRule, AdminTier } from '../model/adminpolicy.js';
import type { PeerSpec } from '../model/netpol.js';
import type { Selector } from '../model/selector.js';
import { ConnSet, PROTOCOL_ORDER, isProtocol } from './conn.js';

/** One rule's decision on part of a connection. */
export interface TierStep {
  rule: AdminRule;
  action: AdminAction;
  conn: ConnSet;
}

/** What the engine answers for the tiers: does a peer list match an endpoint, which pods a subject holds. */
export interface TierContext<E> {
  peersMatch(peers: PeerSpec[], ep: E): boolean;
  /** The ids of the pods a subject selects. */
  subjectPods(policy: AdminPolicy): Iterable<number>;
  /** Port numbers the destination serves under a name and protocol (none for external endpoints). */
  namedPorts(dst: E, name: string, protocol: string): number[];
}

const KIND_ORDER: Record<string, number> = {
  AdminNetworkPolicy: 0,
  ClusterNetworkPolicy: 1,
  BaselineAdminNetworkPolicy: 2,
};

/** Evaluation order within a tier: priority (lower first; BANP last), then kind, then name. */
export function tierOrder(a: AdminPolicy, b: AdminPolicy): number {
  const pa = a.priority ?? Number.MAX_SAFE_INTEGER;
  const pb = b.priority ?? Number.MAX_SAFE_INTEGER;
  if (pa !== pb) return pa - pb;
  const ka = KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (ka !== 0) return ka;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** What one port entry covers towards `dst`. */
export function adminPortConn<E>(ctx: TierContext<E>, p: AdminPort, dst: E): ConnSet {
  if (p.named !== undefined) {
    // A named port matches the container port of that name, whatever its protocol (unless it names one).
    let acc = ConnSet.NONE;
    const protocols = p.protocol === undefined ? PROTOCOL_ORDER : isProtocol(p.protocol) ? [p.protocol] : [];
    for (const proto of protocols)
      for (const n of ctx.namedPorts(dst, p.named, proto)) acc = acc.union(ConnSet.of(proto, n));
    return acc;
  }
  if (!p.protocol || !isProtocol(p.protocol)) return ConnSet.NONE;
  if (p.port === undefined) return ConnSet.allPorts(p.protocol);
  if (p.endPort !== undefined) return p.endPort >= p.port ? ConnSet.of(p.protocol, p.port, p.endPort) : ConnSet.NONE;
  return ConnSet.of(p.protocol, p.port);
}

/** What a rule's port entries cover, per rule when no entry names a port (the answer does not depend on the destination then). */
const portsCache = new WeakMap<object, ConnSet>();

/** What a list of port entries (of an admin-tier rule or a Cilium section `owner`) covers towards `dst`; null: everything. */
export function portsConn<E>(ctx: TierContext<E>, owner: object, ports: readonly AdminPort[] | null, dst: E): ConnSet {
  if (ports === null) return ConnSet.ALL;
  const cached = portsCache.get(owner);
  if (cached) return cached;
  let acc = ConnSet.NONE;
  let named = false;
  for (const p of ports) {
    acc = acc.union(adminPortConn(ctx, p, dst));
    if (p.named !== undefined) named = true;
  }
  if (!named) portsCache.set(owner, acc);
  return acc;
}

export function adminRuleConn<E>(ctx: TierContext<E>, r: AdminRule, dst: E): ConnSet {
  return portsConn(ctx, r, r.ports, dst);
}

/** The rules of each tier and direction that apply to each pod, in evaluation order. */
export class AdminTiers {
  /** Per tier and direction, the rules of each pod (by pod id; sparse). */
  private readonly byPod: Record<AdminTier, Record<'ingress' | 'egress', (AdminRule[] | undefined)[]>> = {
    Admin: { ingress: [], egress: [] },
    Baseline: { ingress: [], egress: [] },
  };
  /** Per tier and direction, the policies those rules come from (by pod id; sparse). */
  private readonly policiesByPod: Record<AdminTier, Record<'ingress' | 'egress', (AdminPolicy[] | undefined)[]>> = {
    Admin: { ingress: [], egress: [] },
    Baseline: { ingress: [], egress: [] },
  };
  private any = false;
  readonly policies: AdminPolicy[];

  constructor(policies: AdminPolicy[], ctx: TierContext<unknown>) {
    this.policies = policies.filter((p) => !p.res.superseded).sort(tierOrder);
    for (const p of this.policies) {
      if (!p.subject) continue;
      for (const id of ctx.subjectPods(p)) {
        for (const dir of ['ingress', 'egress'] as const) {
          const rules = p.rules(dir);
          if (rules.length === 0) continue;
          const byId = this.byPod[p.tier][dir];
          const list = byId[id];
          if (list) {
            list.push(...rules);
            this.policiesByPod[p.tier][dir][id]!.push(p);
          } else {
            byId[id] = [...rules];
            this.policiesByPod[p.tier][dir][id] = [p];
          }
          this.any = true;
        }
      }
    }
  }

  /** The policies of a tier with rules for the pod in this direction, in evaluation order. */
  policiesOf(tier: AdminTier, direction: 'ingress' | 'egress', podId: number): readonly AdminPolicy[] {
    return this.policiesByPod[tier][direction][podId] ?? NO_POLICIES;
  }

  get empty(): boolean {
    return !this.any;
  }

  rules(tier: AdminTier, direction: 'ingress' | 'egress', podId: number): AdminRule[] {
    return this.byPod[tier][direction][podId] ?? NO_RULES;
  }

  /** Does any tier have rules for the pod in this direction? */
  governs(direction: 'ingress' | 'egress', podId: number): boolean {
    return (
      this.any &&
      (this.byPod.Admin[direction][podId] !== undefined || this.byPod.Baseline[direction][podId] !== undefined)
    );
  }
}

const NO_RULES: AdminRule[] = [];
const NO_POLICIES: AdminPolicy[] = [];

export interface TierResult {
  allowed: ConnSet;
  /** Connections no rule of the tier decided, and those passed on. */
  rest: ConnSet;
  steps: TierStep[];
}

/** Run one tier's rules, in order, on the connections still undecided. */
export function runTier<E>(
  ctx: TierContext<E>,
  rules: AdminRule[],
  start: ConnSet,
  other: E,
  dst: E,
  explain: boolean,
): TierResult {
  let rest = start;
  let allowed = ConnSet.NONE;
  let passed = ConnSet.NONE;
  const steps: TierStep[] = [];
  for (const r of rules) {
    if (rest.isEmpty) break;
    if (!ctx.peersMatch(r.peers, other)) continue;
    const c = adminRuleConn(ctx, r, dst).intersect(rest);
    if (c.isEmpty) continue;
    if (explain) steps.push({ rule: r, action: r.action, conn: c });
    rest = rest.subtract(c);
    if (r.action === 'Allow') allowed = allowed.union(c);
    else if (r.action === 'Pass') passed = passed.union(c);
  }
  return { allowed, rest: rest.union(passed), steps };
}

/** How a rule's decision on `other` reads in explanations: `denies x`, `allows x`, `passes x to NetworkPolicies`. */
export function actionVerb(step: TierStep, other: string): string {
  if (step.action === 'Allow') return `allows ${other}`;
  if (step.action === 'Deny') return `denies ${other}`;
  return step.rule.policy.tier === 'Admin'
    ? `passes ${other} to NetworkPolicies`
    : `passes ${other} on (allowed by default)`;
}

/** `AdminNetworkPolicy "x" (priority 10) rule "deny-ns"`. */
export function adminRuleName(r: AdminRule): string {
  return `${r.policy.title} rule "${r.name}"`;
}

/**
 * The tier rule that denies a wanted connection on one side, when that side blocks all of it: the
 * first Deny step (Admin tier, then Baseline) that covers part of it.
 */
export function tierDenial(
  side: { conn: ConnSet; tiers?: { admin: TierStep[]; baseline: TierStep[] } } | undefined,
  want: ConnSet,
): TierStep | undefined {
  if (!side?.tiers || !side.conn.intersect(want).isEmpty) return undefined;
  return [...side.tiers.admin, ...side.tiers.baseline].find(
    (s) => s.action === 'Deny' && !s.conn.intersect(want).isEmpty,
  );
}

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

/**
 * The namespaces a namespace selector names outright (`kubernetes.io/metadata.name` in matchLabels
 * or an `In` expression); undefined when it selects by other labels or by none, so that namespaces
 * outside the input may match it.
 */
export function namespacesNamed(sel: Selector): string[] | undefined {
  let named: string[] | undefined;
  for (const [k, v] of sel.matchLabels) if (k === NAMESPACE_NAME) named = named ? named.filter((n) => n === v) : [v];
  for (const e of sel.expressions)
    if (e.key === NAMESPACE_NAME && e.op === 'In')
      named = named ? named.filter((n) => e.values.includes(n)) : [...e.values];
  return named;
}
