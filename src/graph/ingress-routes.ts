/** Traefik IngressRoute and Contour HTTPProxy services, followed to their Service and port. */
import type { Graph, BackendResolution } from './graph.js';
import type { IngressRouteInfo, IngressRouteService } from '../model/ingress-routes.js';

export function ingressRouteBackend(graph: Graph, s: IngressRouteService): BackendResolution {
  const svc = graph.service(s.namespace, s.name);
  if (!svc) return { status: 'no-service' };
  if (!s.port) return { status: 'no-port', service: svc };
  const sp = graph.servicePortFor(svc, s.port);
  return sp ? { status: 'ok', service: svc, servicePort: sp } : { status: 'no-port', service: svc };
}

/** `service "api" of IngressRoute "web"`, for messages. */
export function describeRouteService(route: IngressRouteInfo, s: IngressRouteService): string {
  return `service ${JSON.stringify(s.name)} of ${route.res.displayShort}`;
}
