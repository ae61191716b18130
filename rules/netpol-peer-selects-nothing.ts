import { defineRule } from '../src/engine/types.js';
import type { RuleContext } from '../src/engine/types.js';
import { q } from '../src/util/text.js';
import { madeAtRunTime } from '../src/graph/run-time-pods.js';
import type { PeerSpec } from '../src/model/netpol.js';
import type { Resource } from '../src/model/resource.js';
import { formatSelector, labelledMap, matches } from '../src/model/selector.js';
import { namespacesNamed } from '../src/policy/admin.js';

const NAME_LABEL = 'kubernetes.io/metadata.name';
/** Namespaces every cluster has. */
const WELL_KNOWN = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

type SelectorPeer = Extract<PeerSpec, { kind: 'selector' }>;

const NAMESPACE_SELECTOR: readonly string[] = ['namespaceSelector'];
const POD_SELECTOR: readonly string[] = ['podSelector'];
const THE_PEER: readonly string[] = [];

/**
 * Where a peer's parts are and how to name them; `clusterScoped` peers are judged as the issue of
 * partial input demands.
 */
interface PeerSite {
  res: Resource;
  /** The policy's own namespace (the namespace of a peer without a namespaceSelector). */
  namespace: string;
  /** `ingress peer`, `egress peer of rule "x"`… */
  peer: string;
  /** What a peer that matches nothing does: `admits nothing`, `matches nothing`. */
  outcome: string;
  /** Where the namespace part and the pod part are, under the peer (built only for a finding). */
  nsField: readonly string[];
  podField: readonly string[];
  nsName: string;
  podName: string;
  /**
   * Peers of AdminNetworkPolicies, ClusterNetworkPolicies and Cilium policies: a selector that
   * does not name its namespaces may match namespaces outside the input, so what it misses there
   * is an info; NetworkPolicy peers keep their warnings.
   */
  cautious: boolean;
}

export default defineRule(
  {
    id: 'netpol-peer-selects-nothing',
    severity: 'warning',
    description:
      'A policy peer (NetworkPolicy, AdminNetworkPolicy, ClusterNetworkPolicy, ' +
      'Cilium fromEndpoints/toEndpoints) whose namespace selector matches no namespace, ' +
      'or whose pod selector matches no pod in namespaces whose workloads are part of the input.',
  },
  (ctx) => {
    // Without policies nothing is isolated and nothing blocked.
    if (
      ctx.model.networkPolicies.length === 0 &&
      ctx.model.adminPolicies.length === 0 &&
      ctx.model.ciliumPolicies.length === 0
    )
      return;
    const known = new Map<string, Verdict>();
    for (const np of ctx.model.networkPolicies) {
      for (const rule of np.activeRules()) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'selector') continue;
          checkPeer(ctx, known, peer, {
            res: np.res,
            namespace: np.namespace,
            peer: `${rule.direction} peer`,
            outcome: 'admits nothing',
            nsField: NAMESPACE_SELECTOR,
            podField: POD_SELECTOR,
            nsName: 'namespaceSelector',
            podName: 'podSelector',
            cautious: false,
          });
        }
      }
    }
    for (const p of ctx.model.adminPolicies) {
      if (p.res.superseded) continue;
      for (const rule of p.rules()) {
        for (const peer of rule.peers) {
          if (peer.kind !== 'selector') continue;
          // `namespaces: S` is a namespace selector at the peer; `pods` holds both parts.
          const pods = peer.path[peer.path.length - 1] === 'pods';
          checkPeer(ctx, known, peer, {
            res: p.res,
            namespace: '',
            peer: `${rule.direction} peer of rule ${q(rule.name)}`,
            outcome: `matches nothing (action ${rule.actionText})`,
            nsField: pods ? NAMESPACE_SELECTOR : THE_PEER,
            podField: POD_SELECTOR,
            nsName: pods ? 'pods.namespaceSelector' : 'namespaces',
            podName: 'pods.podSelector',
            cautious: true,
          });
        }
      }
    }
    for (const cp of ctx.model.ciliumPolicies) {
      if (cp.res.superseded) continue;
      for (const s of cp.sections()) {
        for (const peer of s.peers ?? []) {
          // fromEndpoints/toEndpoints only (entities are not selectors of the input's pods).
          if (peer.kind !== 'selector' || !String(peer.path[peer.path.length - 2]).endsWith('Endpoints')) continue;
          const field = `${String(peer.path[peer.path.length - 2])}[${String(peer.path[peer.path.length - 1])}]`;
          checkPeer(ctx, known, peer, {
            res: cp.res,
            namespace: cp.namespace ?? '',
            peer: `${s.direction}${s.deny ? 'Deny' : ''} peer`,
            outcome: s.deny ? 'denies nothing' : 'admits nothing',
            nsField: THE_PEER,
            podField: THE_PEER,
            nsName: `${field} namespace part`,
            podName: field,
            cautious: true,
          });
        }
      }
    }
  },
);

