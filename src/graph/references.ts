/**
 * Service references from workloads: cluster DNS names in container env values (direct, or
 * through ConfigMaps), args and command.
 */
import type { Loc } from '../load/source.js';
import type { Container, Model, PodTemplate, Service, ServicePort } from '../model/model.js';
import type { ConfigMapInfo } from '../model/network.js';
import { asArray, asMap, asString } from '../model/resource.js';
import { NamespacedMap } from './label-index.js';

export const CLUSTER_DOMAIN = 'cluster.local';
/** Services every cluster has: the API server's `kubernetes` Service in `default`. */
const BUILTIN_SERVICES: ReadonlySet<string> = new Set(['default/kubernetes']);

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

const IMAGE = /image/i;
const SEPARATORS = /[\s,;"'`()[\]{}<>|=]+/;
// jdbc:postgresql://host:5432/db and friends carry a sub-scheme.
const SCHEME = /^(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\//i;
const PATH_START = /[/?#]/;
const PORT = /^\d{1,5}$/;
const NUMERIC = /^\d+(\.\d+)*$/;
const HOST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Env var names that hold image references or versions, never addresses (`postgres:16`). */
const NOT_ADDRESS_ENV = /(IMAGE|IMAGES|_TAG|VERSION)$/i;
/**
 * Env var names that hold a host name, for bare names without a port or scheme. (`*_BACKEND` is
 * not one: `CACHE_BACKEND=redis` names a kind of backend.)
 */
const HOSTISH_ENV =
  /(HOST|ADDR|ADDRESS|URL|URI|ENDPOINT|SERVER|SERVICE|UPSTREAM|TARGET|BROKER|BROKERS|PEERS?|DSN|HOST_?NAME)$/i;
/**
 * Identity variables: a name, not an address (`SERVICE_NAME`, `OTEL_SERVICE_NAME`, `POD_NAME`,
 * `APP_NAME`), unless the value has a scheme or a port. Host names (`*_HOST_NAME`) are addresses.
 */
const IDENTITY_ENV = /(^|_)NAME$/i;
const HOST_NAME_ENV = /HOST_?NAME$/i;

/** Addresses in free text: URLs, host:port pairs and bare host names. */
export function findAddresses(text: string): Address[] {
  const out: Address[] = [];
  addAddresses(text, out);
  return out;
}

/** Append the addresses of a text to `out`. */
function addAddresses(text: string, out: Address[]): void {
  if (text.length > 4096) text = text.slice(0, 4096);
  // Image references (`--image=postgres:16`, `--image postgres:16`) look like host:port but are
  // not addresses: drop such flags and their values, token by token (linear time). Without the
  // word "image" there is nothing to drop, and the text splits into the same tokens as is.
  let rest = text;
  if (IMAGE.test(text)) {
    const words = text.split(/\s+/);
    const kept: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const m = /^--?[\w-]*image[\w-]*(=?)/i.exec(words[i]);
      if (!m) kept.push(words[i]);
      else if (m[1] === '' && words[i].length === m[0].length) i++; // the value is the next word
    }
    rest = kept.join(' ');
  }
  // Most texts (a word, a URL) are one token: no list of tokens for them.
  if (!SEPARATORS.test(rest)) addToken(rest, out);
  else for (const raw of rest.split(SEPARATORS)) addToken(raw, out);
}

/** Append the address a token of text is, if it is one. */
function addToken(raw: string, out: Address[]): void {
  if (!raw || raw.includes('$(') || raw.includes('${')) return;
  let t = raw;
  let scheme = false;
  const m = SCHEME.exec(t);
  if (m) {
    t = t.slice(m[0].length);
    scheme = true;
    // gRPC name syntax dns:[//authority]/host[:port]: the authority is a DNS server, not the target.
    if (m[1].toLowerCase() === 'dns') {
      const s = t.indexOf('/');
      if (s < 0) return;
      t = t.slice(s + 1);
    }
  }
  const slash = t.search(PATH_START);
  if (slash >= 0) {
    if (!scheme && slash === 0) return; // a path, not an address
    t = t.slice(0, slash);
  }
  const at = t.lastIndexOf('@');
  if (at >= 0) t = t.slice(at + 1);
  let port: number | undefined;
  const colon = t.lastIndexOf(':');
  if (colon >= 0) {
    const p = t.slice(colon + 1);
    if (!PORT.test(p)) return;
    port = Number(p);
    t = t.slice(0, colon);
  }
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (!HOST.test(t) || NUMERIC.test(t)) return;
  out.push({ token: raw, host: t, port, scheme });
}

interface Target {
  namespace: string;
  serviceName: string;
  qualified: boolean;
}

const SVC_SUFFIX: readonly string[] = ['svc', ...CLUSTER_DOMAIN.split('.')];
const SVC: readonly string[] = ['svc'];

/** Do the labels end with `tail` (and have at least one more)? */
function endsWith(labels: readonly string[], tail: readonly string[]): boolean {
  if (labels.length <= tail.length) return false;
  const offset = labels.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (labels[offset + i] !== tail[i]) return false;
  return true;
}

/** The Service a host name designates, seen from a pod in `podNamespace`. */
function classify(
  host: string,
  podNamespace: string,
  namespaces: ReadonlySet<string>,
  services: (ns: string, name: string) => Service | undefined,
): Target | undefined {
  const labels = host.split('.');
  let rest: string[] | undefined;
  if (endsWith(labels, SVC_SUFFIX)) rest = labels.slice(0, labels.length - SVC_SUFFIX.length);
  else if (endsWith(labels, SVC)) rest = labels.slice(0, -1);
  if (rest) {
    // <svc>.<ns>.svc[.cluster.local], or a pod of a headless Service: <pod>.<svc>.<ns>.svc[…]
    if (rest.length === 2 || rest.length === 3) {
      return { serviceName: rest[rest.length - 2], namespace: rest[rest.length - 1], qualified: true };
    }
    return undefined;
  }
  if (labels.length === 2) {
    // DNS tries the pod's own namespace first: <pod>.<headless svc> of that namespace wins over <svc>.<ns>.
    if (services(podNamespace, labels[1])?.headless)
      return { serviceName: labels[1], namespace: podNamespace, qualified: true };
    if (namespaces.has(labels[1])) return { serviceName: labels[0], namespace: labels[1], qualified: true };
  }
  if (labels.length === 1) return { serviceName: labels[0], namespace: podNamespace, qualified: false };
  return undefined;
}

/**
 * Where a text of a container that names a Service is. Few texts do: it is only made when a
 * reference is found (and then once, shared by the references of the text), and its locations are
 * only built when asked for.
 */
class Text {
  private loc: Loc | undefined = undefined;
  private through: ServiceReference['via'] | undefined = undefined;

  constructor(
    private readonly container: Container,
    /** The container field and its entry that holds the text, or that pulls in the ConfigMap. */
    private readonly field: TextField,
    private readonly index: number,
    private readonly configMap: ConfigMapInfo | undefined,
    private readonly key: string | undefined,
  ) {}

  /** Where the text is. */
  get at(): Loc {
    if (!this.loc) {
      const c = this.container;
      if (this.configMap) this.loc = this.configMap.res.at('data', this.key!);
      else if (this.field === 'env') this.loc = c.pod.workload.at(...c.path, 'env', this.index, 'value');
      else this.loc = c.pod.workload.at(...c.path, this.field, this.index);
    }
    return this.loc;
  }

  /** For a ConfigMap value: the env entry or envFrom that reads it. */
  get via(): ServiceReference['via'] {
    if (!this.configMap) return undefined;
    const c = this.container;
    return (this.through ??= {
      at: c.pod.workload.at(...c.path, this.field, this.index),
      configMap: this.configMap,
      key: this.key!,
    });
  }
}

type TextField = 'env' | 'envFrom' | 'command' | 'args';

/** A reference: where its text is is worked out when asked for (few references are reported). */
class Reference implements ServiceReference {
  readonly text: string;
  readonly host: string;
  readonly namespace: string;
  readonly serviceName: string;
  readonly port: number | undefined;
  servicePort: ServicePort | undefined = undefined;
  problem: ServiceReference['problem'] = undefined;

  constructor(
    private readonly where: Text,
    readonly pod: PodTemplate,
    readonly container: Container,
    readonly source: ServiceReference['source'],
    readonly envName: string | undefined,
    address: Address,
    target: Target,
    readonly service: Service | undefined,
  ) {
    this.text = address.token;
    this.host = address.host;
    this.namespace = target.namespace;
    this.serviceName = target.serviceName;
    this.port = address.port;
  }

  get at(): Loc {
    return this.where.at;
  }

  get via(): ServiceReference['via'] {
    return this.where.via;
  }
}

const COMMAND_FIELDS = ['command', 'args'] as const;

/** Find every Service reference of every container in the model. */
export function findReferences(
  model: Model,
  services: (ns: string, name: string) => Service | undefined,
): ServiceReference[] {
  const finder = new ReferenceFinder(model, services);
  for (const pod of model.podTemplates) {
    if (pod.workload.superseded) continue;
    for (const c of pod.containers) finder.container(c);
  }
  return finder.refs;
}

/** The Service references of containers, text by text. */
class ReferenceFinder {
  readonly refs: ServiceReference[] = [];
  /** ConfigMaps by namespace and name (built on first use). */
  private configMaps: NamespacedMap<ConfigMapInfo> | undefined;
  private readonly namespaces: ReadonlySet<string>;
  /** The addresses of each text read so far. */
  private readonly addresses = new Map<string, readonly Address[]>();

  constructor(
    private readonly model: Model,
    private readonly services: (ns: string, name: string) => Service | undefined,
  ) {
    this.namespaces = new Set(model.namespaces.keys());
  }

  private configMap(namespace: string, name: string): ConfigMapInfo | undefined {
    if (!this.configMaps) {
      this.configMaps = new NamespacedMap();
      // (A ConfigMap without namespace is keyed by "null", as in a joined key.)
      for (const cm of this.model.configMaps)
        if (!cm.res.superseded) this.configMaps.set(String(cm.res.namespace), cm.res.name, cm);
    }
    return this.configMaps.get(namespace, name);
  }

  /** Every text of a container that may name a Service. */
  container(c: Container): void {
    const ns = c.pod.namespace;
    const env = asArray(c.raw.env);
    for (let i = 0; i < env.length; i++) {
      const e = asMap(env[i]);
      const name = asString(e?.name);
      if (!e || !name) continue;
      if (NOT_ADDRESS_ENV.test(name)) continue;
      const value = asString(e.value);
      if (value !== undefined) {
        this.text(value, 'env', name, c, 'env', i, undefined, undefined);
        continue;
      }
      const ref = asMap(asMap(e.valueFrom)?.configMapKeyRef);
      const cmName = asString(ref?.name);
      const key = asString(ref?.key);
      if (!cmName || !key) continue;
      const cm = this.configMap(ns, cmName);
      const v = cm?.value(key);
      if (cm && v !== undefined) this.text(v, 'env', name, c, 'env', i, cm, key);
    }
    const envFrom = asArray(c.raw.envFrom);
    for (let i = 0; i < envFrom.length; i++) {
      const e = asMap(envFrom[i]);
      const cmName = asString(asMap(e?.configMapRef)?.name);
      if (!e || !cmName) continue;
      const cm = this.configMap(ns, cmName);
      if (!cm) continue;
      const prefix = asString(e.prefix) ?? '';
      for (const [key, v] of cm.data) this.text(v, 'env', prefix + key, c, 'envFrom', i, cm, key);
    }
    for (const field of COMMAND_FIELDS) {
      const list = asArray(c.raw[field]);
      for (let i = 0; i < list.length; i++) {
        const v = list[i];
        if (typeof v === 'string') this.text(v, field, undefined, c, field, i, undefined, undefined);
      }
    }
  }

  /** The references of one text. */
  private text(
    text: string,
    source: ServiceReference['source'],
    envName: string | undefined,
    c: Container,
    field: TextField,
    index: number,
    configMap: ConfigMapInfo | undefined,
    key: string | undefined,
  ): void {
    if (
      source === 'env' &&
      envName &&
      IDENTITY_ENV.test(envName) &&
      !HOST_NAME_ENV.test(envName) &&
      !text.includes('://') &&
      !/:\d/.test(text)
    )
      return;
    const hostishName = source === 'env' && !!envName && HOSTISH_ENV.test(envName);
    // Without ":" there is no port or scheme, and without "." every host is a bare word: such a
    // text only names a Service as the value of a host-like variable (most texts: a word, a number).
    if (!hostishName && !text.includes(':') && !text.includes('.')) return;
    // Many workloads repeat a text (a collector's or a database's URL): its addresses are read once.
    let addresses = this.addresses.get(text);
    if (addresses === undefined) {
      const found: Address[] = [];
      addAddresses(text, found);
      this.addresses.set(text, (addresses = found));
    }
    if (addresses.length === 0) return;
    const pod = c.pod;
    let where: Text | undefined;
    let seen: Set<string> | undefined;
    for (const a of addresses) {
      // A bare word is a reference only when it looks like an address: with a port or scheme, or
      // as the value of a host-like variable (and then when it names a Service, below).
      const bare = !a.host.includes('.');
      if (bare && a.port === undefined && !a.scheme && !(hostishName && text.trim() === a.token)) continue;
      const target = classify(a.host, pod.namespace, this.namespaces, this.services);
      if (!target) continue;
      const service = this.services(target.namespace, target.serviceName);
      // An unqualified name must name a Service of the pod's namespace.
      if (!target.qualified && !service) continue;
      // (Most texts hold one address: nothing to tell apart.)
      if (addresses.length > 1) {
        const id = `${target.namespace}/${target.serviceName}:${a.port ?? ''}`;
        if (seen?.has(id)) continue;
        (seen ??= new Set()).add(id);
      }
      where ??= new Text(c, field, index, configMap, key);
      const ref = new Reference(where, pod, c, source, envName, a, target, service);
      if (!service) {
        // Only a namespace the input covers can tell that a Service does not exist.
        if (this.namespaces.has(target.namespace) && !BUILTIN_SERVICES.has(`${target.namespace}/${target.serviceName}`))
          ref.problem = 'no-service';
      } else if (a.port !== undefined && service.type !== 'ExternalName' && !service.headless) {
        // A headless Service has no port translation: its pods are checked by the graph.
        ref.servicePort = portNumbered(service.ports, a.port);
        if (!ref.servicePort) ref.problem = 'no-port';
      }
      this.refs.push(ref);
    }
  }
}

/** The first Service port with this number (a loop without a closure: one lookup per reference). */
function portNumbered(ports: readonly ServicePort[], port: number): ServicePort | undefined {
  for (let i = 0; i < ports.length; i++) if (ports[i].port === port) return ports[i];
  return undefined;
}

/** A fully qualified Service address in a ConfigMap value that no container of the input reads as env. */
export interface ConfigMapAddress {
  configMap: ConfigMapInfo;
  key: string;
  at: Loc;
  text: string;
  namespace: string;
  serviceName: string;
  port?: number;
  service?: Service;
  problem: 'no-service' | 'no-port';
}

/** `<svc>.<ns>.svc[.cluster.local][:port]`, also `<pod>.<svc>.<ns>.svc…`, anywhere in a text. */
const FQDN =
  /(?<![-a-z0-9.])((?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\.){2,3}svc(?:\.cluster\.local)?)\.?(?::(\d{1,5}))?(?![-a-z0-9])/g;
/** Longest value scanned (config files in ConfigMaps may be large; the scan is linear). */
const MAX_VALUE = 1 << 20;

/**
 * Fully qualified Service names (`*.svc.cluster.local`, `*.svc`) in every ConfigMap value: an app
 * may read its ConfigMap through the API or a mounted file, not as env. Values read as env are
 * left to the workload references (`readAsEnv`), which know the reader.
 */
export function findConfigMapAddresses(
  model: Model,
  services: (ns: string, name: string) => Service | undefined,
  readAsEnv: (cm: ConfigMapInfo, key: string) => boolean,
): ConfigMapAddress[] {
  const out: ConfigMapAddress[] = [];
  const namespaces = new Set(model.namespaces.keys());
  for (const cm of model.configMaps) {
    if (cm.res.superseded) continue;
    const ns = cm.res.namespace ?? '';
    for (const [key, raw] of cm.data) {
      if (!raw.includes('.svc') || readAsEnv(cm, key)) continue;
      const value = raw.length > MAX_VALUE ? raw.slice(0, MAX_VALUE) : raw;
      const seen = new Set<string>();
      for (const m of value.matchAll(FQDN)) {
        const target = classify(m[1], ns, namespaces, services);
        if (
          !target ||
          !namespaces.has(target.namespace) ||
          BUILTIN_SERVICES.has(`${target.namespace}/${target.serviceName}`)
        )
          continue;
        const port = m[2] !== undefined ? Number(m[2]) : undefined;
        const id = `${target.namespace}/${target.serviceName}:${port ?? ''}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const service = services(target.namespace, target.serviceName);
        let problem: ConfigMapAddress['problem'] | undefined;
        if (!service) problem = 'no-service';
        else if (
          port !== undefined &&
          service.type !== 'ExternalName' &&
          !service.headless &&
          !service.ports.some((p) => p.port === port)
        )
          problem = 'no-port';
        if (!problem) continue;
        out.push({
          configMap: cm,
          key,
          at: cm.res.at('data', key),
          text: m[0],
          namespace: target.namespace,
          serviceName: target.serviceName,
          port,
          service,
          problem,
        });
      }
    }
  }
  return out;
}
