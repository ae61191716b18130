/**
 * Typed views of the Gateway API (gateway.networking.k8s.io): GatewayClass, Gateway and its
 * listeners, the route kinds (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute) and ReferenceGrant.
 */
import type { Path } from '../load/source.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { asArray, asInt, asMap, asString, isMap } from './resource.js';
import type { JsonMap, Resource } from './resource.js';
import { parseLabelSelector } from './selector.js';
import type { Selector } from './selector.js';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];
const ROUTE_KIND_SET: ReadonlySet<string> = new Set(ROUTE_KINDS);

export function isRouteKind(kind: string): kind is RouteKind {
  return ROUTE_KIND_SET.has(kind);
}

/** A Gateway API backendRef (any route kind). */
export interface RouteBackendRef {
  route: RouteInfo;
  path: Path;
  group: string;
  kind: string;
  name?: string;
  namespace: string;
  /** The namespace was given explicitly (and may differ from the route's). */
  namespaceGiven: boolean;
  port?: number;
  rawPort: unknown;
}

export interface ParentRef {
  group: string;
  kind: string;
  name?: string;
  namespace: string;
  /** The namespace was given explicitly. */
  namespaceGiven: boolean;
  /** A listener name of the Gateway. */
  sectionName?: string;
  /** A listener port of the Gateway. */
  port?: number;
  path: Path;
}

export interface RouteInfo {
  res: Resource;
  kind: RouteKind;
  /** `spec.hostnames` (HTTPRoute, GRPCRoute, TLSRoute; empty: any hostname). */
  hostnames: string[];
  backendRefs: RouteBackendRef[];
  parentRefs: ParentRef[];
}

export interface ReferenceGrantInfo {
  res: Resource;
  from: { group: string; kind: string; namespace: string }[];
  to: { group: string; kind: string; name?: string }[];
}

export interface GatewayClassInfo {
  res: Resource;
  name: string;
  controller?: string;
}

export interface CertificateRef {
  group: string;
  kind: string;
  name?: string;
  namespace: string;
  namespaceGiven: boolean;
  path: Path;
}

export interface Listener {
  gateway: GatewayInfo;
  index: number;
  name: string;
  port?: number;
  protocol: string;
  hostname?: string;
  path: Path;
  /** `allowedRoutes.namespaces.from` (default Same) and its selector. */
  from: 'Same' | 'All' | 'Selector' | 'None' | string;
  selector?: Selector;
  /** `allowedRoutes.kinds`, or undefined (unspecified or empty) for the protocol's default kinds. */
  kinds?: { group: string; kind: string }[];
  /** `tls.mode` (Terminate by default when `tls` is set). */
  tlsMode?: string;
  certificateRefs: CertificateRef[];
}

export interface GatewayInfo {
  res: Resource;
  name: string;
  namespace: string;
  className?: string;
  listeners: Listener[];
}

export function routeFrom(res: Resource, kind: RouteKind): RouteInfo {
  const spec = asMap(res.raw.spec) ?? {};
  const ns = res.namespace ?? DEFAULT_NAMESPACE;
  const route: RouteInfo = {
    res,
    kind,
    hostnames: asArray(spec.hostnames).filter((h): h is string => typeof h === 'string'),
    backendRefs: [],
    parentRefs: [],
  };
  asArray(spec.parentRefs).forEach((raw, i) => {
    const p = asMap(raw);
    if (!p) return;
    const namespace = asString(p.namespace);
    route.parentRefs.push({
      group: asString(p.group) ?? GATEWAY_GROUP,
      kind: asString(p.kind) ?? 'Gateway',
      name: asString(p.name),
      namespace: namespace ?? ns,
      namespaceGiven: namespace !== undefined,
      sectionName: asString(p.sectionName) || undefined,
      port: asInt(p.port),
      path: ['spec', 'parentRefs', i],
    });
  });
  const addRef = (raw: unknown, path: Path) => {
    const b = asMap(raw);
    if (!b) return;
    const namespace = asString(b.namespace);
    route.backendRefs.push({
      route,
      path,
      group: asString(b.group) ?? '',
      kind: asString(b.kind) ?? 'Service',
      name: asString(b.name),
      namespace: namespace ?? ns,
      namespaceGiven: namespace !== undefined,
      port: asInt(b.port),
      rawPort: b.port,
    });
  };
  asArray(spec.rules).forEach((rawRule, ri) => {
    const rule = asMap(rawRule);
    if (!rule) return;
    asArray(rule.backendRefs).forEach((b, bi) => addRef(b, ['spec', 'rules', ri, 'backendRefs', bi]));
    // A RequestMirror filter sends a copy of the traffic to another backend.
    asArray(rule.filters).forEach((f, fi) => {
      const mirror = asMap(asMap(f)?.requestMirror);
      if (mirror?.backendRef)
        addRef(mirror.backendRef, ['spec', 'rules', ri, 'filters', fi, 'requestMirror', 'backendRef']);
    });
  });
  return route;
}

