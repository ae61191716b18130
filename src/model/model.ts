import type { Loc, ManifestDocument, Path, SourceFile } from '../load/source.js';
import { BUILTIN_GROUPS, CLUSTER_SCOPED_KINDS, POD_TEMPLATE_PATHS, isToolConfig, workloadKind } from './kinds.js';
import type { WorkloadKind } from './kinds.js';
import {
  ROOT_PATH,
  Resource,
  asArray,
  asInt,
  asMap,
  asString,
  entries,
  isMap,
  scalarText,
  sharedMap,
  stringMap,
} from './resource.js';
import type { JsonMap } from './resource.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { GATEWAY_GROUP, Ingress, configMapFrom, referenceGrantFrom, routeFrom } from './network.js';
import type { ConfigMapInfo, IngressClassInfo, ReferenceGrantInfo, RouteInfo, SecretInfo } from './network.js';
import { NetworkPolicy } from './netpol.js';
import { parseLabelSelector, selectorFromMap } from './selector.js';
import type { Selector } from './selector.js';

export { DEFAULT_NAMESPACE } from './defaults.js';

/** A label whose value the controller sets on each pod (known pattern or unknown value). */
export interface DynamicLabel {
  /** Human description, e.g. `web-<0..2>`. */
  describe: string;
  matches(value: string): boolean;
}

export type ContainerKind = 'container' | 'init' | 'sidecar';

// Paths of model nodes (containers, ports, probes, Service ports) are computed when asked for
// (when a finding is reported): the model keeps only what they are derived from.

export interface ContainerPort {
  container: Container;
  index: number;
  /** Path of the port relative to the workload (a new array on each use). */
  readonly path: Path;
  name?: string;
  /** Raw `name` value (any type). */
  rawName: unknown;
  /** Integer `containerPort`, when it is one. */
  number?: number;
  rawNumber: unknown;
  protocol: string;
  rawProtocol: unknown;
  hostPort: unknown;
}

export interface ProbeSpec {
  container: Container;
  /** livenessProbe, readinessProbe, startupProbe */
  type: string;
  /** httpGet, tcpSocket or grpc */
  handler: string;
  /** Raw port value. */
  port: unknown;
  /** Path of the `port` field (a new array on each use). */
  readonly portPath: Path;
}

export interface Container {
  pod: PodTemplate;
  kind: ContainerKind;
  index: number;
  name: string;
  /** Path of the container relative to the workload (a new array on each use). */
  readonly path: Path;
  raw: JsonMap;
  ports: ContainerPort[];
  probes: ProbeSpec[];
}

const PROBE_TYPES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;
const NO_PORTS: ContainerPort[] = Object.freeze([]) as unknown as ContainerPort[];
const NO_PROBES: ProbeSpec[] = Object.freeze([]) as unknown as ProbeSpec[];

class ContainerNode implements Container {
  readonly ports: ContainerPort[];
  readonly probes: ProbeSpec[];

  constructor(
    readonly pod: PodTemplate,
    readonly kind: ContainerKind,
    readonly index: number,
    readonly name: string,
    readonly raw: JsonMap,
  ) {
    const rawPorts = asArray(raw.ports);
    let ports: ContainerPort[] | undefined;
    for (let pi = 0; pi < rawPorts.length; pi++) {
      const p = asMap(rawPorts[pi]);
      if (p) (ports ??= []).push(new PortNode(this, pi, p));
    }
    this.ports = ports ? ports.slice() : NO_PORTS;
    let probes: ProbeSpec[] | undefined;
    for (const type of PROBE_TYPES) {
      const probe = asMap(raw[type]);
      if (!probe) continue;
      for (const handler of PROBE_HANDLERS) {
        const h = asMap(probe[handler]);
        if (h && 'port' in h) (probes ??= []).push(new ProbeNode(this, type, handler, h.port));
      }
    }
    this.probes = probes ? probes.slice() : NO_PROBES;
  }

  get path(): Path {
    return [...this.pod.templatePath, 'spec', this.kind === 'container' ? 'containers' : 'initContainers', this.index];
  }
}

class PortNode implements ContainerPort {
  readonly name: string | undefined;
  readonly number: number | undefined;
  readonly protocol: string;

