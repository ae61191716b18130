import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import type { Loc } from '../src/load/source.js';
import type { NetworkPolicy } from '../src/model/netpol.js';
import type { Resource } from '../src/model/resource.js';
import { adminRuleName, tierDenial } from '../src/policy/admin.js';
import { sectionName } from '../src/policy/cilium.js';
import { ConnSet } from '../src/policy/conn.js';
import { egressCandidates } from '../src/policy/reach.js';
import type { Explanation, NetPod, PolicyEngine, SideExplanation } from '../src/policy/engine.js';

/** What decides that DNS is blocked when a cluster-scoped tier or a Cilium policy does. */
interface Decider {
  key: string;
  at: Loc;
  object: Resource;
  /** The sentence before the consequence, for the pods named `who`. */
  says(who: string, missing: string, dns: string): string;
}

export default defineRule(
  {
    id: 'netpol-blocks-dns',
    severity: 'error',
    description:
      'Pods isolated for egress (or denied by an AdminNetworkPolicy, ClusterNetworkPolicy or Cilium rule) ' +
      'that cannot reach the cluster DNS on both UDP and TCP port 53, so they cannot resolve Service names.',
  },
  (ctx) => {
    const engine = ctx.policy;
    const tiers = !engine.tiers.empty || !engine.cilium.empty;
    // Without policies nothing is isolated and nothing blocked.
    if (ctx.model.networkPolicies.length === 0 && !tiers) return;
    const governs = (direction: 'ingress' | 'egress', pod: NetPod) =>
      engine.tiers.governs(direction, pod.id) || engine.cilium.governs(direction, pod.id);
    const dnsGoverned = tiers && engine.dnsPods.some((d) => governs('ingress', d));
    const decided = new Map<string, { decider: Decider; missing: string; pods: NetPod[] }>();
    const port = engine.dnsSettings.port;
    const groups = new Map<NetworkPolicy, { pod: NetPod; missing: string; dnsIngress: NetworkPolicy[] }[]>();
    for (const pod of engine.workloadPods) {
      const isolating = engine.isolatedEgress(pod);
      // Admin/Baseline tiers and Cilium policies decide too (for the pod's egress or the DNS pods' ingress).
      const special = tiers && (dnsGoverned || governs('egress', pod));
      if (isolating.length === 0 && !special) continue;
      // A pod whose egress is denied entirely is cut off on purpose: no names to resolve.
      if (isolating.length > 0 && isolating.every((np) => np.egress.length === 0)) continue;
      const src = { kind: 'pod' as const, pod };
      // The DNS pods are judged on the port they listen on (5353 on OpenShift): policies see the
      // pod port, not the DNS Service's 53.
      let conn = ConnSet.NONE;
      let egress = ConnSet.NONE;
      const dnsIngress = new Set<NetworkPolicy>();
      for (const dns of engine.dnsPods) {
        const e = engine.evaluate(src, { kind: 'pod', pod: dns });
        conn = conn.union(e.conn);
        egress = egress.union(e.egress?.conn ?? ConnSet.ALL);
        for (const p of engine.isolatedIngress(dns)) dnsIngress.add(p);
      }
      // Node-local DNS or an upstream resolver reached through an ipBlock rule on port 53 also counts
      // (asked only when the DNS pods are not enough, of a pod whose egress something restricts).
      let ext53 = ConnSet.NONE;
      const restricted = isolating.length > 0 || (tiers && governs('egress', pod));
      if (restricted && !(conn.has('UDP', port) && conn.has('TCP', port))) {
        for (let a = 0; a < engine.atoms.length; a++) {
          const ext = engine.allowed(src, { kind: 'external', atom: a });
          if (!ext.isAll) ext53 = ext53.union(ext.intersect(DNS_53));
        }
      }
      const udp = conn.has('UDP', port) || ext53.has('UDP', 53);
      const tcp = conn.has('TCP', port) || ext53.has('TCP', 53);
      if (udp && tcp) continue;
      const missing = missingText(udp, tcp, port);
      if (special) {
        const want = (udp ? ConnSet.NONE : ConnSet.of('UDP', port)).union(tcp ? ConnSet.NONE : ConnSet.of('TCP', port));
        const decider = decide(engine, src, want, isolating.length === 0);
        if (decider) {
          // Cut off from everything on purpose: no names to resolve.
          if (reachesNothing(engine, pod)) continue;
          const k = `${decider.key}\u0000${missing}`;
          const entry = decided.get(k);
          if (entry) entry.pods.push(pod);
          else decided.set(k, { decider, missing, pods: [pod] });
          continue;
        }
        if (isolating.length === 0) continue;
      }
      // The pod's egress may allow DNS while the DNS pods' own ingress policies refuse it.
      const egressOk = (udp || egress.has('UDP', port)) && (tcp || egress.has('TCP', port));
      // Point at the policy that gives the pod its egress rules: that is where DNS belongs.
      const key = isolating.find((np) => np.egress.length > 0) ?? isolating[0];
      const list = groups.get(key);
      const entry = { pod, missing, dnsIngress: egressOk ? [...dnsIngress] : [] };
      if (list) list.push(entry);
      else groups.set(key, [entry]);
    }
    const dnsName = dnsNameOf(engine);
    for (const { decider, missing, pods } of decided.values()) {
      const names = pods.map((p) => p.workload?.display ?? p.name);
      const tcpOnly = missing === `TCP ${port}`;
      ctx.report({
        severity: tcpOnly ? 'warning' : undefined,
        at: decider.at,
        object: decider.object,
        message: `${decider.says(list(names, 3), missing, dnsName)}: ${consequence(tcpOnly, pods.length)}`,
        related: pods.slice(0, 5).map(podsOf),
      });
    }
    for (const [np, entries] of groups) {
      const byMissing = new Map<string, NetPod[]>();
      const blockersOf = new Map<string, NetworkPolicy[]>();
      for (const e of entries) {
        const k = `${e.missing}\u0000${e.dnsIngress.map((p) => p.res.key).join(',')}`;
        byMissing.set(k, [...(byMissing.get(k) ?? []), e.pod]);
        blockersOf.set(k, e.dnsIngress);
      }
      for (const [k, pods] of byMissing) {
        const missing = k.slice(0, k.indexOf('\u0000'));
        const blockers = blockersOf.get(k) ?? [];
        const names = pods.map((p) => p.workload?.display ?? p.name);
        const tcpOnly = missing === `TCP ${port}`;
        const others = engine.isolatedEgress(pods[0]).filter((p) => p !== np);
        const blocked: Blocked = { np, names, count: pods.length, missing, dnsName, blockers, others };
        ctx.report({
          // Without TCP, lookups work until an answer is too large for UDP: a warning, not an outage.
          severity: tcpOnly ? 'warning' : undefined,
          at: np.res.keyAt('spec', 'podSelector'),
          object: np.res,
          message: blockedMessage(blocked, tcpOnly),
          related: [
            ...pods.slice(0, 5).map(podsOf),
            ...blockers.slice(0, 3).map((p) => ({
              at: p.res.keyAt('spec', 'podSelector'),
              message: `isolates the DNS pods: ${p.res.display}`,
            })),
          ],
        });
      }
    }
  },
);

