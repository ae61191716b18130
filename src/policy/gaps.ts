/**
 * What the connectivity analysis does not analyse, said once for every consumer: the lint rules
 * (netpol-not-analysed, netpol-invalid-peer), the warnings of the network commands, and the
 * `incomplete:` line of `explain`.
 *
 * The kinds of gap:
 * - objects of kinds that change who may talk to whom but are not modelled (NOT_MODELLED below);
 * - Linkerd's default inbound policy, where a Namespace's or a pod's annotation refuses clients;
 * - Cilium host policies (nodeSelector rules), which govern nodes, not pods (gaps-policies.ts);
 * - parts of admin-tier and Cilium rules that are not modelled (peers outside the input, ICMP),
 *   and admin-tier and Cilium policies selecting the same pods (gaps-policies.ts);
 * - IPv6 ipBlocks: the engine partitions the IPv4 space only; an IPv6 block matches no endpoint;
 * - hostNetwork pods: whether NetworkPolicies apply to them depends on the network plugin;
 * - NetworkPolicies the API server would reject: they do not exist in the cluster, and the
 *   engine leaves them out (validate.ts).
 */
import type { Graph } from '../graph/graph.js';
import type { Loc, Path } from '../load/source.js';
import type { Model, PodTemplate } from '../model/model.js';
import type { NetworkPolicy } from '../model/netpol.js';
import type { Resource } from '../model/resource.js';
import type { Endpoint } from './engine.js';
import { meshDefaultGaps, policyKindGaps } from './gaps-policies.js';
import { parseCidr } from './ipranges.js';
import { isRejected, rejectionReasons } from './validate.js';

/**
 * Kinds that affect connectivity and are not modelled, by API group and kind (any version).
 * Modelling one of them means removing its row here (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy and the Cilium policies are modelled: src/policy/admin.ts, src/policy/cilium.ts).
 */
export interface NotModelledKind {
  group: string;
  kind: string;
  /** The versions this row was written for (documentation only: every version matches). */
  versions: string;
  /** `cluster`: may affect any pod; `namespace`: pods of the object's own namespace. */
  scope: 'cluster' | 'namespace';
  /** What it does that the analysis misses, as a noun phrase. */
  reason: string;
}

export const NOT_MODELLED: readonly NotModelledKind[] = [
  {
    group: 'crd.projectcalico.org',
    kind: 'NetworkPolicy',
    versions: 'v1',
    scope: 'namespace',
    reason: 'ordered Calico allow and deny rules',
  },
  {
    group: 'crd.projectcalico.org',
    kind: 'GlobalNetworkPolicy',
    versions: 'v1',
    scope: 'cluster',
    reason: 'cluster-wide ordered Calico allow and deny rules',
  },
  {
    group: 'projectcalico.org',
    kind: 'NetworkPolicy',
    versions: 'v3',
    scope: 'namespace',
    reason: 'ordered Calico allow and deny rules',
  },
  {
    group: 'projectcalico.org',
    kind: 'GlobalNetworkPolicy',
    versions: 'v3',
    scope: 'cluster',
    reason: 'cluster-wide ordered Calico allow and deny rules',
  },
  {
    group: 'crd.antrea.io',
    kind: 'NetworkPolicy',
    versions: 'v1beta1',
    scope: 'namespace',
    reason: 'ordered Antrea allow, drop and reject rules',
  },
  {
    group: 'crd.antrea.io',
    kind: 'ClusterNetworkPolicy',
    versions: 'v1beta1',
    scope: 'cluster',
    reason: 'cluster-wide ordered Antrea allow, drop and reject rules',
  },
  {
    group: 'k8s.cni.cncf.io',
    kind: 'MultiNetworkPolicy',
    versions: 'v1beta1',
    scope: 'namespace',
    reason: 'rules for secondary (Multus) networks, whose traffic is not analysed',
  },
  {
    group: 'k8s.ovn.org',
    kind: 'UserDefinedNetwork',
    versions: 'v1',
    scope: 'namespace',
    reason: 'a separate pod network that, as primary network, cuts its namespace off from the others',
  },
  {
    group: 'k8s.ovn.org',
    kind: 'ClusterUserDefinedNetwork',
    versions: 'v1',
    scope: 'cluster',
    reason: 'a separate pod network that, as primary network, cuts the namespaces it selects off from the others',
  },
  {
    group: 'security.istio.io',
    kind: 'AuthorizationPolicy',
    versions: 'v1, v1beta1',
    scope: 'namespace',
    reason:
      'allow and deny rules applied by the Istio proxies, which refuse connections (L4 and L7) that NetworkPolicies allow',
  },
  // Linkerd: once a Server selects a port of its namespace's pods, the proxies refuse clients no
  // authorization admits; the other kinds say which clients are admitted.
  {
    group: 'policy.linkerd.io',
    kind: 'Server',
    versions: 'v1beta1, v1beta2, v1beta3',
    scope: 'namespace',
    reason: 'a port of pods the Linkerd proxies refuse to clients that no authorization for it admits',
  },
  {
    group: 'policy.linkerd.io',
    kind: 'ServerAuthorization',
    versions: 'v1beta1',
    scope: 'namespace',
    reason: 'clients a Linkerd Server admits; the Linkerd proxies refuse the others',
  },
  {
    group: 'policy.linkerd.io',
    kind: 'AuthorizationPolicy',
    versions: 'v1alpha1',
    scope: 'namespace',
    reason: 'clients a Linkerd Server or route admits; the Linkerd proxies refuse the others',
  },
  {
    group: 'policy.linkerd.io',
    kind: 'MeshTLSAuthentication',
    versions: 'v1alpha1',
    scope: 'namespace',
    reason: 'mesh identities that Linkerd authorization policies admit',
  },
  {
    group: 'policy.linkerd.io',
    kind: 'NetworkAuthentication',
    versions: 'v1alpha1',
    scope: 'namespace',
    reason: 'client networks that Linkerd authorization policies admit',
  },
  {
    group: 'policy.linkerd.io',
    kind: 'HTTPRoute',
    versions: 'v1beta1, v1beta2, v1beta3',
    scope: 'namespace',
    reason: 'HTTP routes of a Linkerd Server, which Linkerd authorizes one by one',
  },
];