  constructor(
    readonly container: Container,
    readonly index: number,
    private readonly raw: JsonMap,
  ) {
    this.name = asString(raw.name) || undefined;
    this.number = asInt(raw.containerPort);
    this.protocol = asString(raw.protocol) || 'TCP';
  }

  get path(): Path {
    return [...this.container.path, 'ports', this.index];
  }

  get rawName(): unknown {
    return this.raw.name;
  }

  get rawNumber(): unknown {
    return this.raw.containerPort;
  }

  get rawProtocol(): unknown {
    return this.raw.protocol;
  }

  get hostPort(): unknown {
    return this.raw.hostPort;
  }
}

class ProbeNode implements ProbeSpec {
  constructor(
    readonly container: Container,
    readonly type: string,
    readonly handler: string,
    readonly port: unknown,
  ) {}

  get portPath(): Path {
    return [...this.container.path, this.type, this.handler, 'port'];
  }
}

/** The path of every controller's `spec.selector`. */
const SELECTOR_PATH: Path = Object.freeze(['spec', 'selector']);
const SELECTOR_REQUIRED_KINDS: ReadonlySet<string> = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** The pods of one workload (a Pod, or the template of a controller). */
export class PodTemplate {
  id = -1;
  readonly containers: Container[];
  /**
   * Labels the controller adds to each pod (StatefulSet pod-name, Job job-name, hashes, …).
   * Read-only: pods of one kind share it where it does not depend on the workload.
   */
  readonly dynamicLabels: Map<string, DynamicLabel>;
  readonly labels: Map<string, string>;
  private serving: readonly ContainerPort[] | undefined = undefined;

  constructor(
    readonly workload: Resource,
    readonly workloadKind: WorkloadKind,
    /** Path of the pod template (or `[]` for a Pod) relative to the workload. */
    readonly templatePath: Path,
    readonly template: JsonMap,
  ) {
    this.labels = stringMap(asMap(template.metadata)?.labels);
    const podSpec = asMap(template.spec);
    this.dynamicLabels = controllerLabels(workload, workloadKind);
    const containers: Container[] = [];
    const add = (list: unknown, init: boolean) => {
      const items = asArray(list);
      for (let index = 0; index < items.length; index++) {
        const c = asMap(items[index]);
        if (!c) continue;
        const kind: ContainerKind = !init ? 'container' : c.restartPolicy === 'Always' ? 'sidecar' : 'init';
        containers.push(new ContainerNode(this, kind, index, scalarText(c.name) ?? `#${index}`, c));
      }
    };
    add(podSpec?.containers, false);
    add(podSpec?.initContainers, true);
    this.containers = containers.slice();
  }

  get hostNetwork(): boolean {
    return asMap(this.template.spec)?.hostNetwork === true;
  }

  /**
   * The controller's own `spec.selector`: absent (undefined), or parsed (on each use: only the
   * selector check reads it).
   */
  get controllerSelector(): { selector: Selector; empty: boolean; path: Path } | undefined {
    const kind = this.workloadKind;
    const spec = asMap(this.workload.raw.spec);
    if (kind === 'Pod' || kind === 'CronJob' || spec === undefined || !isMap(spec.selector)) return undefined;
    const raw = spec.selector;
    const selector = kind === 'ReplicationController' ? selectorFromMap(stringMap(raw)) : parseLabelSelector(raw);
    const empty = selector.matchLabels.length === 0 && selector.expressions.length === 0;
    return { selector, empty, path: SELECTOR_PATH };
  }

  /** Whether the API version demands a `spec.selector` (apps/v1 controllers). */
  get selectorRequired(): boolean {
    return this.workload.apiVersion === 'apps/v1' && SELECTOR_REQUIRED_KINDS.has(this.workloadKind);
  }

  get namespace(): string {
    return this.workload.namespace ?? DEFAULT_NAMESPACE;
  }

  /** Location of the template's `metadata.labels` (or the closest ancestor). */
  get labelsLoc(): Loc {
    return this.workload.at(...this.templatePath, 'metadata', 'labels');
  }

