/**
 * Service references from workloads: cluster DNS names in container env values (direct, or
 * through ConfigMaps), args and command.
 */
import type { Loc } from '../load/source.js';
import type { Container, Model, PodTemplate, Service, ServicePort } from '../model/model.js';
import type { ConfigMapInfo } from '../model/network.js';
import { asArray, asMap, asString } from '../model/resource.js';

export const CLUSTER_DOMAIN = 'cluster.local';

export interface ServiceReference {
  pod: PodTemplate;
  container: Container;
  /** Where the text that names the Service is (an env value, an arg, a ConfigMap value). */
  at: Loc;
  /** When the text comes from a ConfigMap: the workload's env entry or envFrom that pulls it in. */
  via?: { at: Loc; configMap: ConfigMapInfo; key: string };
  source: 'env' | 'args' | 'command';
  /** Name of the environment variable, for env references. */
  envName?: string;
  /** The address as written, e.g. `http://api.shop.svc.cluster.local:8080/v1`. */
  text: string;
  host: string;
  namespace: string;
  serviceName: string;
  port?: number;
  /** The Service, when the input defines it. */
  service?: Service;
  /** The Service port the reference's port number names. */
  servicePort?: ServicePort;
  /** Resolution problem: no such Service (in a namespace of the input), or no such port. */
  problem?: 'no-service' | 'no-port';
}

interface Address {
  token: string;
  host: string;
  port?: number;
  scheme: boolean;
}

const HOST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Env var names that hold image references or versions, never addresses (`postgres:16`). */
const NOT_ADDRESS_ENV = /(IMAGE|IMAGES|_TAG|VERSION)$/i;
/** Env var names that hold a host name, for bare names without a port or scheme. */
const HOSTISH_ENV = /(HOST|ADDR|ADDRESS|URL|URI|ENDPOINT|SERVER|SERVICE|UPSTREAM|BACKEND|TARGET|BROKER|BROKERS|PEERS?|DSN)(_?NAME)?$/i;

