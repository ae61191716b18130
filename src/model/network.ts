/** Typed views of the objects that route traffic to Services: Ingress, IngressClass, Gateway API routes. */
import type { Loc, Path } from '../load/source.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { EMPTY_STRING_MAP, asArray, asInt, asMap, asString, scalarText } from './resource.js';
import type { JsonMap, Resource } from './resource.js';

/** A reference to a Service port: by number (the Service `port`) or by port name. */
export interface PortRef {
  number?: number;
  name?: string;
  /** The raw value (for messages about invalid types). */
  raw: unknown;
  path: Path;
}

export interface IngressBackend {
  ingress: Ingress;
  /** Path of the backend object. */
  path: Path;
  /** `service` backends name a Service; `resource` backends point at another object (not checked). */
  kind: 'service' | 'resource' | 'invalid';
  serviceName?: string;
  serviceNamePath?: Path;
  port?: PortRef;
  /** The rule and path it serves, or null for the default backend. */
  route: { host?: string; path?: string; pathType?: string } | null;
  /** An OpenShift Route backend: `port` is its targetPort (a Service port name, or an endpoint port number; absent: the Service's ports). */
  routeTargetPort?: true;
}

export interface IngressPath {
  ingress: Ingress;
  ruleIndex: number;
  index: number;
  /** Path of the `paths[i]` entry. */
  at: Path;
  host?: string;
  hostPath?: Path;
  path?: string;
  rawPath: unknown;
  pathType?: string;
  rawPathType: unknown;
  backend?: IngressBackend;
}

export interface IngressTls {
  index: number;
  at: Path;
  hosts: string[];
  secretName?: string;
}

export class Ingress {
  /** `extensions/v1beta1` or `networking.k8s.io/v1beta1`: removed in Kubernetes 1.22. */
  readonly legacy: boolean;
  /** `spec.ingressClassName`, or the deprecated `kubernetes.io/ingress.class` annotation. */
  readonly className?: string;
  readonly classSource?: 'field' | 'annotation';
  readonly backends: IngressBackend[] = [];
  readonly paths: IngressPath[] = [];
  readonly hosts: { host: string; path: Path }[] = [];
  readonly tls: IngressTls[] = [];

  constructor(readonly res: Resource) {
    this.legacy = res.apiVersion === 'extensions/v1beta1' || res.apiVersion === 'networking.k8s.io/v1beta1';
    const spec = asMap(res.raw.spec) ?? {};
    const cls = asString(spec.ingressClassName);
    const ann = res.annotations.get('kubernetes.io/ingress.class');
    if (cls) {
      this.className = cls;
      this.classSource = 'field';
    } else if (ann) {
      this.className = ann;
      this.classSource = 'annotation';
    }
    const def = asMap(spec.defaultBackend) ? 'defaultBackend' : asMap(spec.backend) ? 'backend' : undefined;
    if (def) this.backends.push(this.backend(asMap(spec[def]) as JsonMap, ['spec', def], null));
    asArray(spec.rules).forEach((rawRule, ri) => {
      const rule = asMap(rawRule);
      if (!rule) return;
      const host = asString(rule.host);
      if (host !== undefined) this.hosts.push({ host, path: ['spec', 'rules', ri, 'host'] });
      asArray(asMap(rule.http)?.paths).forEach((rawPath, pi) => {
        const p = asMap(rawPath);
        if (!p) return;
        const at: Path = ['spec', 'rules', ri, 'http', 'paths', pi];
        const entry: IngressPath = {
          ingress: this,
          ruleIndex: ri,
          index: pi,
          at,
          host,
          hostPath: host !== undefined ? ['spec', 'rules', ri, 'host'] : undefined,
          path: asString(p.path),
          rawPath: p.path,
          pathType: asString(p.pathType),
          rawPathType: p.pathType,
        };
        const b = asMap(p.backend);
        if (b) {
          entry.backend = this.backend(b, [...at, 'backend'], { host, path: entry.path, pathType: entry.pathType });
          this.backends.push(entry.backend);
        }
        this.paths.push(entry);
      });
    });
    asArray(spec.tls).forEach((rawTls, index) => {
      const t = asMap(rawTls);
      if (!t) return;
      this.tls.push({
        index,
        at: ['spec', 'tls', index],
        hosts: asArray(t.hosts).filter((h): h is string => typeof h === 'string'),
        secretName: asString(t.secretName) || undefined,
      });
    });
  }