const NOT_MODELLED_BY_KIND = new Map(NOT_MODELLED.map((r) => [`${r.group}/${r.kind}`, r]));

/** Istio's default root namespace: an AuthorizationPolicy there applies to the whole mesh. */
const ISTIO_ROOT_NAMESPACE = 'istio-system';

export type GapKind =
  | 'not-modelled'
  | 'mesh-default'
  | 'ipv6-ipblock'
  | 'host-network'
  | 'host-policy'
  | 'rejected-policy'
  | 'policy-part'
  | 'mixed-plugins';

/** Which endpoints a gap may affect. */
export type GapScope =
  | { kind: 'cluster' }
  | { kind: 'namespace'; namespace: string }
  /** Pods of these workloads (a policy's selection, or one hostNetwork workload). */
  | { kind: 'workloads'; workloads: ReadonlySet<PodTemplate> };

/** One object (and field) not analysed. */
export interface GapItem {
  res: Resource;
  /** Path of the field, relative to the object. */
  path: Path;
  loc: Loc;
  /** What is not analysed here and what follows, for a finding at `loc`. */
  message: string;
  scope: GapScope;
}

/** One kind of gap, with every place it occurs. */
export interface Gap {
  kind: GapKind;
  /** Tells gaps of one kind apart: `group/Kind` for not-modelled kinds, else the kind. */
  key: string;
  items: GapItem[];
  /** One sentence for the whole gap (counted, without locations). */
  message: string;
  /** A short phrase for one item, for `explain`'s incomplete line. */
  describe(item: GapItem): string;
}

const pluralOf = (kind: string) => (/[^aeiou]y$/.test(kind) ? `${kind.slice(0, -1)}ies` : `${kind}s`);
const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function policyScope(np: NetworkPolicy, graph: Graph | undefined): GapScope {
  // Without the graph, every pod of the policy's namespace may be selected.
  if (!graph) return { kind: 'namespace', namespace: np.namespace };
  return { kind: 'workloads', workloads: new Set(graph.select(np.namespace, np.podSelector)) };
}

/**
 * Everything the analysis of this input leaves out, one Gap per kind of gap, in a stable order.
 * With the graph, gaps of a NetworkPolicy know the workloads it selects; without it, its namespace.
 */
