import type { Loc, ManifestDocument, Path, SourceFile } from '../load/source.js';
import { BUILTIN_GROUPS, CLUSTER_SCOPED_KINDS, POD_TEMPLATE_PATHS, workloadKind } from './kinds.js';
import type { WorkloadKind } from './kinds.js';
import {
  EMPTY_STRING_MAP,
  ListBuilder,
  ROOT_PATH,
  Resource,
  SEPARATE,
  StringTable,
  asArray,
  asInt,
  asMap,
  asString,
  entries,
  isMap,
  isToolConfigVersion,
  scalarText,
  stringMap,
  stringPairs,
} from './resource.js';
import type { JsonMap, ListItemType, Strings } from './resource.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { Ingress, configMapFrom } from './network.js';
import type { ConfigMapInfo, IngressClassInfo, SecretInfo } from './network.js';
import { GATEWAY_GROUP, gatewayClassFrom, gatewayFrom, referenceGrantFrom, routeFrom } from './gateway.js';
import type { GatewayClassInfo, GatewayInfo, ReferenceGrantInfo, RouteInfo } from './gateway.js';
import { Consumers } from './consumers.js';
import { NetworkPolicy } from './netpol.js';
import { controllerLabels } from './controllers.js';
import type { DynamicLabel } from './controllers.js';
import { foldOwned } from './owners.js';
import type { WorkloadOwner } from './owners.js';
import { AdminPolicy, isAdminPolicyKind } from './adminpolicy.js';
import { OPENSHIFT_ROUTE_GROUP, OpenShiftRoute } from './openshift.js';
import { CiliumPolicy, isCiliumPolicyKind } from './cilium.js';
import { labelIn, parseLabelSelector, selectorFromMap } from './selector.js';
import type { Selector } from './selector.js';

export { DEFAULT_NAMESPACE } from './defaults.js';
export type { WorkloadOwner } from './owners.js';

export type { DynamicLabel } from './controllers.js';

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
  /** Probes that name a port (a new list on each use: only the probe check reads them). */
  readonly probes: ProbeSpec[];
}

const PROBE_TYPES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;
const NO_CONTAINERS: Container[] = Object.freeze([]) as unknown as Container[];
const NO_PORTS: ContainerPort[] = Object.freeze([]) as unknown as ContainerPort[];
const NO_PROBES: ProbeSpec[] = Object.freeze([]) as unknown as ProbeSpec[];

// Lists of the model live as long as the model: they are built in a scratch list of their kind
// (building is synchronous, and a list of one kind is never built within another of the same kind).
const portLists = new ListBuilder<ContainerPort>();
const containerLists = new ListBuilder<Container>();
const servicePortLists = new ListBuilder<ServicePort>();

class ContainerNode implements Container {
  readonly ports: ContainerPort[];

  constructor(
    readonly pod: PodTemplate,
    readonly kind: ContainerKind,
    readonly index: number,
    readonly name: string,
    readonly raw: JsonMap,
    strings: Strings,
  ) {
    const rawPorts = raw.ports;
    this.ports = Array.isArray(rawPorts) && rawPorts.length > 0 ? portsOf(this, rawPorts, strings) : NO_PORTS;
  }

  get probes(): ProbeSpec[] {
    return probesOf(this, this.raw);
  }

  get path(): Path {
    return [...this.pod.templatePath, 'spec', this.kind === 'container' ? 'containers' : 'initContainers', this.index];
  }
}

/** The ports of a container (the entries of `ports` that are maps). */
function portsOf(c: Container, rawPorts: unknown[], strings: Strings): ContainerPort[] {
  portLists.start();
  for (let pi = 0; pi < rawPorts.length; pi++) {
    const p = rawPorts[pi];
    if (isMap(p)) portLists.add(new PortNode(c, pi, p, strings));
  }
  return portLists.keep(NO_PORTS);
}

