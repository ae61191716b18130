/**
 * Pods of Service consumers that the input describes only by a custom resource: the data plane of
 * each Gateway (pods labelled `gateway.networking.k8s.io/gateway-name: <gateway>` in its
 * namespace) and the pods of each Prometheus (made by prometheus-operator). The policy engine adds
 * a stand-in for each when no pod of the input carries those labels, and the connections from the
 * Gateways to the backends of the routes they accept.
 */
import type { Graph } from '../graph/graph.js';
import type { Model, PodTemplate } from '../model/model.js';
import type { Resource } from '../model/resource.js';
import { ConnSet, isProtocol } from './conn.js';

export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

export interface StandIn {
  kind: 'gateway' | 'prometheus';
  /** The Gateway or Prometheus object. */
  res: Resource;
  namespace: string;
  labels: Record<string, string>;
  /** `namespace/name[Kind]`. */
  name: string;
  /** Where the configuration places these pods, as a reason; absent: the default labels. */
  configured?: string;
}

export function consumerStandIns(model: Model): StandIn[] {
  const out: StandIn[] = [];
  for (const gw of model.gateways) {
    if (gw.res.superseded) continue;
    out.push({
      kind: 'gateway',
      res: gw.res,
      namespace: gw.namespace,
      labels: { [GATEWAY_NAME_LABEL]: gw.name },
      name: `${gw.namespace}/${gw.name}[Gateway]`,
    });
  }
  for (const p of model.consumers.prometheuses) {
    if (p.res.superseded) continue;
    out.push({
      kind: 'prometheus',
      res: p.res,
      namespace: p.namespace,
      labels: Object.fromEntries(p.podLabels),
      name: `${p.namespace}/${p.name}[Prometheus]`,
    });
  }
  return out;
}

/** The target ports of the backends of the routes a Gateway accepts, per destination pod template. */
export function gatewayBackendTargets(graph: Graph, gateway: Resource): { pod: PodTemplate; conn: ConnSet }[] {
  const byPod = new Map<PodTemplate, ConnSet>();
  for (const route of graph.model.routes) {
    if (route.res.superseded) continue;
    const attached = route.parentRefs.some((ref) => {
      const a = graph.gateways.attachment(route, ref);
      return a.status === 'accepted' && a.gateway.res === gateway;
    });
    if (!attached) continue;
    for (const ref of route.backendRefs) {
      const r = graph.routeBackend(ref);
      if (r.status !== 'ok') continue;
      const proto = r.servicePort.protocol;
      if (!isProtocol(proto)) continue;
      for (const t of graph.podsOf(r.service)) {
        const res = graph.resolveTarget(r.servicePort, t);
        if (!res || (res.status !== 'ok' && res.status !== 'undeclared')) continue;
        byPod.set(t, (byPod.get(t) ?? ConnSet.NONE).union(ConnSet.of(proto, res.number)));
      }
    }
  }
  return [...byPod].map(([pod, conn]) => ({ pod, conn }));
}
