/** Traefik IngressRoute and Contour HTTPProxy services, followed to their Service and port. */
import type { Graph, BackendResolution } from './graph.js';
import type { IngressRouteInfo, IngressRouteService } from '../model/ingress-routes.js';

export function ingressRouteBackend(graph: Graph, s: IngressRouteService): BackendResolution {
  const svc = graph.service(s.namespace, s.name);
  if (!svc) return { status: 'no-service' };
  if (!s.port) return { status: 'no-port', service: svc };
  // A port of the route's protocol (UDP for an IngressRouteUDP), by number or name.
  const { number, name } = s.port;
  const sp = svc.ports.find(
    (p) => p.protocol === s.protocol && (number !== undefined ? p.port === number : !!name && p.name === name),
  );
  return sp ? { status: 'ok', service: svc, servicePort: sp } : { status: 'no-port', service: svc };
}

/** `service "api" of IngressRoute "web"`, for messages. */
export function describeRouteService(route: IngressRouteInfo, s: IngressRouteService): string {
  return `service ${JSON.stringify(s.name)} of ${route.res.displayShort}`;
}