  /** Does the pod carry `key` with `value` (fixed or controller-added)? */
  hasLabel(key: string, value: string): boolean {
    const dyn = this.dynamicLabels.get(key);
    if (dyn) return dyn.matches(value);
    return this.labels.get(key) === value;
  }

  hasKey(key: string): boolean {
    return this.dynamicLabels.has(key) || this.labels.has(key);
  }

  /**
   * All ports of containers that serve traffic (regular containers and native sidecars), in
   * container order. Read-only (computed once, and shared with the container when only one serves).
   */
  servingPorts(): readonly ContainerPort[] {
    if (this.serving) return this.serving;
    let serving: readonly ContainerPort[] = NO_PORTS;
    let count = 0;
    for (const c of this.containers) {
      if (c.kind === 'init' || c.ports.length === 0) continue;
      serving = count === 0 ? c.ports : serving.concat(c.ports);
      count++;
    }
    return (this.serving = serving);
  }

  get display(): string {
    return this.workload.display;
  }
}

export interface ServicePort {
  service: Service;
  index: number;
  /** Path of the port relative to the Service (a new array on each use). */
  readonly path: Path;
  name?: string;
  rawName: unknown;
  port?: number;
  rawPort: unknown;
  protocol: string;
  rawProtocol: unknown;
  /** Raw targetPort (undefined when omitted). */
  rawTargetPort: unknown;
  /** Effective target: a number (defaulted to `port`) or a port name. */
  target?: { kind: 'number'; value: number } | { kind: 'name'; value: string };
  targetDefaulted: boolean;
  rawNodePort: unknown;
  nodePort?: number;
}

class ServicePortNode implements ServicePort {
  readonly name: string | undefined;
  readonly port: number | undefined;
  readonly protocol: string;
  readonly target: ServicePort['target'];

  constructor(
    readonly service: Service,
    readonly index: number,
    private readonly raw: JsonMap,
  ) {
    const port = asInt(raw.port);
    const rawTarget = raw.targetPort;
    let target: ServicePort['target'];
    if (defaultedTarget(rawTarget)) {
      if (port !== undefined) target = { kind: 'number', value: port };
    } else if (typeof rawTarget === 'number' && Number.isInteger(rawTarget)) {
      target = { kind: 'number', value: rawTarget };
    } else if (typeof rawTarget === 'string') {
      // IntOrString: a string of digits is still a name for Kubernetes (and an invalid one).
      target = { kind: 'name', value: rawTarget };
    }
    this.name = scalarText(raw.name);
    this.port = port;
    // The API server defaults a missing, null or empty protocol to TCP.
    this.protocol = asString(raw.protocol) || 'TCP';
    this.target = target;
  }

  get path(): Path {
    return ['spec', 'ports', this.index];
  }

  get rawName(): unknown {
    return this.raw.name;
  }

  get rawPort(): unknown {
    return this.raw.port;
  }

  get rawProtocol(): unknown {
    return this.raw.protocol;
  }

  get rawTargetPort(): unknown {
    return this.raw.targetPort;
  }

  get targetDefaulted(): boolean {
    return defaultedTarget(this.raw.targetPort);
  }

  get rawNodePort(): unknown {
    return this.raw.nodePort;
  }

  get nodePort(): number | undefined {
    return asInt(this.raw.nodePort);
  }
}

/** An omitted, null, 0 or empty targetPort defaults to the port. */
function defaultedTarget(v: unknown): boolean {
  return v === undefined || v === null || v === 0 || v === '';
}

const NO_FIELDS: string[] = Object.freeze([]) as unknown as string[];
const NO_SERVICE_PORTS: ServicePort[] = Object.freeze([]) as unknown as ServicePort[];

export class Service {
  readonly type: string;
  /** Non-empty selector, or null (no selector: backed by Endpoints or an operator). */
  readonly selector: Map<string, string> | null;
  readonly ports: ServicePort[];
  readonly clusterIP?: string;
  readonly headless: boolean;
  /** `clusterIP` or `clusterIPs`: the field that makes the Service headless. */
  readonly headlessField?: 'clusterIP' | 'clusterIPs';
  readonly externalName?: string;
  /**
   * Fields this Service sets although its type does not allow them: externalTrafficPolicy outside
   * externally-accessible Services (NodePort, LoadBalancer, ClusterIP with externalIPs), and
   * healthCheckNodePort outside LoadBalancer Services with externalTrafficPolicy Local.
   */
  readonly externalOnlyFields: string[];