/** UDP and TCP port 53, where node-local DNS and upstream resolvers listen. */
const DNS_53 = ConnSet.of('UDP', 53).union(ConnSet.of('TCP', 53));

/** A related location: the pod labels of a workload. */
function podsOf(p: NetPod): { at: Loc; message: string } {
  return { at: p.workload!.labelsLoc, message: `pods of ${p.workload!.display}` };
}

/** The DNS connections a pod lacks: `UDP and TCP 53`, `UDP 53` or `TCP 53`. */
function missingText(udp: boolean, tcp: boolean, port: number): string {
  if (!udp && !tcp) return `UDP and TCP ${port}`;
  return udp ? `TCP ${port}` : `UDP ${port}`;
}

/** The DNS pods as messages name them: the cluster DNS the engine assumes, or the pods of the input. */
function dnsNameOf(engine: PolicyEngine): string {
  const first = engine.dnsPods[0];
  if (first?.synthetic) {
    const labels = [...first.labels].map(([k, v]) => `${k}=${v}`).join(',');
    return `the cluster DNS (${first.name.replace('/{cluster-dns}', '')} pods ${labels})`;
  }
  return `DNS pods ${list(
    engine.dnsPods.map((p) => p.name),
    2,
  )}`;
}

const TCP_LOOKUPS_FAIL = 'lookups whose answers need TCP (large or truncated answers) fail';

/** What the pods cannot do: look up large answers (TCP only is missing), or resolve names at all. */
function consequence(tcpOnly: boolean, count: number): string {
  if (tcpOnly) return TCP_LOOKUPS_FAIL;
  return count === 1 ? 'it cannot resolve names' : 'they cannot resolve names';
}

/** The pods of an egress-isolating NetworkPolicy that cannot reach the DNS pods, and why. */
interface Blocked {
  np: NetworkPolicy;
  /** The workloads, as messages name them. */
  names: string[];
  count: number;
  missing: string;
  dnsName: string;
  /** Policies that isolate the DNS pods for ingress and do not admit these pods. */
  blockers: NetworkPolicy[];
  /** The other policies that isolate these pods for egress. */
  others: NetworkPolicy[];
}

/**
 * Why the pods cannot resolve names: only TCP is missing (large answers fail), the DNS pods'
 * ingress policies do not admit them, or no egress rule of their policies allows DNS.
 */