/** The probes of a container that name a port. */
function probesOf(c: Container, raw: JsonMap): ProbeSpec[] {
  let probes: ProbeSpec[] | undefined;
  for (const type of PROBE_TYPES) {
    const probe = raw[type];
    if (!isMap(probe)) continue;
    for (const handler of PROBE_HANDLERS) {
      const h = probe[handler];
      if (isMap(h) && 'port' in h) {
        const node = new ProbeNode(c, type, handler, h.port);
        if (probes) probes.push(node);
        else probes = [node];
      }
    }
  }
  return probes ?? NO_PROBES;
}

class PortNode implements ContainerPort {
  readonly name: string | undefined;
  readonly number: number | undefined;
  readonly protocol: string;

  constructor(
    readonly container: Container,
    readonly index: number,
    private readonly raw: JsonMap,
    strings: Strings,
  ) {
    const name = asString(raw.name);
    this.name = name ? strings.get(name) : undefined;
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

/** The containers of a pod spec: regular containers, then init containers (and native sidecars). */
function containersOf(pod: PodTemplate, podSpec: JsonMap, strings: Strings): Container[] {
  const regular = asArray(podSpec.containers);
  const init = asArray(podSpec.initContainers);
  containerLists.start();
  for (let index = 0; index < regular.length; index++) {
    const c = regular[index];
    if (isMap(c)) containerLists.add(new ContainerNode(pod, 'container', index, scalarText(c.name) ?? `#${index}`, c, strings));
  }
  for (let index = 0; index < init.length; index++) {
    const c = init[index];
    if (!isMap(c)) continue;
    const kind: ContainerKind = c.restartPolicy === 'Always' ? 'sidecar' : 'init';
    containerLists.add(new ContainerNode(pod, kind, index, scalarText(c.name) ?? `#${index}`, c, strings));
  }
  return containerLists.keep(NO_CONTAINERS);
}

const NO_LABELS: readonly string[] = Object.freeze([]);
const NO_MEMBERS: readonly PodTemplate[] = Object.freeze([]);

/** The path of every controller's `spec.selector`. */
const SELECTOR_PATH: Path = Object.freeze(['spec', 'selector']);
const SELECTOR_REQUIRED_KINDS: ReadonlySet<string> = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** The pods of one workload (a Pod, or the template of a controller). */
export class PodTemplate {
  id = -1;
  readonly containers: Container[];
  /**
   * Labels the controller adds to each pod (StatefulSet pod-name, Job job-name, hashes, …).
   * Read-only: pods of one kind share it where it does not depend on the workload. (Set once more
   * when the template folds the pods of an owner: see owners.ts.)
   */
  dynamicLabels: Map<string, DynamicLabel>;
  /** The template's labels as one flat list (key, value, key, value, …); keys are shared strings. */
  readonly labelList: readonly string[];
  private labelMap: Map<string, string> | undefined = undefined;
  private serving: readonly ContainerPort[] | undefined = undefined;
  /**
   * The workload this template stands for, when it is not its own object: the top-most owner of
   * the live objects it folds (see owners.ts), and why it is apart from the owner's template.
   */
  owner: WorkloadOwner | undefined = undefined;
  /** Templates folded into this one (ReplicaSets, Jobs and pods of the same owner and labels). */
  members: readonly PodTemplate[] = NO_MEMBERS;
  /** The template this one is folded into (it is then not in `Model.podTemplates`). */
  foldedInto: PodTemplate | undefined = undefined;

  constructor(
    readonly workload: Resource,
    readonly workloadKind: WorkloadKind,
    /** Path of the pod template (or `[]` for a Pod) relative to the workload. */
    readonly templatePath: Path,
    readonly template: JsonMap,
    /** Where label keys and port names come from (shared strings). */
    strings: Strings = SEPARATE,
  ) {
    this.labelList = stringPairs(asMap(template.metadata)?.labels, strings) ?? NO_LABELS;
    this.dynamicLabels = controllerLabels(workload, workloadKind);
    const podSpec = asMap(template.spec);
    this.containers = podSpec ? containersOf(this, podSpec, strings) : NO_CONTAINERS;
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

  /**
   * The template's labels (read-only; made on first use: the index and the lint rules read
   * `labelList` and `label`).
   */
  get labels(): Map<string, string> {
    if (!this.labelMap) {
      const list = this.labelList;
      let map = EMPTY_STRING_MAP;
      if (list.length > 0) {
        map = new Map();
        for (let i = 0; i < list.length; i += 2) map.set(list[i], list[i + 1]);
      }
      this.labelMap = map;
    }
    return this.labelMap;
  }

  /** The template's own value of label `key` (`labels.get(key)`). */
  label(key: string): string | undefined {
    return labelIn(this.labelList, key);
  }

  /** Does the pod carry `key` with `value` (fixed or controller-added)? */
  hasLabel(key: string, value: string): boolean {
    const dyn = this.dynamicLabels.get(key);
    if (dyn) return dyn.matches(value);
    return labelIn(this.labelList, key) === value;
  }

  hasKey(key: string): boolean {
    return this.dynamicLabels.has(key) || labelIn(this.labelList, key) !== undefined;
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

  /** Kind of the workload this template stands for (its owner's, or its object's). */
  get ownerKind(): string {
    return this.owner?.kind ?? this.workload.kind;
  }

  /** Name of the workload this template stands for (its owner's, or its object's). */
  get ownerName(): string {
    return this.owner?.name ?? this.workload.name;
  }

  /** The workload as network output names it: `namespace/name[Kind]`, and why it is apart. */
  get endpointName(): string {
    const variant = this.owner?.variant;
    return `${this.namespace}/${this.ownerName}[${this.ownerKind}]${variant ? ` (${variant})` : ''}`;
  }

  get display(): string {
    const owner = this.owner;
    if (!owner) return this.workload.display;
    return `${owner.kind} "${this.namespace}/${owner.name}"${owner.variant ? ` (${owner.variant})` : ''}`;
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
    strings: Strings,
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
      target = { kind: 'name', value: strings.get(rawTarget) };
    }
    const name = scalarText(raw.name);
    this.name = name === undefined ? name : strings.get(name);
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
/** The spec of a Service without one (read only). */
const NO_SPEC: JsonMap = Object.freeze({});

/** A field that is set: not omitted, null, empty or 0. */
function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && v !== 0;
}

/** The ports of a Service (the entries of `spec.ports` that are maps). */
function servicePortsOf(svc: Service, rawPorts: unknown[], strings: Strings): ServicePort[] {
  servicePortLists.start();
  for (let index = 0; index < rawPorts.length; index++) {
    const p = rawPorts[index];
    if (isMap(p)) servicePortLists.add(new ServicePortNode(svc, index, p, strings));
  }
  return servicePortLists.keep(NO_SERVICE_PORTS);
}

export class Service {
  readonly type: string;
  /**
   * The labels of a non-empty selector as one flat list (key, value, key, value, …), or null (no
   * selector: backed by Endpoints or an operator).
   */
  readonly selectorLabels: readonly string[] | null;
  private selectorMap: Map<string, string> | undefined = undefined;
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
  /** Position in `Model.services`. */
  id = -1;

  constructor(
    readonly res: Resource,
    /** Where the type, selector keys and port names come from (shared strings). */
    strings: Strings = SEPARATE,
  ) {
    const spec = asMap(res.raw.spec) ?? NO_SPEC;
    const specType = asString(spec.type);
    const type = specType === undefined ? 'ClusterIP' : strings.get(specType);
    this.type = type;
    this.selectorLabels = stringPairs(spec.selector, strings);
    const clusterIP = asString(spec.clusterIP);
    this.clusterIP = clusterIP;
    this.headless = clusterIP === 'None' || (clusterIP === undefined && Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === 'None');
    if (this.headless) this.headlessField = clusterIP === 'None' ? 'clusterIP' : 'clusterIPs';
    this.externalName = asString(spec.externalName);
    const externallyAccessible =
      type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
    const policySet = isSet(spec.externalTrafficPolicy) && !externallyAccessible;
    // healthCheckNodePort: only a LoadBalancer with externalTrafficPolicy Local has one.
    const healthCheckSet = isSet(spec.healthCheckNodePort) && !(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local');
    this.externalOnlyFields = policySet
      ? healthCheckSet
        ? ['externalTrafficPolicy', 'healthCheckNodePort']
        : ['externalTrafficPolicy']
      : healthCheckSet
        ? ['healthCheckNodePort']
        : NO_FIELDS;
    const rawPorts = spec.ports;
    this.ports = Array.isArray(rawPorts) && rawPorts.length > 0 ? servicePortsOf(this, rawPorts, strings) : NO_SERVICE_PORTS;
  }

  /**
   * Non-empty selector, or null (no selector: backed by Endpoints or an operator). The map is made
   * on first use (`selectorLabels` serves the lint rules).
   */
  get selector(): Map<string, string> | null {
    const labels = this.selectorLabels;
    if (!labels) return null;
    if (!this.selectorMap) {
      const map = new Map<string, string>();
      for (let i = 0; i < labels.length; i += 2) map.set(labels[i], labels[i + 1]);
      this.selectorMap = map;
    }
    return this.selectorMap;
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
  /** AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy objects. */
  readonly adminPolicies: AdminPolicy[] = [];
  /** CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy objects. */
  readonly ciliumPolicies: CiliumPolicy[] = [];
  readonly ingressClasses: IngressClassInfo[] = [];
  readonly secrets: SecretInfo[] = [];
  readonly configMaps: ConfigMapInfo[] = [];
  readonly routes: RouteInfo[] = [];
  readonly referenceGrants: ReferenceGrantInfo[] = [];
  readonly gateways: GatewayInfo[] = [];
  readonly gatewayClasses: GatewayClassInfo[] = [];
  /** Other Service consumers: monitors, Prometheus, Argo Rollouts, Istio, Traefik and Contour routes. */
  readonly consumers = new Consumers();
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
  /** The strings that objects of this build share (kinds, label keys, port names). */
  readonly strings = new StringTable();

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
  const found: Collected = { crds: [], hashes: [] };
  // (Indexed loops, here and in the passes below: they run once per build, mostly before the
  // runtime optimizes them, and allocate no iterator results meanwhile.)
  for (let fi = 0; fi < files.length; fi++) {
    const documents = files[fi].documents;
    for (let di = 0; di < documents.length; di++) collect(model, found, documents[di], documents[di].value, ROOT_PATH, 0);
  }
  for (const r of found.crds) {
    const spec = asMap(r.raw.spec);
    const kind = asString(asMap(spec?.names)?.kind);
    if (spec?.scope === 'Cluster' && kind) model.clusterScopedCrds.add(`${asString(spec.group) ?? ''}/${kind}`);
  }
  identify(model, found.hashes);
  const resources = model.resources;
  for (let i = 0; i < resources.length; i++) type(model, resources[i]);
  // Live objects made by a controller are one workload with their owner.
  const folded = foldOwned(model.podTemplates, resources);
  if (folded !== model.podTemplates) model.podTemplates.splice(0, model.podTemplates.length, ...folded);
  const pods = model.podTemplates;
  for (let i = 0; i < pods.length; i++) pods[i].id = i;
  const services = model.services;
  for (let i = 0; i < services.length; i++) services[i].id = i;
  return model;
}

/**
 * Default the namespaces, and find the objects defined again. Of several definitions of one
 * object, the last one wins: the others are superseded.
 *
 * Nearly every object is defined once: each identity (group, kind, namespace and name) is hashed
 * and the hashes counted, and only objects whose hash is not unique are then looked up by
 * identity. Those are found by name first (no identity string per object): per name, the first
 * definition of each group, kind and namespace. `partialHashes` are the hashes of the group, kind
 * and name of each object (`partialHash`).
 */
function identify(model: Model, partialHashes: readonly number[]): void {
  const resources = model.resources;
  const crds = model.clusterScopedCrds;
  const defaultNamespace = model.options.defaultNamespace;
  // Per object: its identity hash, or NO_IDENTITY (a generated or missing name), or NUL_IDENTITY.
  const hashes = new Int32Array(resources.length);
  // Counts (saturating at 2) of the hashes, by their low bits.
  const size = Math.max(1024, 2 ** Math.ceil(Math.log2(resources.length * 4)));
  const counts = new Uint8Array(size);
  const mask = size - 1;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i];
    const clusterScoped = CLUSTER_SCOPED_KINDS.has(r.kind) || (crds.size > 0 && crds.has(`${r.group}/${r.kind}`));
    const ns = clusterScoped ? null : (r.namespace ?? defaultNamespace);
    // Objects of one namespace share one namespace string.
    r.namespace = ns ? model.namespace(ns).name : ns;
    const partial = partialHashes[i];
    const h = partial < 0 ? partial : mixHash(partial, r.namespace ?? '');
    hashes[i] = h;
    if (h >= 0 && counts[h & mask] < 2) counts[h & mask]++;
  }
  const byName = new Map<string, Resource | Resource[]>();
  const withNul = new Map<string, Resource>();
  const lastRepeated = new Map<Resource, Resource>();
  for (let i = 0; i < resources.length; i++) {
    const h = hashes[i];
    if (h === NO_IDENTITY || (h >= 0 && counts[h & mask] < 2)) continue;
    const r = resources[i];
    let f: Resource | undefined;
    if (h === NUL_IDENTITY) {
      // Identities with NUL characters compare by their whole key, which they may share with
      // other such identities (never with one without NUL characters).
      const key = r.key;
      f = withNul.get(key);
      if (!f) withNul.set(key, r);
    } else {
      const seen = byName.get(r.name);
      if (seen === undefined) byName.set(r.name, r);
      else if (!Array.isArray(seen)) {
        if (sameObject(seen, r)) f = seen;
        else byName.set(r.name, [seen, r]);
      } else {
        for (const x of seen) {
          if (!sameObject(x, r)) continue;
          f = x;
          break;
        }
        if (!f) seen.push(r);
      }
    }
    if (f) {
      (lastRepeated.get(f) ?? f).superseded = true;
      lastRepeated.set(f, r);
      model.duplicates.push({ resource: r, first: f });
    }
  }
}

const NO_IDENTITY = -1;
const NUL_IDENTITY = -2;

/**
 * The hash of the group, kind and name of an object, to which `identify` adds its namespace (once
 * defaulted); NO_IDENTITY for a generated or missing name, NUL_IDENTITY when one of them has a
 * NUL character. (Computed as the object is read, while its strings are at hand.)
 */
function partialHash(r: Resource): number {
  if (!r.name || r.generatedName) return NO_IDENTITY;
  let h = mixHash(0x811c9dc5, r.group);
  if (h >= 0) h = mixHash(h, r.kind);
  if (h >= 0) h = mixHash(h, r.name);
  return h;
}

/**
 * A hash (31 bits) of `h` and the characters of `s`, followed by the end of `s`; NUL_IDENTITY when
 * `s` has a NUL character.
 */
function mixHash(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return NUL_IDENTITY;
    h = Math.imul(h ^ c, 0x01000193);
  }
  // The end of `s` (as a NUL, which no part holds).
  return Math.imul(h, 0x01000193) >>> 1;
}

/** Same group, kind and namespace (after defaulting), as `Resource.key` compares them with the name. */
function sameObject(a: Resource, b: Resource): boolean {
  return a.kind === b.kind && a.group === b.group && (a.namespace ?? '') === (b.namespace ?? '');
}

/** What the first pass finds besides the objects: CRDs, and the partial identity hash of each object. */
interface Collected {
  crds: Resource[];
  hashes: number[];
}

/**
 * Read a document, or an item of a list, into the model. Items of a typed list (`PodList`,
 * `DeploymentList`, …: what the API server returns) take their kind and apiVersion from the list
 * when they lack them; items of a generic `List` (what kubectl prints) carry their own.
 */
function collect(model: Model, found: Collected, doc: ManifestDocument, value: unknown, path: Path, depth: number, itemType?: ListItemType): void {
  if (!isMap(value)) {
    model.nonObjects.push({ doc, path, reason: `expected a Kubernetes object (a mapping), found ${describe(value)}` });
    return;
  }
  const kind = asString(value.kind);
  if (kind && kind.endsWith('List') && Array.isArray(value.items) && depth < 4) {
    const items = value.items;
    const typed: ListItemType | undefined = kind.length > 4 ? { kind: kind.slice(0, -4), apiVersion: asString(value.apiVersion) ?? '' } : undefined;
    for (let i = 0; i < items.length; i++) collect(model, found, doc, items[i], [...path, 'items', i], depth + 1, typed);
    return;
  }
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : itemType?.apiVersion;
  if (apiVersion && isToolConfigVersion(apiVersion)) {
    model.toolConfigs.push({ doc, path });
    return;
  }
  const r = new Resource(doc, path, value, model.strings, itemType);
  model.resources.push(r);
  found.hashes.push(partialHash(r));
  if (kind === 'CustomResourceDefinition') found.crds.push(r);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a sequence';
  if (v === null) return 'null';
  return `a ${typeof v} scalar`;
}

/** Add an object to the typed lists of the model, by group and kind. */
function type(model: Model, r: Resource): void {
  const g = r.group;
  switch (r.kind) {
    case 'Pod':
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicationController':
    case 'Job':
    case 'CronJob': {
      const wk = workloadKind(g, r.kind);
      if (wk) {
        addPodTemplate(model, r, wk);
        return;
      }
      break;
    }
    case 'Service':
      if (g === '') {
        model.services.push(new Service(r, model.strings));
        return;
      }
      break;
    case 'Namespace':
      if (g === '') {
        const ns = model.namespace(r.name);
        ns.res ??= r;
        for (const [k, v] of r.labels) ns.labels.set(k, v);
        ns.labels.set('kubernetes.io/metadata.name', r.name);
        return;
      }
      break;
    case 'NetworkPolicy':
      if (g === 'networking.k8s.io') {
        model.networkPolicies.push(new NetworkPolicy(r));
        return;
      }
      break;
    case 'AdminNetworkPolicy':
    case 'BaselineAdminNetworkPolicy':
    case 'ClusterNetworkPolicy':
      if (isAdminPolicyKind(g, r.kind)) {
        model.adminPolicies.push(new AdminPolicy(r));
        return;
      }
      break;
    case 'CiliumNetworkPolicy':
    case 'CiliumClusterwideNetworkPolicy':
      if (isCiliumPolicyKind(g, r.kind)) {
        model.ciliumPolicies.push(new CiliumPolicy(r));
        return;
      }
      break;
    case 'Route':
      if (g === OPENSHIFT_ROUTE_GROUP) {
        model.ingresses.push(new OpenShiftRoute(r));
        return;
      }
      break;
    case 'Ingress':
      if (g === 'networking.k8s.io' || g === 'extensions') {
        model.ingresses.push(new Ingress(r));
        return;
      }
      break;
    case 'IngressClass':
      if (g === 'networking.k8s.io') {
        const spec = asMap(r.raw.spec);
        model.ingressClasses.push({
          res: r,
          name: r.name,
          controller: asString(spec?.controller),
          isDefault: r.annotations.get('ingressclass.kubernetes.io/is-default-class') === 'true',
        });
        return;
      }
      break;
    case 'Secret':
      if (g === '') {
        model.secrets.push({ res: r, type: asString(r.raw.type) ?? 'Opaque' });
        return;
      }
      break;
    case 'ConfigMap':
      if (g === '') {
        model.configMaps.push(configMapFrom(r));
        return;
      }
      break;
    case 'HTTPRoute':
    case 'GRPCRoute':
    case 'TLSRoute':
    case 'TCPRoute':
    case 'UDPRoute':
      if (g === GATEWAY_GROUP) {
        model.routes.push(routeFrom(r, r.kind));
        return;
      }
      break;
    case 'Gateway':
      if (g === GATEWAY_GROUP) {
        model.gateways.push(gatewayFrom(r));
        return;
      }
      break;
    case 'GatewayClass':
      if (g === GATEWAY_GROUP) {
        model.gatewayClasses.push(gatewayClassFrom(r));
        return;
      }
      break;
    case 'ReferenceGrant':
      if (g === GATEWAY_GROUP) {
        model.referenceGrants.push(referenceGrantFrom(r));
        return;
      }
      break;
    case 'Certificate':
      if (g === 'cert-manager.io') {
        const secretName = asString(asMap(r.raw.spec)?.secretName);
        if (secretName && r.namespace) model.certificateSecrets.set(`${r.namespace}/${secretName}`, r);
      }
      break;
    case 'Endpoints':
      if (g === '') {
        model.endpoints.push({ res: r, serviceName: r.name });
        return;
      }
      break;
    case 'EndpointSlice':
      if (g === 'discovery.k8s.io') {
        const svc = r.labels.get('kubernetes.io/service-name');
        if (svc) model.endpoints.push({ res: r, serviceName: svc });
        return;
      }
      break;
    case 'TrafficSplit':
      if (g.startsWith('split.smi-spec.io')) {
        const apex = asString(asMap(r.raw.spec)?.service);
        if (apex && r.namespace) model.trafficSplitApex.set(`${r.namespace}/${apex}`, r);
      }
      break;
  }
  model.consumers.add(r);
  if (!BUILTIN_GROUPS.has(g) && r.namespace) {
    findOperatorLabels(model, r, asMap(r.raw.spec), ['spec'], 0);
  }
}

/**
 * Custom resources carry pod labels for their operator, e.g. Prometheus `spec.podMetadata.labels`,
 * also inside lists (an Argo Rollouts Experiment's `spec.templates[].metadata.labels`, a Rollout's
 * `steps[].experiment.templates[]`).
 */
function findOperatorLabels(model: Model, r: Resource, node: JsonMap | undefined, path: Path, depth: number): void {
  if (!node || depth > 10) return;
  for (const [k, v] of entries(node)) {
    if (k === 'labels') {
      const labels = stringMap(v);
      if (labels.size > 0) model.operatorLabels.push({ res: r, path: [...path, k], labels });
    } else if (k === 'selector' || k.toLowerCase().endsWith('selector')) {
      continue;
    } else if (isMap(v)) {
      findOperatorLabels(model, r, v, [...path, k], depth + 1);
    } else if (Array.isArray(v)) {
      const items = v.length > 100 ? v.slice(0, 100) : v;
      items.forEach((item, i) => {
        if (isMap(item)) findOperatorLabels(model, r, item, [...path, k, i], depth + 1);
      });
    }
  }
}

function addPodTemplate(model: Model, r: Resource, kind: WorkloadKind): void {
  const tplPath = POD_TEMPLATE_PATHS[kind];
  let node: unknown = r.raw;
  for (const seg of tplPath) node = asMap(node)?.[seg];
  const template = asMap(node);
  if (!template) return;
  model.podTemplates.push(new PodTemplate(r, kind, tplPath, template, model.strings));
}