  private backend(b: JsonMap, path: Path, route: IngressBackend['route']): IngressBackend {
    const out: IngressBackend = { ingress: this, path, kind: 'invalid', route };
    if (asMap(b.resource)) {
      out.kind = 'resource';
      return out;
    }
    const svc = asMap(b.service);
    if (svc) {
      // networking.k8s.io/v1: service: {name, port: {number | name}}
      out.kind = 'service';
      out.serviceName = scalarText(svc.name);
      out.serviceNamePath = [...path, 'service', 'name'];
      const port = asMap(svc.port);
      if (port) {
        // A port.number that is not an integer is a type error (manifest-structure), not a name.
        out.port =
          port.number !== undefined && port.number !== null
            ? { number: asInt(port.number), raw: port.number, path: [...path, 'service', 'port', 'number'] }
            : { name: asString(port.name), raw: port.name, path: [...path, 'service', 'port', 'name'] };
      }
      return out;
    }
    if ('serviceName' in b) {
      // extensions/v1beta1 and networking.k8s.io/v1beta1: serviceName + servicePort (IntOrString)
      out.kind = 'service';
      out.serviceName = scalarText(b.serviceName);
      out.serviceNamePath = [...path, 'serviceName'];
      const sp = b.servicePort;
      if (sp !== undefined) {
        out.port =
          typeof sp === 'number'
            ? { number: Number.isInteger(sp) ? sp : undefined, raw: sp, path: [...path, 'servicePort'] }
            : { name: scalarText(sp), raw: sp, path: [...path, 'servicePort'] };
      }
    }
    return out;
  }

  get namespace(): string {
    return this.res.namespace ?? DEFAULT_NAMESPACE;
  }

  at(...path: Path): Loc {
    return this.res.at(...path);
  }
}

export interface IngressClassInfo {
  res: Resource;
  name: string;
  controller?: string;
  isDefault: boolean;
}

export interface SecretInfo {
  res: Resource;
  type: string;
}

export interface ConfigMapInfo {
  res: Resource;
  /** `data` entries (string values only; read-only). */
  readonly data: Map<string, string>;
  /** `data.get(key)`, without building `data`. */
  value(key: string): string | undefined;
}

// Gateway API objects have their own module.
export { GATEWAY_GROUP, referenceGrantFrom, routeFrom } from './gateway.js';
export type { ReferenceGrantInfo, RouteBackendRef, RouteInfo } from './gateway.js';

export function configMapFrom(res: Resource): ConfigMapInfo {
  return new ConfigMapNode(res);
}

/** A ConfigMap: its `data` map is built on first use (most are only asked for a key or two). */
class ConfigMapNode implements ConfigMapInfo {
  private map: Map<string, string> | undefined = undefined;

  constructor(readonly res: Resource) {}

  get data(): Map<string, string> {
    if (!this.map) {
      const raw = asMap(this.res.raw.data);
      let data: Map<string, string> | undefined;
      if (raw) {
        for (const k in raw) {
          if (!Object.hasOwn(raw, k)) continue;
          const v = raw[k];
          if (typeof v === 'string') (data ??= new Map()).set(k, v);
        }
      }
      // An empty one is shared.
      this.map = data ?? EMPTY_STRING_MAP;
    }
    return this.map;
  }

  value(key: string): string | undefined {
    if (this.map) return this.map.get(key);
    const raw = asMap(this.res.raw.data);
    // What `data` holds: own enumerable entries with a string value.
    if (!raw || !Object.prototype.propertyIsEnumerable.call(raw, key)) return undefined;
    const v = raw[key];
    return typeof v === 'string' ? v : undefined;
  }
}

/** `the default backend` or `backend of host "a" path "/x"`, for messages. */
export function describeIngressBackend(b: IngressBackend): string {
  if (!b.route) return 'default backend';
  const host = b.route.host ? `host ${JSON.stringify(b.route.host)} ` : '';
  return `backend of ${host}path ${JSON.stringify(b.route.path ?? '')}`;
}

/** Message suffix for Ingresses in the removed beta APIs. */
export function legacyNote(ing: Ingress): string {
  return ing.legacy
    ? ` (Ingress ${ing.res.apiVersion} was removed in Kubernetes 1.22: migrate to networking.k8s.io/v1)`
    : '';
}
