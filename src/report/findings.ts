/**
 * Where the lint run's findings go in the network picture: each on the nodes of the objects it is
 * about, a NetworkPolicy's on its namespace's `policies` node, the rest on the `cluster` node.
 */
import type { Finding } from '../engine/types.js';
import type { Graph } from '../graph/graph.js';
import type { Model } from '../model/model.js';
import type { PolicyEngine } from '../policy/engine.js';
import { NODE_ID } from './model.js';
import type { ReportFinding, ReportNode } from './model.js';

/** Adds a node to the picture (or returns the one with its id). */
type AddNode = (node: ReportNode) => ReportNode;

/** Kinds of network policy objects (NetworkPolicy, AdminNetworkPolicy, CiliumNetworkPolicy, …). */
const POLICY_KIND = /NetworkPolicy$/;

/**
 * The findings, each on the nodes it is about: its object's node (the ConfigMap a workload reads
 * counts as the workload; the live objects a workload folds count as it). A finding on a
 * NetworkPolicy is about the policy, not about every pod it selects: it goes to the `policies`
 * node of the policy's namespace. Findings on no drawn object go to the `cluster` node.
 */
export function placeFindings(
  input: { model: Model; graph: Graph; engine: PolicyEngine; findings: readonly Finding[] },
  nodes: ReadonlyMap<string, ReportNode>,
  add: AddNode,
): ReportFinding[] {
  const { engine, graph, model } = input;
  const byKey = new Map<string, Set<string>>();
  const put = (key: string, id: string) => {
    const set = byKey.get(key);
    if (!set) byKey.set(key, new Set([id]));
    else set.add(id);
  };
  for (const pod of engine.workloadPods) {
    const id = NODE_ID.workload(pod.name);
    put(pod.workload!.workload.key, id);
    // Findings on the live objects it folds, and on its owner, belong to the workload too.
    if (pod.workload!.owner?.res) put(pod.workload!.owner.res.key, id);
    for (const m of pod.workload!.members) put(m.workload.key, id);
  }
  for (const svc of model.services) if (!svc.res.superseded) put(svc.res.key, NODE_ID.service(svc.namespace, svc.name));
  for (const ing of model.ingresses)
    if (!ing.res.superseded) put(ing.res.key, NODE_ID.ingress(ing.namespace, ing.res.name));
  for (const ref of graph.references) {
    const pod = engine.podOf(ref.pod);
    if (ref.via && pod) put(ref.via.configMap.res.key, NODE_ID.workload(pod.name));
  }
  const policies: Map<string, Set<string>> = new Map();
  const nodesOf = (f: Finding): string[] => {
    const o = f.object;
    if (o && POLICY_KIND.test(o.kind) && o.namespace) {
      const id = policiesNode(add, o.namespace);
      let names = policies.get(id);
      if (!names) policies.set(id, (names = new Set()));
      names.add(o.name);
      return [id];
    }
    const ids = o ? [...(byKey.get(o.key) ?? [])].filter((id) => nodes.has(id)) : [];
    return ids.length ? ids : [clusterNode(add)];
  };
  const out = input.findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file.path,
    ...f.file.position(f.range[0]),
    nodes: nodesOf(f),
  }));
  for (const [id, names] of policies)
    nodes.get(id)!.info.push(
      `findings on ${[...names]
        .sort()
        .map((n) => `"${n}"`)
        .join(', ')}`,
    );
  return out;
}

/** The node that holds the findings on the NetworkPolicies of a namespace. */
function policiesNode(add: AddNode, namespace: string): string {
  return add({
    id: NODE_ID.policies(namespace),
    kind: 'policies',
    label: 'policies',
    subtitle: 'NetworkPolicies',
    namespace,
    parent: NODE_ID.namespace(namespace),
    info: [
      `the NetworkPolicies of namespace "${namespace}" (their findings are listed here; the edges show what they block)`,
    ],
    findings: [],
  }).id;
}

/** The node that holds the findings on objects no node stands for (and file-level ones). */
function clusterNode(add: AddNode): string {
  return add({
    id: NODE_ID.cluster,
    kind: 'cluster',
    label: 'cluster',
    subtitle: 'the rest of the input',
    info: [
      'findings on objects that no node stands for (ConfigMaps, duplicates, cluster-scoped objects) and on whole files',
    ],
    findings: [],
  }).id;
}
