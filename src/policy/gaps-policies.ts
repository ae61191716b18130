/**
 * The gaps of the cluster-scoped tiers and of Cilium policies (see gaps.ts for the list as a whole):
 *
 * - Parts of their rules the analysis does not model: peers it cannot place among the input's pods
 *   and addresses (`domainNames`, `toFQDNs`, `toServices`, CIDR groups, `fromRequires`, cloud
 *   groups, same-labels matching), and ICMP (Cilium
 *   `icmps` rules, and `toPorts` protocols other than TCP, UDP, SCTP and ANY): the connections
 *   shown are TCP, UDP and SCTP between pods and addresses, so what these parts allow or deny is
 *   missing from them.
 * - AdminNetworkPolicy or BaselineAdminNetworkPolicy (v1alpha1) and Cilium policies in one
 *   input. Cilium does not implement them (it implements their successor, ClusterNetworkPolicy,
 *   from 1.20 on, ordered as the engine orders it: Admin tier, then NetworkPolicies with Cilium's
 *   own policies, then Baseline tier), and the network plugins that do (OVN-Kubernetes, Antrea,
 *   kube-network-policies) do not enforce cilium.io policies; a cluster runs one plugin, so one of
 *   the two sets is not enforced. The analysis evaluates both, the Admin tier first as the policy
 *   API orders it above every namespace's policies (an AdminNetworkPolicy Allow is final even
 *   where a Cilium deny rule matches), and says so for the pods both select.
 *
 * - Host policies (Cilium rules with a `nodeSelector`): they govern the traffic of nodes (and of
 *   hostNetwork pods), which the answer does not hold.
 * - Linkerd's default inbound policy (meshDefaultGaps): an annotation, not a policy object.
 *
 * The first two are gaps of the answer (the network commands' warnings, `explain`'s incomplete
 * line), not of the manifests: the lint rule netpol-not-analysed, about objects the analysis does
 * not read, leaves them out. Host policies are not read at all, and it reports them.
 */
import type { Graph } from '../graph/graph.js';
import type { Path } from '../load/source.js';
import type { AdminPolicy } from '../model/adminpolicy.js';
import type { CiliumRule } from '../model/cilium.js';
import type { Model, PodTemplate } from '../model/model.js';
import { asMap } from '../model/resource.js';
import type { Resource } from '../model/resource.js';
import { labelledMap, matches } from '../model/selector.js';
import type { Selector } from '../model/selector.js';
import type { Gap, GapItem, GapScope } from './gaps.js';

const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const EVERYTHING: Selector = { matchLabels: [], expressions: [] };

/** The workloads of the input a namespace selector and a pod selector select. */
function selecting(
  model: Model,
  graph: Graph,
): (namespaceSelector: Selector, podSelector?: Selector) => Set<PodTemplate> {
  const namespaces = new Map<string, Map<string, string>>();
  for (const [name, ns] of model.namespaces) namespaces.set(name, ns.labels);
  for (const t of model.podTemplates)
    if (!namespaces.has(t.namespace))
      namespaces.set(t.namespace, new Map([['kubernetes.io/metadata.name', t.namespace]]));
  const labelled = [...namespaces].map(([name, labels]) => [name, labelledMap(labels)] as const);
  return (namespaceSelector, podSelector) => {
    const out = new Set<PodTemplate>();
    for (const [ns, labels] of labelled) {
      if (!matches(namespaceSelector, labels)) continue;
      for (const t of graph.select(ns, podSelector ?? EVERYTHING)) if (!t.workload.superseded) out.add(t);
    }
    return out;
  };
}

interface Part {
  res: Resource;
  path: Path;
  what: string;
  pods: () => Set<PodTemplate>;
}

const ICMP = /ICMP/;

/**
 * Peers that are nodes, hosts or cluster components (`nodes`, Cilium entities and `toNodes`): the
 * answer has no such endpoints at all (it lists pods and outside addresses; docs/policy-tiers.md
 * says so), so they leave nothing out of it.
 */
function aboutNodes(path: Path): boolean {
  return path.some(
    (k) => k === 'nodes' || k === 'toEntities' || k === 'fromEntities' || k === 'toNodes' || k === 'fromNodes',
  );
}
const OTHER_PROTOCOLS = /^(ICMP|ICMPV6|VRRP|IGMP)$/i;

