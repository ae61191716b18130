/** What prometheus-operator monitors select: Services (ServiceMonitor) and pods (PodMonitor). */
import type { Graph } from './graph.js';
import type { PodTemplate, Service } from '../model/model.js';
import type { MonitorInfo, PrometheusInfo } from '../model/monitoring.js';
import { labelledMap, matches } from '../model/selector.js';

export interface MonitorTargets {
  /** Every selected namespace is in the input (so "nothing selected" is a claim about the cluster). */
  complete: boolean;
  namespaces: string[];
  services: Service[];
  pods: PodTemplate[];
  /** Pods an operator makes from a custom resource of the input (their ports are unknown). */
  operatorPods: number;
}

/** The Kubernetes API server's Service, which the cluster itself defines in namespace default. */
function isApiServer(namespace: string, monitor: MonitorInfo): boolean {
  return (
    namespace === 'default' && monitor.selector.matchLabels.some(([k, v]) => k === 'component' && v === 'apiserver')
  );
}

/**
 * Namespaces whose Services and pods the input holds: some Service or workload of the input is
 * there (RBAC objects alone do not make one). kube-system's Services are the cluster's own (DNS,
 * the kubelet Service of the operator).
 */
function covered(graph: Graph): Set<string> {
  const out = new Set<string>();
  for (const s of graph.model.services) out.add(s.namespace);
  for (const p of graph.model.podTemplates) out.add(p.namespace);
  out.delete('kube-system');
  return out;
}

const coveredCache = new WeakMap<Graph, Set<string>>();

export function monitorTargets(graph: Graph, m: MonitorInfo): MonitorTargets {
  const model = graph.model;
  const namespaces = m.namespaces.any ? [...model.namespaces.keys()] : m.namespaces.names;
  let inInput = coveredCache.get(graph);
  if (!inInput) coveredCache.set(graph, (inInput = covered(graph)));
  const known = inInput;
  const out: MonitorTargets = {
    complete: !m.namespaces.any && namespaces.every((ns) => known.has(ns) && !isApiServer(ns, m)),
    namespaces,
    services: [],
    pods: [],
    operatorPods: 0,
  };
  const wanted = new Set(namespaces);
  if (m.kind === 'ServiceMonitor') {
    for (const svc of model.services) {
      if (svc.res.superseded || !wanted.has(svc.namespace)) continue;
      if (matches(m.selector, labelledMap(svc.res.labels))) out.services.push(svc);
    }
  } else {
    for (const ns of namespaces) {
      out.pods.push(...graph.select(ns, m.selector));
      out.operatorPods += graph.operatorMatches(ns, m.selector).length;
    }
  }
  return out;
}

/** Whether a Prometheus of the input picks up a monitor (its monitor selectors; absent selects none). */
export function prometheusSelects(graph: Graph, p: PrometheusInfo, m: MonitorInfo): boolean {
  const sel = m.kind === 'ServiceMonitor' ? p.serviceMonitorSelector : p.podMonitorSelector;
  const nsSel = m.kind === 'ServiceMonitor' ? p.serviceMonitorNamespaceSelector : p.podMonitorNamespaceSelector;
  if (!sel || !matches(sel, labelledMap(m.res.labels))) return false;
  // No namespace selector: the Prometheus's own namespace only.
  if (!nsSel) return m.namespace === p.namespace;
  const labels =
    graph.model.namespaces.get(m.namespace)?.labels ?? new Map([['kubernetes.io/metadata.name', m.namespace]]);
  return matches(nsSel, labelledMap(labels));
}
