/** Typed views of prometheus-operator objects (monitoring.coreos.com): ServiceMonitor, PodMonitor, Prometheus. */
import type { Path } from '../load/source.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { asArray, asInt, asMap, asString, isMap, stringMap } from './resource.js';
import type { Resource } from './resource.js';
import { parseLabelSelector } from './selector.js';
import type { Selector } from './selector.js';

/** `namespaceSelector` of a monitor: `any`, `matchNames`, or (neither) the monitor's own namespace. */
export interface MonitorNamespaces {
  any: boolean;
  /** Namespaces to look in (the monitor's own when `matchNames` is not given). */
  names: string[];
}

export interface MonitorEndpoint {
  index: number;
  path: Path;
  /** `port`: a Service port name (ServiceMonitor) or a container port name (PodMonitor). */
  port?: string;
  /** PodMonitor `portNumber`. */
  portNumber?: number;
  /** Deprecated `targetPort`: a container port number or name. */
  targetPort?: number | string;
}

export interface MonitorInfo {
  res: Resource;
  kind: 'ServiceMonitor' | 'PodMonitor';
  namespace: string;
  selector: Selector;
  /** The selector is `{}`: every object of the namespaces. */
  selectsAll: boolean;
  namespaces: MonitorNamespaces;
  endpoints: MonitorEndpoint[];
}

export type ServiceMonitorInfo = MonitorInfo & { kind: 'ServiceMonitor' };
export type PodMonitorInfo = MonitorInfo & { kind: 'PodMonitor' };

/** A selector field of the Prometheus resource: absent (undefined), or parsed. */
export type OptionalSelector = Selector | undefined;

export interface PrometheusInfo {
  res: Resource;
  name: string;
  namespace: string;
  serviceMonitorSelector: OptionalSelector;
  serviceMonitorNamespaceSelector: OptionalSelector;
  podMonitorSelector: OptionalSelector;
  podMonitorNamespaceSelector: OptionalSelector;
  /** Labels of the Prometheus pods (set by the operator, and `podMetadata.labels`). */
  podLabels: Map<string, string>;
}

function monitorFrom(res: Resource, kind: 'ServiceMonitor' | 'PodMonitor', endpointsKey: string): MonitorInfo {
  const spec = asMap(res.raw.spec) ?? {};
  const namespace = res.namespace ?? DEFAULT_NAMESPACE;
  const nsSel = asMap(spec.namespaceSelector);
  const any = nsSel?.any === true;
  const matchNames = asArray(nsSel?.matchNames).filter((n): n is string => typeof n === 'string');
  const rawSelector = asMap(spec.selector);
  const selector = parseLabelSelector(rawSelector);
  const endpoints: MonitorEndpoint[] = [];
  asArray(spec[endpointsKey]).forEach((raw, index) => {
    const e = asMap(raw);
    if (!e) return;
    const tp = e.targetPort;
    endpoints.push({
      index,
      path: ['spec', endpointsKey, index],
      port: asString(e.port) || undefined,
      portNumber: asInt(e.portNumber),
      targetPort: typeof tp === 'number' || (typeof tp === 'string' && tp !== '') ? tp : undefined,
    });
  });
  return {
    res,
    kind,
    namespace,
    selector,
    selectsAll: !rawSelector || (selector.matchLabels.length === 0 && selector.expressions.length === 0),
    namespaces: { any, names: any ? [] : matchNames.length > 0 ? matchNames : [namespace] },
    endpoints,
  };
}

export function serviceMonitorFrom(res: Resource): ServiceMonitorInfo {
  return monitorFrom(res, 'ServiceMonitor', 'endpoints') as ServiceMonitorInfo;
}

export function podMonitorFrom(res: Resource): PodMonitorInfo {
  return monitorFrom(res, 'PodMonitor', 'podMetricsEndpoints') as PodMonitorInfo;
}

export function prometheusFrom(res: Resource): PrometheusInfo {
  const spec = asMap(res.raw.spec) ?? {};
  const sel = (k: string): OptionalSelector => (isMap(spec[k]) ? parseLabelSelector(spec[k]) : undefined);
  const podLabels = new Map<string, string>([
    ['app.kubernetes.io/name', 'prometheus'],
    ['app.kubernetes.io/managed-by', 'prometheus-operator'],
    ['app.kubernetes.io/instance', res.name],
    ['prometheus', res.name],
    ['operator.prometheus.io/name', res.name],
  ]);
  for (const [k, v] of stringMap(asMap(spec.podMetadata)?.labels)) podLabels.set(k, v);
  return {
    res,
    name: res.name,
    namespace: res.namespace ?? DEFAULT_NAMESPACE,
    serviceMonitorSelector: sel('serviceMonitorSelector'),
    serviceMonitorNamespaceSelector: sel('serviceMonitorNamespaceSelector'),
    podMonitorSelector: sel('podMonitorSelector'),
    podMonitorNamespaceSelector: sel('podMonitorNamespaceSelector'),
    podLabels,
  };
}
