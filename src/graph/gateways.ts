/**
 * Gateway API attachment: which listeners of a Gateway accept a route's parentRef (sectionName,
 * port, allowedRoutes namespaces and kinds, hostname intersection), and ReferenceGrants.
 */
import { definitionsOf } from '../model/identity.js';
import type { Model } from '../model/model.js';
import type { Resource } from '../model/resource.js';
import { GATEWAY_GROUP, defaultRouteKinds, hostnamesIntersect, usesHostname } from '../model/gateway.js';
import type { GatewayInfo, Listener, ParentRef, ReferenceGrantInfo, RouteInfo } from '../model/gateway.js';
import { formatSelector, labelledMap, matches } from '../model/selector.js';

export type Attachment =
  /** Not a Gateway parent (a Service for mesh routing, a custom parent kind): not analysed. */
  | { status: 'not-a-gateway' }
  /** The Gateway is not in the input; `namespaceHasGateways` tells whether its namespace has others. */
  | { status: 'no-gateway'; namespaceHasGateways: boolean }
  /** Attached to these listeners (`unverified`: a Selector the input cannot decide counted as a match). */
  | { status: 'accepted'; gateway: GatewayInfo; listeners: Listener[]; unverified: boolean }
  /** Refused, with a reason per candidate listener (or one reason when none is a candidate). */
  | { status: 'refused'; gateway: GatewayInfo; reasons: string[] };

/** Gateways by namespace and name (the last definition wins), and attachment questions. */
export class GatewayIndex {
  private readonly byKey = new Map<string, GatewayInfo>();
  private readonly namespaces = new Set<string>();
  private byResource: Map<Resource, GatewayInfo> | undefined;

  constructor(private readonly model: Model) {
    for (const gw of model.gateways) {
      if (gw.res.superseded) continue;
      this.byKey.set(`${gw.namespace}/${gw.name}`, gw);
      this.namespaces.add(gw.namespace);
    }
  }