/** Gaps of the admin-tier and Cilium policies of the input (none when it holds neither). */
export function policyKindGaps(model: Model, graph: Graph | undefined): Gap[] {
  const admins = model.adminPolicies.filter((p) => !p.res.superseded);
  const ciliums = model.ciliumPolicies.filter((p) => !p.res.superseded);
  if (admins.length === 0 && ciliums.length === 0) return [];
  const select = graph ? selecting(model, graph) : undefined;
  const memo = new Map<object, Set<PodTemplate>>();
  const podsOf = (owner: AdminPolicy | CiliumRule): Set<PodTemplate> => {
    let set = memo.get(owner);
    if (!set) {
      const subject = owner.subject;
      set = select && subject ? select(subject.namespaceSelector, subject.podSelector) : new Set();
      memo.set(owner, set);
    }
    return set;
  };
  const scopeOf = (pods: Set<PodTemplate>): GapScope =>
    select ? { kind: 'workloads', workloads: pods } : { kind: 'cluster' };

  // Parts of rules that are not modelled.
  const icmp: Part[] = [];
  const outside: Part[] = [];
  for (const p of admins) {
    for (const r of p.rules())
      for (const u of r.unmodelled)
        if (!aboutNodes(u.path)) outside.push({ res: p.res, path: u.path, what: u.what, pods: () => podsOf(p) });
  }
  for (const p of ciliums) {
    for (const rule of p.rules) {
      if (!rule.subject) continue; // nodeSelector rules: host endpoints, a gap of their own (below)
      for (const s of rule.sections) {
        for (const u of s.unmodelled)
          if (!aboutNodes(u.path))
            (ICMP.test(u.what) ? icmp : outside).push({
              res: p.res,
              path: u.path,
              what: u.what,
              pods: () => podsOf(rule),
            });
        for (const port of s.ports ?? []) {
          if (port.protocol !== undefined && OTHER_PROTOCOLS.test(port.protocol))
            icmp.push({
              res: p.res,
              path: [...port.path, 'protocol'],
              what: `protocol ${port.protocol}`,
              pods: () => podsOf(rule),
            });
        }
      }
    }
  }
  const gaps: Gap[] = [];
  const item = (x: Part, message: string): GapItem => ({
    res: x.res,
    path: x.path,
    loc: x.res.at(...x.path),
    message,
    scope: scopeOf(x.pods()),
  });
  if (icmp.length) {
    const n = icmp.length;
    gaps.push({
      kind: 'policy-part',
      key: 'icmp',
      items: icmp.map((x) =>
        item(
          x,
          `${x.res.displayShort}: not analysed: ${x.what} (the analysis covers TCP, UDP and SCTP); what this part allows or denies is not shown`,
        ),
      ),
      message: `${counted(n, 'Cilium rule part is', 'Cilium rule parts are')} about ICMP or other protocols than TCP, UDP and SCTP, which are not analysed: the connections shown are TCP, UDP and SCTP only`,
      describe: (i) =>
        `${i.res.display} has ICMP rules (or other protocols than TCP, UDP and SCTP), which are not analysed`,
    });
  }
  if (outside.length) {
    const n = outside.length;
    gaps.push({
      kind: 'policy-part',
      key: 'outside-peers',
      items: outside.map((x) =>
        item(
          x,
          `${x.res.displayShort}: not analysed: ${x.what}; this peer matches no pod or address of the analysis, so the connections it allows or denies are not shown`,
        ),
      ),
      message: `${counted(n, 'policy peer is', 'policy peers are')} not analysed (DNS names, Services by reference, CIDR groups, label requirements): ${n === 1 ? 'it matches' : 'they match'} no pod or address of the analysis, and the connections ${n === 1 ? 'it allows or denies are' : 'they allow or deny are'} not shown`,
      describe: (i) =>
        `${i.res.display} has a peer that is not analysed: ${i.message.slice(i.message.indexOf('not analysed: ') + 14, i.message.indexOf(';'))}`,
    });
  }

  // Host policies (nodeSelector rules): they govern the nodes' traffic, hostNetwork pods included.
  const hostPods = new Set(model.podTemplates.filter((t) => t.hostNetwork && !t.workload.superseded));
  const hostRules: GapItem[] = [];
  for (const p of ciliums)
    for (const rule of p.rules) {
      if (rule.subject || !rule.nodeSelector) continue;
      const path = [...rule.path, 'nodeSelector'];
      hostRules.push({
        res: p.res,
        path,
        loc: p.res.at(...path),
        message: `${p.res.displayShort}: host policy (nodeSelector) not analysed: it governs traffic of nodes, not pods`,
        scope: { kind: 'workloads', workloads: hostPods },
      });
    }
  if (hostRules.length) {
    const n = hostRules.length;
    gaps.push({
      kind: 'host-policy',
      key: 'cilium-host-policy',
      items: hostRules,
      message: `${counted(n, 'Cilium host policy rule', 'Cilium host policy rules')} (nodeSelector) ${n === 1 ? 'is' : 'are'} not analysed (${n === 1 ? 'it governs' : 'they govern'} traffic of nodes, hostNetwork pods included, not of pods): the connections shown ignore ${n === 1 ? 'it' : 'them'}`,
      describe: (i) => `${i.res.display} is a host policy (nodeSelector), which is not analysed`,
    });
  }

  // AdminNetworkPolicies (v1alpha1) and Cilium policies selecting the same pods.
  const v1alpha1 = admins.filter((p) => p.kind !== 'ClusterNetworkPolicy');
  if (v1alpha1.length && ciliums.length) {
    const ciliumPods = new Set<PodTemplate>();
    for (const p of ciliums)
      for (const rule of p.rules) if (rule.subject) for (const t of podsOf(rule)) ciliumPods.add(t);
    const items: GapItem[] = [];
    for (const p of v1alpha1) {
      if (!p.subject) continue;
      const both = select ? new Set([...podsOf(p)].filter((t) => ciliumPods.has(t))) : undefined;
      if (both && both.size === 0) continue;
      items.push({
        res: p.res,
        path: ['spec', 'subject'],
        loc: p.res.at('spec', 'subject'),
        message: `${p.res.displayShort} selects pods that Cilium policies also select: Cilium does not implement ${p.kind} (only its successor ClusterNetworkPolicy), and the network plugins that do ignore Cilium policies; the analysis assumes both are enforced, the Admin tier first (its Allow rules are final even where a Cilium deny rule matches)`,
        scope: both ? { kind: 'workloads', workloads: both } : { kind: 'cluster' },
      });
    }
    if (items.length) {
      const n = items.length;
      gaps.push({
        kind: 'mixed-plugins',
        key: 'cilium-and-admin-tiers',
        items,
        message: `${counted(n, 'AdminNetworkPolicy or BaselineAdminNetworkPolicy selects', 'AdminNetworkPolicies or BaselineAdminNetworkPolicies select')} pods that Cilium policies also select: no network plugin enforces both (Cilium implements only their successor, ClusterNetworkPolicy; the plugins that implement them ignore Cilium policies); the connections shown assume both are enforced, the Admin tier first, then NetworkPolicies and Cilium policies, then the Baseline tier`,
        describe: (i) =>
          `${i.res.display} and Cilium policies both select a pod of this connection, and no network plugin enforces both (the Admin tier is assumed to decide first)`,
      });
    }
  }
  return gaps;
}