/** What a peer's selectors match: the same for every peer with the same selectors (and namespace). */
type Verdict =
  | { kind: 'no-namespace' }
  | { kind: 'matches' }
  | { kind: 'made'; made: NonNullable<ReturnType<typeof madeAtRunTime>> }
  | { kind: 'no-pod'; namespaces: string[] };

/**
 * `known`: the verdicts of the run so far, by selectors (the peers of many policies repeat a few
 * selectors).
 */
function checkPeer(ctx: RuleContext, known: Map<string, Verdict>, peer: SelectorPeer, site: PeerSite): void {
  // The policy's namespace counts only for a peer without a namespaceSelector.
  const key =
    (peer.namespaceSelector ? '' : site.namespace) +
    '\u0000' +
    JSON.stringify([peer.namespaceSelector, peer.podSelector]);
  let verdict = known.get(key);
  if (!verdict) known.set(key, (verdict = judge(ctx, peer, site.namespace)));
  const { res } = site;
  if (verdict.kind === 'matches') return;
  if (verdict.kind === 'no-namespace') {
    ctx.report({
      at: res.at(...peer.path, ...site.nsField),
      object: res,
      severity: site.cautious ? 'info' : undefined,
      message:
        `${res.displayShort}: ${site.nsName} ${formatSelector(peer.namespaceSelector!)} matches no ` +
        `namespace (namespace labels come from the Namespace objects of the input; ` +
        `every namespace also has ${NAME_LABEL})`,
    });
    return;
  }
  const sel = peer.podSelector!;
  if (verdict.kind === 'made') {
    const { made } = verdict;
    ctx.report({
      at: res.at(...peer.path, ...site.podField),
      object: res,
      severity: 'info',
      message:
        `${res.displayShort}: ${site.podName} ${formatSelector(sel)} matches no pod template of the input, ` +
        `but ${made.text}`,
      related: [made.related],
    });
    return;
  }
  const { namespaces } = verdict;
  const where = namespaces.length === 1 ? `namespace ${q(namespaces[0])}` : `${namespaces.length} namespaces`;
  // A selector choosing namespaces by label may match namespaces outside the input.
  const unsure =
    site.cautious && peer.namespaceSelector !== undefined && namespacesNamed(peer.namespaceSelector) === undefined;
  ctx.report({
    at: res.at(...peer.path, ...site.podField),
    object: res,
    severity: unsure ? 'info' : undefined,
    message: unsure
      ? `${res.displayShort}: ${site.podName} ${formatSelector(sel)} matches no pod in the input's ${where}; ` +
        `its namespaces are chosen by label, so pods elsewhere in the cluster may match`
      : `${res.displayShort}: ${site.podName} ${formatSelector(sel)} matches no pod in ${where}, ` +
        `so this ${site.peer} ${site.outcome}`,
  });
}

/** What a peer of a policy in `namespace` (its namespace part, then its pod part) matches. */
function judge(ctx: RuleContext, peer: SelectorPeer, namespace: string): Verdict {
  let namespaces: string[];
  if (peer.namespaceSelector) {
    namespaces = ctx.policy.namespacesMatching(peer.namespaceSelector);
    // Namespaces named by kubernetes.io/metadata.name exist even when the input does not
    // define them (they carry that label only), as do the namespaces of every cluster.
    const named = new Set<string>(WELL_KNOWN);
    for (const [k, v] of peer.namespaceSelector.matchLabels) if (k === NAME_LABEL) named.add(v);
    for (const e of peer.namespaceSelector.expressions)
      if (e.key === NAME_LABEL && e.op === 'In') e.values.forEach((v) => named.add(v));
    for (const ns of named) {
      if (!namespaces.includes(ns) && matches(peer.namespaceSelector, labelledMap(new Map([[NAME_LABEL, ns]]))))
        namespaces.push(ns);
    }
    namespaces = namespaces.filter((ns) => !ns.startsWith('{'));
    if (namespaces.length === 0) return { kind: 'no-namespace' };
  } else {
    namespaces = [namespace];
  }
  if (!peer.podSelector) return { kind: 'matches' };
  // Judge pods only where the input shows a namespace's workloads.
  if (namespaces.some((ns) => ctx.graph.pods.all(ns).length === 0)) return { kind: 'matches' };
  const sel = peer.podSelector;
  // Pods an operator labels from a custom resource are as real as a workload's.
  if (namespaces.some((ns) => ctx.graph.selectsAnyPod(ns, sel))) return { kind: 'matches' };
  for (const ns of namespaces) {
    const made = madeAtRunTime(ctx.graph, ns, sel);
    if (made) return { kind: 'made', made };
  }
  return { kind: 'no-pod', namespaces };
}