  gateway(namespace: string, name: string): GatewayInfo | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }

  /** Names of the Gateways of a namespace, for hints. */
  namesIn(namespace: string): string[] {
    return [...this.byKey.values()].filter((g) => g.namespace === namespace).map((g) => g.name);
  }

  /** Every definition of a Gateway of the input, in input order (the last one wins when all are applied). */
  definitions(gw: GatewayInfo): GatewayInfo[] {
    const defs = definitionsOf(this.model, gw.res);
    if (defs.length < 2) return [gw];
    this.byResource ??= new Map(this.model.gateways.map((g) => [g.res, g]));
    return defs.map((r) => this.byResource?.get(r)).filter((g): g is GatewayInfo => g !== undefined);
  }

  attachment(route: RouteInfo, ref: ParentRef): Attachment {
    if (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway' || !ref.name) return { status: 'not-a-gateway' };
    const gw = this.gateway(ref.namespace, ref.name);
    if (!gw) return { status: 'no-gateway', namespaceHasGateways: this.namespaces.has(ref.namespace) };
    return this.attachmentTo(route, ref, gw);
  }

  /** `attachment` to one definition of the Gateway that a parentRef names (see `definitions`). */
  attachmentTo(route: RouteInfo, ref: ParentRef, gw: GatewayInfo): Attachment & { gateway: GatewayInfo } {
    let candidates = gw.listeners;
    if (ref.sectionName !== undefined) {
      candidates = candidates.filter((l) => l.name === ref.sectionName);
      if (candidates.length === 0) {
        const names = gw.listeners.map((l) => JSON.stringify(l.name));
        return {
          status: 'refused',
          gateway: gw,
          reasons: [
            `the Gateway has no listener named ${JSON.stringify(ref.sectionName)} (its listeners: ${names.join(', ') || 'none'})`,
          ],
        };
      }
    }
    if (ref.port !== undefined) {
      const before = candidates;
      candidates = candidates.filter((l) => l.port === ref.port);
      if (candidates.length === 0) {
        const ports = [...new Set(before.map((l) => String(l.port)))];
        return {
          status: 'refused',
          gateway: gw,
          reasons: [
            `no listener${ref.sectionName ? ` named ${JSON.stringify(ref.sectionName)}` : ''} has port ${ref.port} (ports: ${ports.join(', ') || 'none'})`,
          ],
        };
      }
    }
    if (candidates.length === 0) return { status: 'refused', gateway: gw, reasons: ['the Gateway has no listeners'] };
    const accepted: Listener[] = [];
    const reasons: string[] = [];
    let unverified = false;
    for (const l of candidates) {
      const r = this.refusal(route, l);
      if (r === undefined || r === 'unverified') {
        accepted.push(l);
        if (r === 'unverified') unverified = true;
      } else reasons.push(`listener ${JSON.stringify(l.name)}: ${r}`);
    }
    return accepted.length > 0
      ? { status: 'accepted', gateway: gw, listeners: accepted, unverified }
      : { status: 'refused', gateway: gw, reasons };
  }

  /** Why a listener does not accept a route (undefined: it does; 'unverified': it may). */
  private refusal(route: RouteInfo, l: Listener): string | undefined | 'unverified' {
    // Kinds
    if (l.kinds) {
      if (!l.kinds.some((k) => k.group === GATEWAY_GROUP && k.kind === route.kind)) {
        return `allowedRoutes.kinds lists ${l.kinds.map((k) => k.kind).join(', ') || 'no kind'}, not ${route.kind}`;
      }
    } else if (!l.protocol.includes('/')) {
      // Implementation-specific protocols (domain-prefixed) define their own kinds.
      const kinds = defaultRouteKinds(l.protocol, l.tlsMode);
      if (kinds.length > 0 && !kinds.includes(route.kind)) {
        return `its protocol ${l.protocol}${l.protocol === 'TLS' ? ` (${l.tlsMode ?? 'Passthrough'})` : ''} takes ${kinds.join(' and ')}, not ${route.kind}`;
      }
    }
    // Namespaces
    const gwNs = l.gateway.namespace;
    const routeNs = route.res.namespace ?? gwNs;
    let unverified = false;
    switch (l.from) {
      case 'Same':
        if (routeNs !== gwNs)
          return `allowedRoutes.namespaces.from is Same (only routes of namespace ${JSON.stringify(gwNs)}; this route is in ${JSON.stringify(routeNs)})`;
        break;
      case 'None':
        return 'allowedRoutes.namespaces.from is None';
      case 'Selector': {
        if (!l.selector) break;
        const ns = this.model.namespaces.get(routeNs);
        const labels = ns?.labels ?? new Map([['kubernetes.io/metadata.name', routeNs]]);
        if (!matches(l.selector, labelledMap(labels))) {
          // Without the Namespace object its labels are unknown.
          if (!ns?.res) unverified = true;
          else
            return `allowedRoutes.namespaces.selector (${formatSelector(l.selector)}) does not select namespace ${JSON.stringify(routeNs)}`;
        }
        break;
      }
      default:
        break;
    }
    // Hostnames
    if (
      l.hostname &&
      route.hostnames.length > 0 &&
      usesHostname(l.protocol) &&
      route.kind !== 'TCPRoute' &&
      route.kind !== 'UDPRoute'
    ) {
      const host = l.hostname;
      if (!route.hostnames.some((h) => hostnamesIntersect(h, host))) {
        return `no route hostname (${route.hostnames.map((h) => JSON.stringify(h)).join(', ')}) matches the listener hostname ${JSON.stringify(host)}`;
      }
    }
    return unverified ? 'unverified' : undefined;
  }

  /** A ReferenceGrant in `toNamespace` that lets a `fromKind` of `fromNamespace` refer to a `toKind` named `toName`. */
  grant(
    fromKind: string,
    fromNamespace: string,
    toGroup: string,
    toKind: string,
    toNamespace: string,
    toName: string,
  ): ReferenceGrantInfo | undefined {
    return grantFor(this.model.referenceGrants, fromKind, fromNamespace, toGroup, toKind, toNamespace, toName);
  }
}

const core = (g: string) => (g === '' || g === 'core' ? '' : g);

export function grantFor(
  grants: readonly ReferenceGrantInfo[],
  fromKind: string,
  fromNamespace: string,
  toGroup: string,
  toKind: string,
  toNamespace: string,
  toName: string,
): ReferenceGrantInfo | undefined {
  return grants.find(
    (g) =>
      !g.res.superseded &&
      g.res.namespace === toNamespace &&
      g.from.some((f) => f.group === GATEWAY_GROUP && f.kind === fromKind && f.namespace === fromNamespace) &&
      g.to.some(
        (t) => core(t.group) === core(toGroup) && t.kind === toKind && (t.name === undefined || t.name === toName),
      ),
  );
}