/** Linkerd's default inbound policy (a Namespace's or a pod's annotation), and the values that refuse clients. */
const LINKERD_DEFAULT_POLICY = 'config.linkerd.io/default-inbound-policy';
const LINKERD_REFUSING = new Set(['deny', 'all-authenticated', 'cluster-authenticated', 'cluster-unauthenticated']);

/**
 * Linkerd's default inbound policy, where it refuses some clients (all-unauthenticated, Linkerd's
 * default, admits every one): the proxies of the pods it covers refuse the others.
 */
export function meshDefaultGaps(model: Model): Gap[] {
  const gaps: Gap[] = [];
  const meshDefault: GapItem[] = [];
  const refusing = (res: Resource, path: Path, value: string | undefined, scope: GapScope) => {
    if (value === undefined || !LINKERD_REFUSING.has(value.trim())) return;
    meshDefault.push({
      res,
      path,
      loc: res.at(...path),
      message: `${res.displayShort}: Linkerd default inbound policy "${value.trim()}" is not analysed: the Linkerd proxies of its pods refuse clients it does not admit (unless a Server's authorization does); the connectivity analysis ignores it`,
      scope,
    });
  };
  for (const res of model.resources)
    if (!res.superseded && res.kind === 'Namespace' && res.group === '')
      refusing(res, ['metadata', 'annotations', LINKERD_DEFAULT_POLICY], res.annotations.get(LINKERD_DEFAULT_POLICY), {
        kind: 'namespace',
        namespace: res.name,
      });
  for (const t of model.podTemplates) {
    if (t.workload.superseded) continue;
    const annotations = asMap(asMap(t.template.metadata)?.annotations);
    const value = annotations?.[LINKERD_DEFAULT_POLICY];
    if (typeof value === 'string')
      refusing(t.workload, [...t.templatePath, 'metadata', 'annotations', LINKERD_DEFAULT_POLICY], value, {
        kind: 'workloads',
        workloads: new Set([t]),
      });
  }
  if (meshDefault.length) {
    const n = meshDefault.length;
    gaps.push({
      kind: 'mesh-default',
      key: LINKERD_DEFAULT_POLICY,
      items: meshDefault,
      message: `${counted(n, 'Linkerd default inbound policy', 'Linkerd default inbound policies')} (${LINKERD_DEFAULT_POLICY}) ${n === 1 ? 'is' : 'are'} not analysed (the Linkerd proxies refuse clients the policy does not admit): the connections shown ignore ${n === 1 ? 'it' : 'them'}`,
      describe: (i) =>
        `${i.res.display} sets a Linkerd default inbound policy, which is not analysed and may refuse this connection`,
    });
  }
  return gaps;
}