/** Addresses in free text: URLs, host:port pairs and bare host names. */
export function findAddresses(text: string): Address[] {
  if (text.length > 4096) text = text.slice(0, 4096);
  const out: Address[] = [];
  // Image references (`--image=postgres:16`, `--image postgres:16`) look like host:port but are
  // not addresses: drop such flags and their values, token by token (linear time).
  const words = text.split(/\s+/);
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const m = /^--?[\w-]*image[\w-]*(=?)/i.exec(words[i]);
    if (!m) kept.push(words[i]);
    else if (m[1] === '' && words[i].length === m[0].length) i++; // the value is the next word
  }
  for (const raw of kept.join(' ').split(/[\s,;"'`()[\]{}<>|=]+/)) {
    if (!raw || raw.includes('$(') || raw.includes('${')) continue;
    let t = raw;
    let scheme = false;
    // jdbc:postgresql://host:5432/db and friends carry a sub-scheme.
    const m = /^(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\//i.exec(t);
    if (m) {
      t = t.slice(m[0].length);
      scheme = true;
    }
    const slash = t.search(/[/?#]/);
    if (slash >= 0) {
      if (!scheme && slash === 0) continue; // a path, not an address
      t = t.slice(0, slash);
    }
    const at = t.lastIndexOf('@');
    if (at >= 0) t = t.slice(at + 1);
    let port: number | undefined;
    const colon = t.lastIndexOf(':');
    if (colon >= 0) {
      const p = t.slice(colon + 1);
      if (!/^\d{1,5}$/.test(p)) continue;
      port = Number(p);
      t = t.slice(0, colon);
    }
    if (t.endsWith('.')) t = t.slice(0, -1);
    if (!HOST.test(t) || /^\d+(\.\d+)*$/.test(t)) continue;
    out.push({ token: raw, host: t, port, scheme });
  }
  return out;
}

interface Target {
  namespace: string;
  serviceName: string;
  qualified: boolean;
}

/** The Service a host name designates, seen from a pod in `podNamespace`. */
function classify(
  host: string,
  podNamespace: string,
  namespaces: ReadonlySet<string>,
  services: (ns: string, name: string) => Service | undefined,
): Target | undefined {
  const labels = host.split('.');
  const suffix = ['svc', ...CLUSTER_DOMAIN.split('.')];
  const endsWith = (tail: string[]) => labels.length > tail.length && tail.every((l, i) => labels[labels.length - tail.length + i] === l);
  let rest: string[] | undefined;
  if (endsWith(suffix)) rest = labels.slice(0, labels.length - suffix.length);
  else if (endsWith(['svc'])) rest = labels.slice(0, -1);
  if (rest) {
    // <svc>.<ns>.svc[.cluster.local], or a pod of a headless Service: <pod>.<svc>.<ns>.svc[…]
    if (rest.length === 2 || rest.length === 3) {
      return { serviceName: rest[rest.length - 2], namespace: rest[rest.length - 1], qualified: true };
    }
    return undefined;
  }
  if (labels.length === 2) {
    // DNS tries the pod's own namespace first: <pod>.<headless svc> of that namespace wins over <svc>.<ns>.
    if (services(podNamespace, labels[1])?.headless) return { serviceName: labels[1], namespace: podNamespace, qualified: true };
    if (namespaces.has(labels[1])) return { serviceName: labels[0], namespace: labels[1], qualified: true };
  }
  if (labels.length === 1) return { serviceName: labels[0], namespace: podNamespace, qualified: false };
  return undefined;
}

interface Text {
  text: string;
  at: Loc;
  source: ServiceReference['source'];
  envName?: string;
  via?: ServiceReference['via'];
}

/** Every text of a container that may name a Service. */
function textsOf(c: Container, configMaps: Map<string, ConfigMapInfo>): Text[] {
  const w = c.pod.workload;
  const ns = c.pod.namespace;
  const out: Text[] = [];
  asArray(c.raw.env).forEach((raw, i) => {
    const e = asMap(raw);
    const name = asString(e?.name);
    if (!e || !name) return;
    if (NOT_ADDRESS_ENV.test(name)) return;
    const value = asString(e.value);
    if (value !== undefined) {
      out.push({ text: value, at: w.at(...c.path, 'env', i, 'value'), source: 'env', envName: name });
      return;
    }
    const ref = asMap(asMap(e.valueFrom)?.configMapKeyRef);
    const cmName = asString(ref?.name);
    const key = asString(ref?.key);
    if (!cmName || !key) return;
    const cm = configMaps.get(`${ns}/${cmName}`);
    const v = cm?.data.get(key);
    if (cm && v !== undefined) {
      out.push({
        text: v,
        at: cm.res.at('data', key),
        source: 'env',
        envName: name,
        via: { at: w.at(...c.path, 'env', i), configMap: cm, key },
      });
    }
  });
  asArray(c.raw.envFrom).forEach((raw, i) => {
    const e = asMap(raw);
    const cmName = asString(asMap(e?.configMapRef)?.name);
    if (!e || !cmName) return;
    const cm = configMaps.get(`${ns}/${cmName}`);
    if (!cm) return;
    const prefix = asString(e.prefix) ?? '';
    for (const [key, v] of cm.data) {
      out.push({ text: v, at: cm.res.at('data', key), source: 'env', envName: prefix + key, via: { at: w.at(...c.path, 'envFrom', i), configMap: cm, key } });
    }
  });
  for (const field of ['command', 'args'] as const) {
    asArray(c.raw[field]).forEach((v, i) => {
      if (typeof v === 'string') out.push({ text: v, at: w.at(...c.path, field, i), source: field });
    });
  }
  return out;
}

/** Find every Service reference of every container in the model. */
export function findReferences(model: Model, services: (ns: string, name: string) => Service | undefined): ServiceReference[] {
  const configMaps = new Map<string, ConfigMapInfo>();
  for (const cm of model.configMaps) if (!cm.res.superseded) configMaps.set(`${cm.res.namespace}/${cm.res.name}`, cm);
  const namespaces = new Set(model.namespaces.keys());
  const refs: ServiceReference[] = [];
  for (const pod of model.podTemplates) {
    if (pod.workload.superseded) continue;
    for (const c of pod.containers) {
      for (const t of textsOf(c, configMaps)) {
        const seen = new Set<string>();
        for (const a of findAddresses(t.text)) {
          const target = classify(a.host, pod.namespace, namespaces, services);
          if (!target) continue;
          const service = services(target.namespace, target.serviceName);
          if (!target.qualified) {
            // A bare word is a reference only when it names a Service of the pod's namespace, and
            // looks like an address: with a port or scheme, or as the value of a host-like variable.
            if (!service) continue;
            const hostish = t.source === 'env' && t.text.trim() === a.token && !!t.envName && HOSTISH_ENV.test(t.envName);
            if (a.port === undefined && !a.scheme && !hostish) continue;
          }
          const key = `${target.namespace}/${target.serviceName}:${a.port ?? ''}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const ref: ServiceReference = {
            pod,
            container: c,
            at: t.at,
            via: t.via,
            source: t.source,
            envName: t.envName,
            text: a.token,
            host: a.host,
            namespace: target.namespace,
            serviceName: target.serviceName,
            port: a.port,
            service,
          };
          if (!service) {
            // Only a namespace the input covers can tell that a Service does not exist.
            if (namespaces.has(target.namespace)) ref.problem = 'no-service';
          } else if (a.port !== undefined && service.type !== 'ExternalName' && !service.headless) {
            // A headless Service has no port translation: its pods are checked by the graph.
            ref.servicePort = service.ports.find((p) => p.port === a.port);
            if (!ref.servicePort) ref.problem = 'no-port';
          }
          refs.push(ref);
        }
      }
    }
  }
  return refs;
}