function blockedMessage(b: Blocked, tcpOnly: boolean): string {
  const isolates = `${b.np.res.displayShort} isolates ${list(b.names, 3)} for egress`;
  if (tcpOnly) {
    return `${isolates} and allows DNS over UDP only: ${b.missing} to ${b.dnsName} is blocked, so ${TCP_LOOKUPS_FAIL}`;
  }
  if (b.blockers.length > 0) {
    const names = list(
      b.blockers.map((x) => q(x.name)),
      3,
    );
    const blockers = `${names} isolate${b.blockers.length === 1 ? 's' : ''} ${b.dnsName} for ingress`;
    const admitting = `without admitting ${b.count === 1 ? 'it' : 'them'} on ${b.missing}`;
    return `${isolates} and allows DNS, but ${blockers} ${admitting}: ${consequence(false, b.count)}`;
  }
  const of = b.others.length
    ? ` (of ${list(
        [b.np, ...b.others].map((x) => q(x.name)),
        3,
      )})`
    : '';
  return `${isolates}, and no egress rule${of} allows ${b.missing} to ${b.dnsName}: ${consequence(false, b.count)}`;
}

/**
 * The rule of a cluster-scoped tier or Cilium policy that blocks `want` (the missing DNS
 * connections) to every DNS pod: an Admin/Baseline Deny, a Cilium deny section, or (when no
 * NetworkPolicy isolates the pod) a Cilium policy isolating the pod or the DNS pods.
 */
function decide(
  engine: PolicyEngine,
  src: { kind: 'pod'; pod: NetPod },
  want: ConnSet,
  ciliumIsolation: boolean,
): Decider | undefined {
  const evaluations: Explanation[] = engine.dnsPods.map((dns) => engine.evaluate(src, { kind: 'pod', pod: dns }, true));
  for (const e of evaluations) {
    const denial = tierDenial(e.egress, want) ?? tierDenial(e.ingress, want);
    if (denial) {
      const r = denial.rule;
      return {
        key: `tier:${r.policy.res.key}:${r.direction}:${r.index}`,
        at: r.policy.res.keyAt(...r.path, 'action'),
        object: r.policy.res,
        says: (who, missing, dns) => {
          const side = r.direction === 'egress' ? 'its egress' : 'ingress of the DNS pods';
          return `${adminRuleName(r)} denies ${missing} from ${who} to ${dns} (${side})`;
        },
      };
    }
  }
  for (const e of evaluations) {
    for (const side of [e.egress, e.ingress]) {
      if (!side?.cilium || !side.conn.intersect(want).isEmpty) continue;
      const step = side.cilium.denying.find((d) => !d.conn.intersect(want).isEmpty);
      if (!step) continue;
      const sec = step.section;
      return {
        key: `cilium:${sec.rule.policy.res.key}:${sec.path.join('.')}`,
        at: sec.rule.policy.res.keyAt(...sec.path),
        object: sec.rule.policy.res,
        says: (who, missing, dns) => `${sectionName(sec)} denies ${missing} from ${who} to ${dns}`,
      };
    }
  }
  if (!ciliumIsolation) return undefined;
  for (const e of evaluations) {
    for (const [side, dir] of [
      [e.egress, 'egress'],
      [e.ingress, 'ingress'],
    ] as [SideExplanation | undefined, 'egress' | 'ingress'][]) {
      const rule = side?.cilium?.isolatedBy[0];
      if (!rule || !side!.conn.intersect(want).isEmpty) continue;
      const p = rule.policy;
      return {
        key: `cilium-isolation:${p.res.key}:${rule.index}:${dir}`,
        at: p.res.keyAt(...rule.path, 'endpointSelector'),
        object: p.res,
        says: (who, missing, dns) =>
          dir === 'egress'
            ? `${p.title} isolates ${who} for egress, and no egress rule allows ${missing} to ${dns}`
            : `${p.title} isolates ${dns} for ingress without admitting ${who} on ${missing}`,
      };
    }
  }
  return undefined;
}

/**
 * The pod may connect to nothing at all (no pod, no address outside the cluster). Only the pods
 * its egress rules name are asked about (reach.ts), not every pod of the input.
 */
function reachesNothing(engine: PolicyEngine, pod: NetPod): boolean {
  const src = { kind: 'pod' as const, pod };
  // Addresses outside the cluster first: they are few, and usually allowed.
  for (let atom = 0; atom < engine.atoms.length; atom++) {
    if (!engine.allowed(src, { kind: 'external', atom }).isEmpty) return false;
  }
  const candidates = egressCandidates(engine, pod);
  const others = candidates ? [...candidates].map((id) => engine.pods[id]) : engine.pods;
  for (const other of others) {
    if (other.synthetic || other === pod) continue;
    if (!engine.allowed(src, { kind: 'pod', pod: other }).isEmpty) return false;
  }
  return true;
}