export function analysisGaps(model: Model, graph?: Graph): Gap[] {
  const gaps: Gap[] = [];
  const defaultNs = model.options.defaultNamespace;

  // Kinds that are not modelled, one gap per kind and group, in the table's order.
  const byRow = new Map<NotModelledKind, GapItem[]>();
  for (const res of model.resources) {
    if (res.superseded) continue;
    const row = NOT_MODELLED_BY_KIND.get(`${res.group}/${res.kind}`);
    if (!row) continue;
    const namespace = res.namespace ?? defaultNs;
    const cluster =
      row.scope === 'cluster' || (row.group === 'security.istio.io' && namespace === ISTIO_ROOT_NAMESPACE);
    const item: GapItem = {
      res,
      path: ['kind'],
      loc: res.at('kind'),
      message: `${res.displayShort} (${row.group}) is not analysed: ${row.reason}; the connectivity analysis ignores it`,
      scope: cluster ? { kind: 'cluster' } : { kind: 'namespace', namespace },
    };
    const list = byRow.get(row);
    if (list) list.push(item);
    else byRow.set(row, [item]);
  }
  for (const row of NOT_MODELLED) {
    const items = byRow.get(row);
    if (!items) continue;
    const n = items.length;
    gaps.push({
      kind: 'not-modelled',
      key: `${row.group}/${row.kind}`,
      items,
      message: `${counted(n, row.kind, pluralOf(row.kind))} (${row.group}) ${n === 1 ? 'is' : 'are'} not analysed (${row.reason}): the connections shown ignore ${n === 1 ? 'it' : 'them'}`,
      describe: (i) =>
        `${row.scope === 'cluster' ? i.res.displayShort : i.res.display} (${row.group}) is not analysed and may apply to this connection`,
    });
  }

  // Linkerd's default inbound policy, where it refuses clients.
  gaps.push(...meshDefaultGaps(model));

  // NetworkPolicies the API server rejects: left out of the analysis.
  const rejected: GapItem[] = [];
  const live = model.networkPolicies.filter((np) => !np.res.superseded);
  for (const np of live) {
    const problems = rejectionReasons(np);
    if (problems.length === 0) continue;
    rejected.push({
      res: np.res,
      path: problems[0].path,
      loc: np.res.at(...problems[0].path),
      message: `${np.res.displayShort}: ${problems[0].message}`,
      scope: policyScope(np, graph),
    });
  }
  if (rejected.length) {
    const n = rejected.length;
    gaps.push({
      kind: 'rejected-policy',
      key: 'rejected-policy',
      items: rejected,
      message: `${counted(n, 'NetworkPolicy', 'NetworkPolicies')} would be rejected by the API server and ${n === 1 ? 'is' : 'are'} left out: the connections shown are those without ${n === 1 ? 'it' : 'them'}`,
      describe: (i) =>
        `${i.res.display} would be rejected by the API server and is left out: ${i.message.slice(i.res.displayShort.length + 2)}`,
    });
  }

  // IPv6 ipBlocks of the rules that take effect (in policies that exist).
  const v6: GapItem[] = [];
  for (const np of live) {
    if (isRejected(np)) continue;
    let scope: GapScope | undefined;
    for (const rule of np.activeRules()) {
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'ipBlock') continue;
        const c = parseCidr(peer.cidr);
        if (!c.ok || !c.v6) continue;
        scope ??= policyScope(np, graph);
        const path = [...peer.path, 'ipBlock', 'cidr'];
        const side = rule.direction === 'ingress' ? 'from' : 'to';
        v6.push({
          res: np.res,
          path,
          loc: np.res.at(...path),
          message: `${np.res.displayShort}: IPv6 ipBlock ${JSON.stringify(peer.cidr)} is not analysed (the analysis covers IPv4 only): it is treated as matching no address, so connections ${side} IPv6 addresses are not shown`,
          scope,
        });
      }
    }
  }
  if (v6.length) {
    const n = v6.length;
    gaps.push({
      kind: 'ipv6-ipblock',
      key: 'ipv6-ipblock',
      items: v6,
      message: `${counted(n, 'IPv6 ipBlock', 'IPv6 ipBlocks')} ${n === 1 ? 'is' : 'are'} not analysed (the analysis covers IPv4 only): ${n === 1 ? 'it is' : 'each is'} treated as matching no address, and connections to or from IPv6 addresses are not shown`,
      describe: (i) =>
        `${i.res.display} has an IPv6 ipBlock, which is not analysed (connections with IPv6 addresses are not shown)`,
    });
  }

  // The admin tiers' and Cilium policies' own gaps.
  gaps.push(...policyKindGaps(model, graph));

  // hostNetwork pods, where some policy could be about them.
  const anyPolicy = live.length > 0 || byRow.size > 0;
  const host: GapItem[] = [];
  if (anyPolicy) {
    for (const t of model.podTemplates) {
      if (t.workload.superseded || !t.hostNetwork) continue;
      const path = [...t.templatePath, 'spec', 'hostNetwork'];
      host.push({
        res: t.workload,
        path,
        loc: t.workload.at(...path),
        message: `${t.workload.displayShort} uses hostNetwork: NetworkPolicies do not reliably apply to pods on the node's network (it depends on the network plugin), so its connections are not analysed as such; they are shown as for an ordinary pod`,
        scope: { kind: 'workloads', workloads: new Set([t]) },
      });
    }
  }
  if (host.length) {
    const n = host.length;
    gaps.push({
      kind: 'host-network',
      key: 'host-network',
      items: host,
      message: `${counted(n, 'workload uses', 'workloads use')} hostNetwork, which is not analysed: NetworkPolicies do not reliably apply to pods on the node's network (it depends on the network plugin); the connections shown treat ${n === 1 ? 'its' : 'their'} pods as ordinary pods`,
      describe: (i) =>
        `${i.res.display} uses hostNetwork: whether NetworkPolicies apply to it depends on the network plugin`,
    });
  }
  return gaps;
}