export function referenceGrantFrom(res: Resource): ReferenceGrantInfo {
  const spec = asMap(res.raw.spec) ?? {};
  return {
    res,
    from: asArray(spec.from)
      .map(asMap)
      .filter((x): x is JsonMap => !!x)
      .map((f) => ({
        group: asString(f.group) ?? '',
        kind: asString(f.kind) ?? '',
        namespace: asString(f.namespace) ?? '',
      })),
    to: asArray(spec.to)
      .map(asMap)
      .filter((x): x is JsonMap => !!x)
      .map((t) => ({
        group: asString(t.group) ?? '',
        kind: asString(t.kind) ?? '',
        name: asString(t.name) || undefined,
      })),
  };
}

export function gatewayClassFrom(res: Resource): GatewayClassInfo {
  return { res, name: res.name, controller: asString(asMap(res.raw.spec)?.controllerName) };
}

export function gatewayFrom(res: Resource): GatewayInfo {
  const spec = asMap(res.raw.spec) ?? {};
  const namespace = res.namespace ?? DEFAULT_NAMESPACE;
  const gw: GatewayInfo = { res, name: res.name, namespace, className: asString(spec.gatewayClassName), listeners: [] };
  asArray(spec.listeners).forEach((raw, index) => {
    const l = asMap(raw);
    if (!l) return;
    const allowed = asMap(l.allowedRoutes);
    const nsSpec = asMap(allowed?.namespaces);
    const from = asString(nsSpec?.from) ?? 'Same';
    const tls = asMap(l.tls);
    const rawKinds = allowed && Array.isArray(allowed.kinds) ? allowed.kinds : undefined;
    const listener: Listener = {
      gateway: gw,
      index,
      name: asString(l.name) ?? `#${index}`,
      port: asInt(l.port),
      protocol: asString(l.protocol) ?? '',
      hostname: asString(l.hostname) || undefined,
      path: ['spec', 'listeners', index],
      from,
      selector: from === 'Selector' && isMap(nsSpec?.selector) ? parseLabelSelector(nsSpec.selector) : undefined,
      kinds: kindsOf(rawKinds),
      tlsMode: tls ? (asString(tls.mode) ?? 'Terminate') : undefined,
      certificateRefs: [],
    };
    asArray(tls?.certificateRefs).forEach((rawRef, ci) => {
      const c = asMap(rawRef);
      if (!c) return;
      const ns = asString(c.namespace);
      listener.certificateRefs.push({
        group: asString(c.group) ?? '',
        kind: asString(c.kind) ?? 'Secret',
        name: asString(c.name),
        namespace: ns ?? namespace,
        namespaceGiven: ns !== undefined,
        path: ['spec', 'listeners', index, 'tls', 'certificateRefs', ci],
      });
    });
    gw.listeners.push(listener);
  });
  return gw;
}

/** `allowedRoutes.kinds`: undefined when unspecified or empty (the protocol's kinds apply). */
function kindsOf(raw: unknown[] | undefined): Listener['kinds'] {
  const kinds = raw
    ?.map(asMap)
    .filter((k): k is JsonMap => !!k && typeof k.kind === 'string')
    .map((k) => ({ group: asString(k.group) ?? GATEWAY_GROUP, kind: k.kind as string }));
  return kinds && kinds.length > 0 ? kinds : undefined;
}

/** Route kinds a listener of a protocol accepts when `allowedRoutes.kinds` is not set. */
export function defaultRouteKinds(protocol: string, tlsMode?: string): readonly RouteKind[] {
  switch (protocol) {
    case 'HTTP':
    case 'HTTPS':
      return ['HTTPRoute', 'GRPCRoute'];
    case 'TLS':
      // Passthrough: TLSRoute; Terminate: TLSRoute, and TCPRoute for the decrypted stream.
      return tlsMode === 'Terminate' ? ['TLSRoute', 'TCPRoute'] : ['TLSRoute'];
    case 'TCP':
      return ['TCPRoute'];
    case 'UDP':
      return ['UDPRoute'];
    default:
      return [];
  }
}

/** Protocols whose listeners match hostnames (HTTP Host header, TLS SNI). */
export function usesHostname(protocol: string): boolean {
  return protocol === 'HTTP' || protocol === 'HTTPS' || protocol === 'TLS';
}

/**
 * Whether two hostnames (each possibly a `*.` wildcard) have a common match. A wildcard label
 * matches one or more labels: `*.example.com` matches `a.example.com` and `a.b.example.com`, not
 * `example.com`.
 */
export function hostnamesIntersect(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  const wa = x.startsWith('*.');
  const wb = y.startsWith('*.');
  if (wa && wb) return x.endsWith(y.slice(1)) || y.endsWith(x.slice(1));
  if (wa) return y.endsWith(x.slice(1)) && y.length > x.length - 1;
  if (wb) return x.endsWith(y.slice(1)) && x.length > y.length - 1;
  return false;
}
