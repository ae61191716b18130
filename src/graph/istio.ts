/** Istio host names resolved to Services of the input, and DestinationRule subsets. */
import type { Graph } from './graph.js';
import type { Service } from '../model/model.js';
import type { DestinationRuleInfo, ServiceEntryInfo } from '../model/istio.js';

/** A host as a Kubernetes Service name, or undefined for other hosts (external names). */
export function serviceOfHost(host: string, namespace: string): { name: string; namespace: string } | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h.includes('*')) return undefined;
  const parts = h.split('.');
  if (parts.length === 1) return { name: parts[0], namespace };
  if (parts.length === 2) return { name: parts[0], namespace: parts[1] };
  if (parts.length === 3 && parts[2] === 'svc') return { name: parts[0], namespace: parts[1] };
  if (parts.length === 5 && parts[2] === 'svc' && parts[3] === 'cluster' && parts[4] === 'local')
    return { name: parts[0], namespace: parts[1] };
  return undefined;
}

export function fqdn(s: { name: string; namespace: string }): string {
  return `${s.name}.${s.namespace}.svc.cluster.local`;
}

/** A ServiceEntry host (possibly `*.` wildcard) that covers `host`. */
export function serviceEntryFor(
  entries: readonly ServiceEntryInfo[],
  host: string,
  resolved?: string,
): ServiceEntryInfo | undefined {
  const names = resolved ? [host.toLowerCase(), resolved] : [host.toLowerCase()];
  return entries.find((e) =>
    e.hosts.some((h) => {
      const x = h.toLowerCase();
      return names.some((n) => (x.startsWith('*.') ? n.endsWith(x.slice(1)) : x === n || x === '*'));
    }),
  );
}

/** DestinationRules of the input whose host is the Service `target`. */
export function destinationRulesFor(graph: Graph, target: Service): DestinationRuleInfo[] {
  const want = fqdn({ name: target.name, namespace: target.namespace });
  return graph.model.consumers.destinationRules.filter((dr) => {
    if (dr.res.superseded) return false;
    const s = serviceOfHost(dr.host, dr.namespace);
    return s !== undefined && fqdn(s) === want;
  });
}