  constructor(readonly res: Resource) {
    const spec = asMap(res.raw.spec) ?? {};
    this.type = asString(spec.type) ?? 'ClusterIP';
    const sel = stringMap(spec.selector);
    this.selector = sel.size > 0 ? sel : null;
    this.clusterIP = asString(spec.clusterIP);
    const firstIP = asString(asArray(spec.clusterIPs)[0]);
    this.headless = this.clusterIP === 'None' || (this.clusterIP === undefined && firstIP === 'None');
    if (this.headless) this.headlessField = this.clusterIP === 'None' ? 'clusterIP' : 'clusterIPs';
    this.externalName = asString(spec.externalName);
    const externallyAccessible =
      this.type === 'NodePort' || this.type === 'LoadBalancer' || (this.type === 'ClusterIP' && asArray(spec.externalIPs).length > 0);
    const set = (f: string) => spec[f] !== undefined && spec[f] !== null && spec[f] !== '' && spec[f] !== 0;
    const externalOnly: string[] = [];
    if (!externallyAccessible && set('externalTrafficPolicy')) externalOnly.push('externalTrafficPolicy');
    // healthCheckNodePort: only a LoadBalancer with externalTrafficPolicy Local has one.
    if (set('healthCheckNodePort') && !(this.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) {
      externalOnly.push('healthCheckNodePort');
    }
    this.externalOnlyFields = externalOnly.length ? externalOnly.slice() : NO_FIELDS;
    const rawPorts = asArray(spec.ports);
    const ports: ServicePort[] = [];
    for (let index = 0; index < rawPorts.length; index++) {
      const p = asMap(rawPorts[index]);
      if (p) ports.push(new ServicePortNode(this, index, p));
    }
    this.ports = ports.length ? ports.slice() : NO_SERVICE_PORTS;
  }

  get namespace(): string {
    return this.res.namespace ?? DEFAULT_NAMESPACE;
  }

  get name(): string {
    return this.res.name;
  }

  /** Location of a Service port's target: its `targetPort`, or its `port` when defaulted. */
  targetLoc(sp: ServicePort): Loc {
    return sp.targetDefaulted ? this.res.at(...sp.path, 'port') : this.res.at(...sp.path, 'targetPort');
  }
}

/** A label map on a custom resource that an operator turns into pod labels. */
export interface OperatorLabels {
  res: Resource;
  path: Path;
  labels: Map<string, string>;
}

export interface EndpointsInfo {
  res: Resource;
  /** Name of the Service they back (Endpoints: own name; EndpointSlice: kubernetes.io/service-name). */
  serviceName: string;
}

export interface NamespaceInfo {
  name: string;
  /** The Namespace object, when the input defines it. */
  res?: Resource;
  labels: Map<string, string>;
}

export interface ModelOptions {
  defaultNamespace: string;
}

/** Every object of the input, typed where kube-netlint analyses the kind. */
export class Model {
  readonly resources: Resource[] = [];
  readonly podTemplates: PodTemplate[] = [];
  readonly services: Service[] = [];
  readonly endpoints: EndpointsInfo[] = [];
  readonly ingresses: Ingress[] = [];
  readonly networkPolicies: NetworkPolicy[] = [];
  readonly ingressClasses: IngressClassInfo[] = [];
  readonly secrets: SecretInfo[] = [];
  readonly configMaps: ConfigMapInfo[] = [];
  readonly routes: RouteInfo[] = [];
  readonly referenceGrants: ReferenceGrantInfo[] = [];
  /** Secrets that cert-manager Certificates in the input will create (`namespace/name`). */
  readonly certificateSecrets = new Map<string, Resource>();
  readonly operatorLabels: OperatorLabels[] = [];
  /** Services that a service-mesh TrafficSplit uses as its apex (`namespace/name` → the split). */
  readonly trafficSplitApex = new Map<string, Resource>();
  readonly namespaces = new Map<string, NamespaceInfo>();
  /** Tool configuration documents (kustomization.yaml, kind/kubeadm configs, …): not linted. */
  readonly toolConfigs: { doc: ManifestDocument; path: Path }[] = [];
  /** Documents that are not Kubernetes objects at all. */
  readonly nonObjects: { doc: ManifestDocument; path: Path; reason: string }[] = [];
  /** Kinds a CustomResourceDefinition in the input declares cluster-scoped (`group/Kind`). */
  readonly clusterScopedCrds = new Set<string>();
  /**
   * Objects defined again: each later definition (same group, kind, namespace after defaulting,
   * and name; not a generateName) with the first one, in input order.
   */
  readonly duplicates: { resource: Resource; first: Resource }[] = [];
  readonly files: SourceFile[] = [];

