/** Ingress-like routes of Traefik (IngressRoute, IngressRouteTCP, IngressRouteUDP) and Contour (HTTPProxy). */
import type { Path } from '../load/source.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { asArray, asInt, asMap, asString } from './resource.js';
import type { Resource } from './resource.js';

export interface IngressRouteService {
  path: Path;
  name: string;
  namespace: string;
  /** A Service port: number or name (Traefik accepts both; Contour a number). */
  port?: { number?: number; name?: string; raw: unknown; path: Path };
  /** The protocol of the Service port: UDP for an IngressRouteUDP, else TCP. */
  protocol: 'TCP' | 'UDP';
}

export interface IngressRouteInfo {
  res: Resource;
  namespace: string;
  services: IngressRouteService[];
}

function service(
  raw: unknown,
  path: Path,
  ns: string,
  allowNamespace: boolean,
  protocol: 'TCP' | 'UDP' = 'TCP',
): IngressRouteService | undefined {
  const s = asMap(raw);
  const name = asString(s?.name);
  if (!s || !name) return undefined;
  // Traefik: kind Service (default) or TraefikService (a Traefik object, not a Kubernetes Service).
  if (s.kind !== undefined && s.kind !== 'Service') return undefined;
  const p = s.port;
  return {
    path,
    name,
    namespace: (allowNamespace && asString(s.namespace)) || ns,
    protocol,
    port:
      p === undefined || p === null
        ? undefined
        : typeof p === 'number'
          ? { number: asInt(p), raw: p, path: [...path, 'port'] }
          : { name: String(p), raw: p, path: [...path, 'port'] },
  };
}

export function ingressRouteFrom(res: Resource): IngressRouteInfo {
  const spec = asMap(res.raw.spec) ?? {};
  const ns = res.namespace ?? DEFAULT_NAMESPACE;
  const out: IngressRouteInfo = { res, namespace: ns, services: [] };
  // An IngressRouteUDP routes UDP to the Service port; the others TCP.
  const protocol = res.kind === 'IngressRouteUDP' ? 'UDP' : 'TCP';
  asArray(spec.routes).forEach((rawRoute, ri) => {
    asArray(asMap(rawRoute)?.services).forEach((s, si) => {
      const svc = service(s, ['spec', 'routes', ri, 'services', si], ns, true, protocol);
      if (svc) out.services.push(svc);
    });
  });
  return out;
}

export function httpProxyFrom(res: Resource): IngressRouteInfo {
  const spec = asMap(res.raw.spec) ?? {};
  const ns = res.namespace ?? DEFAULT_NAMESPACE;
  const out: IngressRouteInfo = { res, namespace: ns, services: [] };
  asArray(spec.routes).forEach((rawRoute, ri) => {
    asArray(asMap(rawRoute)?.services).forEach((s, si) => {
      const svc = service(s, ['spec', 'routes', ri, 'services', si], ns, false);
      if (svc) out.services.push(svc);
    });
  });
  asArray(asMap(spec.tcpproxy)?.services).forEach((s, si) => {
    const svc = service(s, ['spec', 'tcpproxy', 'services', si], ns, false);
    if (svc) out.services.push(svc);
  });
  return out;
}
