/**
 * The pods the connectivity engine reasons about: one per workload of the input (its pod
 * template; every replica has the same labels and ports), and stand-ins for pods outside the
 * input that send traffic to it (the ingress controller, the cluster DNS, Gateways, Prometheus).
 * Each pod has a dense id (its bit in the engine's bitsets) and sits in a label index by
 * namespace, so selectors find their pods without visiting the others.
 */
import { LabelIndex } from '../graph/label-index.js';
import type { Model, PodTemplate } from '../model/model.js';
import { labelListOf, labelledMap, matches } from '../model/selector.js';
import type { Labelled, Selector } from '../model/selector.js';
import type { StandIn } from './consumers.js';

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

/**
 * Labels the platform puts on its own namespaces, which NetworkPolicies select to admit the
 * OpenShift router (OpenShift documents `policy-group.network.openshift.io/ingress` and the older
 * `network.openshift.io/policy-group: ingress`).
 */
const PLATFORM_NAMESPACE_LABELS: ReadonlyMap<string, Record<string, string>> = new Map([
  [
    'openshift-ingress',
    { 'policy-group.network.openshift.io/ingress': '', 'network.openshift.io/policy-group': 'ingress' },
  ],
]);

/** One end of a connection: a pod, or an external range (an "atom" of the engine's partition of IPv4). */
export type Endpoint = { kind: 'pod'; pod: NetPod } | { kind: 'external'; atom: number };

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

/** The pods of a workload of the input (one object per workload: no closures of its own). */
class WorkloadPod implements NetPod {
  id = -1;
  readonly namespace: string;
  readonly name: string;
  readonly labelList: readonly string[];
  readonly dynamicLabels: Map<string, unknown>;

  constructor(readonly workload: PodTemplate) {
    this.namespace = workload.namespace;
    // The top-most owner for live objects a controller made (see model/owners.ts).
    this.name = workload.endpointName;
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
    for (const cp of this.workload.servingPorts())
      if (cp.name === name && cp.protocol === protocol && cp.number !== undefined) out.push(cp.number);
    return out;
  }
}

/** Every pod of the analysis, with its label index and the labels of every namespace. */
export class PodSet {
  readonly pods: NetPod[] = [];
  readonly index = new LabelIndex<NetPod>();
  readonly namespaceLabels = new Map<string, Map<string, string>>();
  readonly byWorkload = new Map<PodTemplate, NetPod>();

  constructor(model: Model) {
    for (const [name, ns] of model.namespaces) {
      // The router's namespace, when the input holds its pods but not the Namespace: the labels OpenShift gives it.
      const platform = !ns.res && PLATFORM_NAMESPACE_LABELS.get(name);
      this.namespaceLabels.set(name, platform ? new Map([...ns.labels, ...Object.entries(platform)]) : ns.labels);
    }
    for (const t of model.podTemplates) {
      if (t.workload.superseded) continue;
      this.byWorkload.set(t, this.add(new WorkloadPod(t)));
    }
  }

  add(p: Omit<NetPod, 'id'>): NetPod {
    const pod = p as NetPod;
    pod.id = this.pods.length;
    this.pods.push(pod);
    this.index.add(pod.namespace, pod);
    if (!this.namespaceLabels.has(pod.namespace)) {
      this.namespaceLabels.set(pod.namespace, new Map([['kubernetes.io/metadata.name', pod.namespace]]));
    }
    return pod;
  }

  /** A stand-in pod with these labels (and named ports, for the DNS stand-in). */
  synthetic(
    kind: NonNullable<NetPod['synthetic']>,
    namespace: string,
    labels: Record<string, string>,
    name: string,
    ports: [string, string, number][],
  ): NetPod {
    const map = new Map(Object.entries(labels));
    return this.add({
      namespace,
      name,
      labels: map,
      labelList: labelListOf(map),
      ...labelledMap(map),
      synthetic: kind,
      portsNamed: (n, proto) => ports.filter(([pn, pp]) => pn === n && pp === proto).map(([, , num]) => num),
    });
  }

  /** The pods of the input (no stand-ins) in `namespace` with all of `labels`. */
  real(namespace: string, labels: Record<string, string>): NetPod[] {
    const sel: Selector = { matchLabels: Object.entries(labels), expressions: [] };
    return this.index.select(namespace, sel).filter((p) => !p.synthetic);
  }

  private labelled?: [string, Labelled][];

  /** Namespaces a namespaceSelector matches (every namespace carries kubernetes.io/metadata.name). */
  namespacesMatching(sel: Selector): string[] {
    // A selector that names its namespace: that one only (when its other terms hold).
    const named = sel.matchLabels.find(([k]) => k === NAMESPACE_NAME);
    if (named) {
      const labels = this.namespaceLabels.get(named[1]);
      return labels && matches(sel, labelledMap(labels)) ? [named[1]] : [];
    }
    if (this.labelled?.length !== this.namespaceLabels.size)
      this.labelled = [...this.namespaceLabels].map(([ns, labels]) => [ns, labelledMap(labels)]);
    const out: string[] = [];
    for (const [ns, labels] of this.labelled) if (matches(sel, labels)) out.push(ns);
    return out;
  }
}