  constructor(readonly options: ModelOptions) {}

  namespace(name: string): NamespaceInfo {
    let ns = this.namespaces.get(name);
    if (!ns) {
      ns = { name, labels: new Map([['kubernetes.io/metadata.name', name]]) };
      this.namespaces.set(name, ns);
    }
    return ns;
  }
}

/** Build the model from loaded files. */
export function buildModel(files: SourceFile[], options: ModelOptions): Model {
  const model = new Model(options);
  model.files.push(...files);
  // First pass: objects, and the scope of CRD kinds.
  for (const file of files) {
    for (const doc of file.documents) collect(model, doc, doc.value, ROOT_PATH, 0);
  }
  for (const r of model.resources) {
    if (r.kind === 'CustomResourceDefinition') {
      const spec = asMap(r.raw.spec);
      const kind = asString(asMap(spec?.names)?.kind);
      if (spec?.scope === 'Cluster' && kind) model.clusterScopedCrds.add(`${asString(spec.group) ?? ''}/${kind}`);
    }
  }
  // Of several definitions of one object, the last one wins: the others are superseded. Objects
  // are found by name first (no identity string per object): per name, the first definition of
  // each group, kind and namespace.
  const byName = new Map<string, Resource | Resource[]>();
  const withNul = new Map<string, Resource>();
  const lastRepeated = new Map<Resource, Resource>();
  const crds = model.clusterScopedCrds;
  for (const r of model.resources) {
    const clusterScoped = CLUSTER_SCOPED_KINDS.has(r.kind) || (crds.size > 0 && crds.has(`${r.group}/${r.kind}`));
    const ns = clusterScoped ? null : (r.namespace ?? options.defaultNamespace);
    // Objects of one namespace share one namespace string.
    r.namespace = ns ? model.namespace(ns).name : ns;
    if (r.name && !r.generatedName) {
      let f: Resource | undefined;
      const seen = byName.get(r.name);
      if (hasNul(r)) {
        // Identities with NUL characters compare by their whole key, which they may share with
        // other such identities (never with one without NUL characters).
        const key = r.key;
        f = withNul.get(key);
        if (!f) withNul.set(key, r);
      } else if (seen === undefined) byName.set(r.name, r);
      else if (!Array.isArray(seen)) {
        if (sameObject(seen, r)) f = seen;
        else byName.set(r.name, [seen, r]);
      } else {
        f = seen.find((x) => sameObject(x, r));
        if (!f) seen.push(r);
      }
      if (f) {
        (lastRepeated.get(f) ?? f).superseded = true;
        lastRepeated.set(f, r);
        model.duplicates.push({ resource: r, first: f });
      }
    }
    type(model, r);
  }
  model.podTemplates.forEach((p, i) => (p.id = i));
  return model;
}

function hasNul(r: Resource): boolean {
  return r.name.includes('\u0000') || r.kind.includes('\u0000') || r.group.includes('\u0000') || (r.namespace?.includes('\u0000') ?? false);
}

/** Same group, kind and namespace (after defaulting), as `Resource.key` compares them with the name. */
function sameObject(a: Resource, b: Resource): boolean {
  return a.kind === b.kind && a.group === b.group && (a.namespace ?? '') === (b.namespace ?? '');
}

function collect(model: Model, doc: ManifestDocument, value: unknown, path: Path, depth: number): void {
  if (!isMap(value)) {
    model.nonObjects.push({ doc, path, reason: `expected a Kubernetes object (a mapping), found ${describe(value)}` });
    return;
  }
  const kind = asString(value.kind);
  if (kind && kind.endsWith('List') && Array.isArray(value.items) && depth < 4) {
    value.items.forEach((item, i) => collect(model, doc, item, [...path, 'items', i], depth + 1));
    return;
  }
  if (typeof value.apiVersion === 'string' && isToolConfig(value.apiVersion)) {
    model.toolConfigs.push({ doc, path });
    return;
  }
  model.resources.push(new Resource(doc, path, value));
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a sequence';
  if (v === null) return 'null';
  return `a ${typeof v} scalar`;
}

function type(model: Model, r: Resource): void {
  const wk = workloadKind(r.group, r.kind);
  if (wk) {
    addPodTemplate(model, r, wk);
    return;
  }
  if (r.group === '' && r.kind === 'Service') {
    model.services.push(new Service(r));
    return;
  }
  if (r.group === '' && r.kind === 'Namespace') {
    const ns = model.namespace(r.name);
    ns.res ??= r;
    for (const [k, v] of r.labels) ns.labels.set(k, v);
    ns.labels.set('kubernetes.io/metadata.name', r.name);
    return;
  }
  if (r.group === 'networking.k8s.io' && r.kind === 'NetworkPolicy') {
    model.networkPolicies.push(new NetworkPolicy(r));
    return;
  }
  if ((r.group === 'networking.k8s.io' || r.group === 'extensions') && r.kind === 'Ingress') {
    model.ingresses.push(new Ingress(r));
    return;
  }
  if (r.group === 'networking.k8s.io' && r.kind === 'IngressClass') {
    const spec = asMap(r.raw.spec);
    model.ingressClasses.push({
      res: r,
      name: r.name,
      controller: asString(spec?.controller),
      isDefault: r.annotations.get('ingressclass.kubernetes.io/is-default-class') === 'true',
    });
    return;
  }
  if (r.group === '' && r.kind === 'Secret') {
    model.secrets.push({ res: r, type: asString(r.raw.type) ?? 'Opaque' });
    return;
  }
  if (r.group === '' && r.kind === 'ConfigMap') {
    model.configMaps.push(configMapFrom(r));
    return;
  }
  if (r.group === GATEWAY_GROUP && (r.kind === 'HTTPRoute' || r.kind === 'GRPCRoute')) {
    model.routes.push(routeFrom(r, r.kind));
    return;
  }
  if (r.group === GATEWAY_GROUP && r.kind === 'ReferenceGrant') {
    model.referenceGrants.push(referenceGrantFrom(r));
    return;
  }
  if (r.group === 'cert-manager.io' && r.kind === 'Certificate') {
    const secretName = asString(asMap(r.raw.spec)?.secretName);
    if (secretName && r.namespace) model.certificateSecrets.set(`${r.namespace}/${secretName}`, r);
  }
  if (r.group === '' && r.kind === 'Endpoints') {
    model.endpoints.push({ res: r, serviceName: r.name });
    return;
  }
  if (r.group === 'discovery.k8s.io' && r.kind === 'EndpointSlice') {
    const svc = r.labels.get('kubernetes.io/service-name');
    if (svc) model.endpoints.push({ res: r, serviceName: svc });
    return;
  }
  if (r.kind === 'TrafficSplit' && r.group.startsWith('split.smi-spec.io')) {
    const apex = asString(asMap(r.raw.spec)?.service);
    if (apex && r.namespace) model.trafficSplitApex.set(`${r.namespace}/${apex}`, r);
  }
  if (!BUILTIN_GROUPS.has(r.group) && r.namespace) {
    findOperatorLabels(model, r, asMap(r.raw.spec), ['spec'], 0);
  }
}

/** Custom resources carry pod labels for their operator, e.g. Prometheus `spec.podMetadata.labels`. */
function findOperatorLabels(model: Model, r: Resource, node: JsonMap | undefined, path: Path, depth: number): void {
  if (!node || depth > 6) return;
  for (const [k, v] of entries(node)) {
    if (k === 'labels') {
      const labels = stringMap(v);
      if (labels.size > 0) model.operatorLabels.push({ res: r, path: [...path, k], labels });
    } else if (isMap(v) && k !== 'selector' && !k.toLowerCase().endsWith('selector')) {
      findOperatorLabels(model, r, v, [...path, k], depth + 1);
    }
  }
}

function addPodTemplate(model: Model, r: Resource, kind: WorkloadKind): void {
  const tplPath = POD_TEMPLATE_PATHS[kind];
  let node: unknown = r.raw;
  for (const seg of tplPath) node = asMap(node)?.[seg];
  const template = asMap(node);
  if (!template) return;
  model.podTemplates.push(new PodTemplate(r, kind, tplPath, template));
}

const anyValue = (describe: string): DynamicLabel => Object.freeze({ describe, matches: () => true });
const ANY_HASH = anyValue('<hash>');
const ANY_UID = anyValue('<uid>');
const NO_DYNAMIC_LABELS: Map<string, DynamicLabel> = sharedMap();
// Controllers whose labels do not depend on the workload share one map per kind.
const DEPLOYMENT_LABELS: Map<string, DynamicLabel> = sharedMap([['pod-template-hash', ANY_HASH]]);
const DAEMONSET_LABELS: Map<string, DynamicLabel> = sharedMap([
  ['controller-revision-hash', ANY_HASH],
  ['pod-template-generation', anyValue('<generation>')],
]);
const ANY_INDEX = anyValue('<index>');
const ORDINAL = /^(0|[1-9][0-9]*)$/;
const DIGITS = /^\d+$/;

/** Labels the controller of a workload adds to each of its pods. */
function controllerLabels(r: Resource, kind: WorkloadKind): Map<string, DynamicLabel> {
  const spec = asMap(r.raw.spec);
  switch (kind) {
    case 'Deployment':
      return DEPLOYMENT_LABELS;
    case 'DaemonSet':
      return DAEMONSET_LABELS;
    case 'StatefulSet': {
      // Without an explicit replica count (an autoscaler may own it) any ordinal is possible.
      // Ordinals run from spec.ordinals.start (default 0) for spec.replicas pods.
      const replicas = asInt(spec?.replicas);
      const start = Math.max(0, asInt(asMap(spec?.ordinals)?.start) ?? 0);
      const ordinal = (v: string) =>
        ORDINAL.test(v) && Number(v) >= start && (replicas === undefined || Number(v) < start + replicas);
      const range =
        replicas === undefined ? (start ? `<${start}..>` : '<n>') : replicas <= 1 ? String(start) : `<${start}..${start + replicas - 1}>`;
      const prefix = `${r.name}-`;
      return new Map<string, DynamicLabel>([
        ['statefulset.kubernetes.io/pod-name', { describe: `${prefix}${range}`, matches: (v) => v.startsWith(prefix) && ordinal(v.slice(prefix.length)) }],
        ['apps.kubernetes.io/pod-index', { describe: range, matches: ordinal }],
        ['controller-revision-hash', ANY_HASH],
      ]);
    }
    case 'Job': {
      const name = r.name;
      const jobName: DynamicLabel = { describe: name, matches: (v) => v === name };
      const labels = new Map<string, DynamicLabel>([
        ['job-name', jobName],
        ['batch.kubernetes.io/job-name', jobName],
        ['controller-uid', ANY_UID],
        ['batch.kubernetes.io/controller-uid', ANY_UID],
      ]);
      if (spec?.completionMode === 'Indexed') labels.set('batch.kubernetes.io/job-completion-index', ANY_INDEX);
      return labels;
    }
    case 'CronJob': {
      // Jobs of a CronJob are named <cronjob>-<scheduled time>.
      const name = r.name;
      const jobName: DynamicLabel = {
        describe: `${name}-<time>`,
        matches: (v) => v.startsWith(`${name}-`) && DIGITS.test(v.slice(name.length + 1)),
      };
      return new Map<string, DynamicLabel>([
        ['job-name', jobName],
        ['batch.kubernetes.io/job-name', jobName],
        ['controller-uid', ANY_UID],
        ['batch.kubernetes.io/controller-uid', ANY_UID],
      ]);
    }
    default:
      return NO_DYNAMIC_LABELS;
  }
}