/** Kinds whose objects change what the connectivity analysis shows (by kind; any group the model reads). */
const NETWORK_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'Service',
  'Namespace',
  'NetworkPolicy',
  'Ingress',
  'IngressClass',
  'Gateway',
  'GatewayClass',
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'UDPRoute',
  'Endpoints',
  'EndpointSlice',
  ...NOT_MODELLED.map((r) => r.kind),
]);

export type DropKind = 'not-an-object' | 'missing-identity' | 'superseded';

/** One kind of document or object the analysis drops, with where each occurs. */
export interface Drop {
  kind: DropKind;
  items: { loc: Loc }[];
  /** One sentence for the whole kind of drop (counted, without locations). */
  message: string;
}

/**
 * Documents and objects the analysis drops, one Drop per kind, in a stable order: documents that
 * are not Kubernetes objects, objects without their identity fields (the API server rejects them),
 * and earlier definitions of an object defined again (the last one wins) when the object is one
 * the connectivity analysis reads. Tool configuration documents (kustomization.yaml, …) are not
 * cluster objects and are not counted.
 */
export function droppedObjects(model: Model): Drop[] {
  const drops: Drop[] = [];
  const nonObjects = model.nonObjects.map((n) => ({ loc: { doc: n.doc, path: n.path } }));
  if (nonObjects.length) {
    const n = nonObjects.length;
    drops.push({
      kind: 'not-an-object',
      items: nonObjects,
      message: `${counted(n, 'document is', 'documents are')} not a Kubernetes object and ${n === 1 ? 'is' : 'are'} not analysed`,
    });
  }
  const missing: { loc: Loc }[] = [];
  const superseded: { loc: Loc }[] = [];
  for (const r of model.resources) {
    const lacks = r.missingIdentity();
    if (lacks.length)
      missing.push({ loc: lacks.includes('metadata') || lacks.includes('kind') ? r.at() : r.keyAt('metadata') });
    else if (r.superseded && NETWORK_KINDS.has(r.kind)) superseded.push({ loc: r.at() });
  }
  if (missing.length) {
    const n = missing.length;
    drops.push({
      kind: 'missing-identity',
      items: missing,
      message: `${counted(n, 'object lacks', 'objects lack')} apiVersion, kind or metadata.name: the API server would reject ${n === 1 ? 'it' : 'them'}, and the analysis leaves ${n === 1 ? 'it' : 'them'} out or reads ${n === 1 ? 'it' : 'them'} in part`,
    });
  }
  if (superseded.length) {
    const n = superseded.length;
    drops.push({
      kind: 'superseded',
      items: superseded,
      message: `${counted(n, 'object is', 'objects are')} defined again later in the input and ${n === 1 ? 'is' : 'are'} not analysed (the last definition wins)`,
    });
  }
  return drops;
}

/** May a gap item affect connections of this endpoint? */
function touches(scope: GapScope, ep: Endpoint): boolean {
  switch (scope.kind) {
    case 'cluster':
      return true;
    case 'namespace':
      return ep.kind === 'pod' && ep.pod.namespace === scope.namespace;
    case 'workloads':
      return ep.kind === 'pod' && ep.pod.workload !== undefined && scope.workloads.has(ep.pod.workload);
  }
}

/** The gaps (narrowed to their items) that may affect connections between `src` and `dst`. */
export function gapsTouching(gaps: readonly Gap[], src: Endpoint, dst: Endpoint): Gap[] {
  const out: Gap[] = [];
  for (const g of gaps) {
    const items = g.items.filter((i) => touches(i.scope, src) || touches(i.scope, dst));
    if (items.length) out.push({ ...g, items });
  }
  return out;
}
