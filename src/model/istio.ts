/** Typed views of Istio routing (networking.istio.io): VirtualService, DestinationRule, ServiceEntry. */
import type { Path } from '../load/source.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { asArray, asInt, asMap, asString, stringMap } from './resource.js';
import type { Resource } from './resource.js';

export interface IstioDestination {
  /** http, tcp or tls. */
  section: string;
  path: Path;
  host: string;
  subset?: string;
  port?: number;
}

export interface VirtualServiceInfo {
  res: Resource;
  namespace: string;
  hosts: string[];
  gateways: string[];
  destinations: IstioDestination[];
}

export interface DestinationRuleInfo {
  res: Resource;
  namespace: string;
  host: string;
  subsets: { name: string; labels: Map<string, string>; path: Path }[];
  /** `exportTo`, when given. */
  exportTo?: string[];
}

export interface ServiceEntryInfo {
  res: Resource;
  namespace: string;
  hosts: string[];
}

const strings = (v: unknown): string[] => asArray(v).filter((x): x is string => typeof x === 'string');

export function virtualServiceFrom(res: Resource): VirtualServiceInfo {
  const spec = asMap(res.raw.spec) ?? {};
  const destinations: IstioDestination[] = [];
  const add = (section: string, raw: unknown, path: Path) => {
    const d = asMap(raw);
    const host = asString(d?.host);
    if (!d || !host) return;
    destinations.push({
      section,
      path,
      host,
      subset: asString(d.subset) || undefined,
      port: asInt(asMap(d.port)?.number),
    });
  };
  for (const section of ['http', 'tcp', 'tls']) {
    asArray(spec[section]).forEach((rawRoute, ri) => {
      const route = asMap(rawRoute);
      if (!route) return;
      asArray(route.route).forEach((rd, di) =>
        add(section, asMap(rd)?.destination, ['spec', section, ri, 'route', di, 'destination']),
      );
      if (section === 'http' && route.mirror) add(section, route.mirror, ['spec', section, ri, 'mirror']);
    });
  }
  return {
    res,
    namespace: res.namespace ?? DEFAULT_NAMESPACE,
    hosts: strings(spec.hosts),
    gateways: strings(spec.gateways),
    destinations,
  };
}

export function destinationRuleFrom(res: Resource): DestinationRuleInfo {
  const spec = asMap(res.raw.spec) ?? {};
  const subsets: DestinationRuleInfo['subsets'] = [];
  asArray(spec.subsets).forEach((raw, i) => {
    const s = asMap(raw);
    const name = asString(s?.name);
    if (s && name) subsets.push({ name, labels: stringMap(s.labels), path: ['spec', 'subsets', i] });
  });
  return {
    res,
    namespace: res.namespace ?? DEFAULT_NAMESPACE,
    host: asString(spec.host) ?? '',
    subsets,
    exportTo: Array.isArray(spec.exportTo) ? strings(spec.exportTo) : undefined,
  };
}

export function serviceEntryFrom(res: Resource): ServiceEntryInfo {
  return { res, namespace: res.namespace ?? DEFAULT_NAMESPACE, hosts: strings(asMap(res.raw.spec)?.hosts) };
}
