import type { Loc, ManifestDocument, Path, SourceFile } from '../load/source.js';
import { BUILTIN_GROUPS, CLUSTER_SCOPED_KINDS, POD_TEMPLATE_PATHS, isToolConfig, workloadKind } from './kinds.js';
import type { WorkloadKind } from './kinds.js';
import {
  Resource,
  asArray,
  asInt,
  asMap,
  asString,
  entries,
  isMap,
  scalarText,
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

export interface ContainerPort {
  container: Container;
  index: number;
  path: Path;
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
  /** Path of the `port` field. */
  portPath: Path;
}

export interface Container {
  pod: PodTemplate;
  kind: ContainerKind;
  index: number;
  name: string;
  path: Path;
  raw: JsonMap;
  ports: ContainerPort[];
  probes: ProbeSpec[];
}

/** The pods of one workload (a Pod, or the template of a controller). */
export class PodTemplate {
  id = -1;
  readonly containers: Container[] = [];
  /** Labels the controller adds to each pod (StatefulSet pod-name, Job job-name, hashes, …). */
  readonly dynamicLabels = new Map<string, DynamicLabel>();
  readonly labels: Map<string, string>;
  readonly hostNetwork: boolean;
  /**
   * The controller's own `spec.selector`: absent (undefined), or parsed. `required` says whether
   * the API version demands one (apps/v1 controllers).
   */
  readonly controllerSelector?: { selector: Selector; empty: boolean; path: Path };
  readonly selectorRequired: boolean;

  constructor(
    readonly workload: Resource,
    readonly workloadKind: WorkloadKind,
    /** Path of the pod template (or `[]` for a Pod) relative to the workload. */
    readonly templatePath: Path,
    readonly template: JsonMap,
  ) {
    this.labels = stringMap(asMap(template.metadata)?.labels);
    this.hostNetwork = asMap(template.spec)?.hostNetwork === true;
    const spec = asMap(workload.raw.spec);
    const hasSelector = workloadKind !== 'Pod' && workloadKind !== 'CronJob' && spec !== undefined && isMap(spec.selector);
    if (hasSelector) {
      const raw = spec.selector;
      const selector = workloadKind === 'ReplicationController' ? selectorFromMap(stringMap(raw)) : parseLabelSelector(raw);
      const empty = selector.matchLabels.length === 0 && selector.expressions.length === 0;
      this.controllerSelector = { selector, empty, path: ['spec', 'selector'] };
    }
    this.selectorRequired =
      workload.apiVersion === 'apps/v1' && ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(workloadKind);
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

  /** All ports of containers that serve traffic (regular containers and native sidecars). */
  *servingPorts(): Iterable<ContainerPort> {
    for (const c of this.containers) {
      if (c.kind === 'init') continue;
      yield* c.ports;
    }
  }

  get display(): string {
    return this.workload.display;
  }
}

export interface ServicePort {
  service: Service;
  index: number;
  path: Path;
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

export class Service {
  readonly type: string;
  /** Non-empty selector, or null (no selector: backed by Endpoints or an operator). */
  readonly selector: Map<string, string> | null;
  readonly ports: ServicePort[] = [];
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
  readonly externalOnlyFields: string[] = [];

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
    if (!externallyAccessible && set('externalTrafficPolicy')) this.externalOnlyFields.push('externalTrafficPolicy');
    // healthCheckNodePort: only a LoadBalancer with externalTrafficPolicy Local has one.
    if (set('healthCheckNodePort') && !(this.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) {
      this.externalOnlyFields.push('healthCheckNodePort');
    }
    asArray(spec.ports).forEach((raw, index) => {
      const p = asMap(raw);
      if (!p) return;
      const port = asInt(p.port);
      const rawTarget = p.targetPort;
      let target: ServicePort['target'];
      let targetDefaulted = false;
      if (rawTarget === undefined || rawTarget === null || rawTarget === 0 || rawTarget === '') {
        targetDefaulted = true;
        if (port !== undefined) target = { kind: 'number', value: port };
      } else if (typeof rawTarget === 'number' && Number.isInteger(rawTarget)) {
        target = { kind: 'number', value: rawTarget };
      } else if (typeof rawTarget === 'string') {
        // IntOrString: a string of digits is still a name for Kubernetes (and an invalid one).
        target = { kind: 'name', value: rawTarget };
      }
      this.ports.push({
        service: this,
        index,
        path: ['spec', 'ports', index],
        name: scalarText(p.name),
        rawName: p.name,
        port,
        rawPort: p.port,
        // The API server defaults a missing, null or empty protocol to TCP.
        protocol: asString(p.protocol) || 'TCP',
        rawProtocol: p.protocol,
        rawTargetPort: rawTarget,
        target,
        targetDefaulted,
        rawNodePort: p.nodePort,
        nodePort: asInt(p.nodePort),
      });
    });
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
    for (const doc of file.documents) collect(model, doc, doc.value, [], 0);
  }
  for (const r of model.resources) {
    if (r.kind === 'CustomResourceDefinition') {
      const spec = asMap(r.raw.spec);
      const kind = asString(asMap(spec?.names)?.kind);
      if (spec?.scope === 'Cluster' && kind) model.clusterScopedCrds.add(`${asString(spec.group) ?? ''}/${kind}`);
    }
  }
  const last = new Map<string, Resource>();
  for (const r of model.resources) {
    const clusterScoped = CLUSTER_SCOPED_KINDS.has(r.kind) || model.clusterScopedCrds.has(`${r.group}/${r.kind}`);
    r.namespace = clusterScoped ? null : (r.namespace ?? options.defaultNamespace);
    if (r.namespace) model.namespace(r.namespace);
    if (r.name && !r.generatedName) {
      const prev = last.get(r.key);
      if (prev) prev.superseded = true;
      last.set(r.key, r);
    }
    type(model, r);
  }
  model.podTemplates.forEach((p, i) => (p.id = i));
  return model;
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
  const pod = new PodTemplate(r, kind, tplPath, template);
  addControllerLabels(pod, r, kind);
  const spec = asMap(template.spec);
  const specPath = [...tplPath, 'spec'];
  const add = (list: unknown, field: string, kindOf: (c: JsonMap) => ContainerKind) => {
    asArray(list).forEach((raw, index) => {
      const c = asMap(raw);
      if (!c) return;
      const container: Container = {
        pod,
        kind: kindOf(c),
        index,
        name: scalarText(c.name) ?? `#${index}`,
        path: [...specPath, field, index],
        raw: c,
        ports: [],
        probes: [],
      };
      asArray(c.ports).forEach((rp, pi) => {
        const p = asMap(rp);
        if (!p) return;
        container.ports.push({
          container,
          index: pi,
          path: [...container.path, 'ports', pi],
          name: asString(p.name) || undefined,
          rawName: p.name,
          number: asInt(p.containerPort),
          rawNumber: p.containerPort,
          protocol: asString(p.protocol) || 'TCP',
          rawProtocol: p.protocol,
          hostPort: p.hostPort,
        });
      });
      for (const type of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const probe = asMap(c[type]);
        if (!probe) continue;
        for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
          const h = asMap(probe[handler]);
          if (h && 'port' in h) {
            container.probes.push({
              container,
              type,
              handler,
              port: h.port,
              portPath: [...container.path, type, handler, 'port'],
            });
          }
        }
      }
      pod.containers.push(container);
    });
  };
  add(spec?.containers, 'containers', () => 'container');
  add(spec?.initContainers, 'initContainers', (c) => (c.restartPolicy === 'Always' ? 'sidecar' : 'init'));
  model.podTemplates.push(pod);
}

const ANY_VALUE = (describe: string): DynamicLabel => ({ describe, matches: () => true });

function addControllerLabels(pod: PodTemplate, r: Resource, kind: WorkloadKind): void {
  const spec = asMap(r.raw.spec);
  switch (kind) {
    case 'Deployment':
      pod.dynamicLabels.set('pod-template-hash', ANY_VALUE('<hash>'));
      break;
    case 'DaemonSet':
      pod.dynamicLabels.set('controller-revision-hash', ANY_VALUE('<hash>'));
      pod.dynamicLabels.set('pod-template-generation', ANY_VALUE('<generation>'));
      break;
    case 'StatefulSet': {
      // Without an explicit replica count (an autoscaler may own it) any ordinal is possible.
      // Ordinals run from spec.ordinals.start (default 0) for spec.replicas pods.
      const replicas = asInt(spec?.replicas);
      const start = Math.max(0, asInt(asMap(spec?.ordinals)?.start) ?? 0);
      const ordinal = (v: string) =>
        /^(0|[1-9][0-9]*)$/.test(v) && Number(v) >= start && (replicas === undefined || Number(v) < start + replicas);
      const range =
        replicas === undefined ? (start ? `<${start}..>` : '<n>') : replicas <= 1 ? String(start) : `<${start}..${start + replicas - 1}>`;
      const prefix = `${r.name}-`;
      pod.dynamicLabels.set('statefulset.kubernetes.io/pod-name', {
        describe: `${prefix}${range}`,
        matches: (v) => v.startsWith(prefix) && ordinal(v.slice(prefix.length)),
      });
      pod.dynamicLabels.set('apps.kubernetes.io/pod-index', { describe: range, matches: ordinal });
      pod.dynamicLabels.set('controller-revision-hash', ANY_VALUE('<hash>'));
      break;
    }
    case 'Job':
      pod.dynamicLabels.set('job-name', { describe: r.name, matches: (v) => v === r.name });
      pod.dynamicLabels.set('batch.kubernetes.io/job-name', { describe: r.name, matches: (v) => v === r.name });
      pod.dynamicLabels.set('controller-uid', ANY_VALUE('<uid>'));
      pod.dynamicLabels.set('batch.kubernetes.io/controller-uid', ANY_VALUE('<uid>'));
      if (spec?.completionMode === 'Indexed') {
        pod.dynamicLabels.set('batch.kubernetes.io/job-completion-index', ANY_VALUE('<index>'));
      }
      break;
    case 'CronJob':
      // Jobs of a CronJob are named <cronjob>-<scheduled time>.
      for (const key of ['job-name', 'batch.kubernetes.io/job-name']) {
        pod.dynamicLabels.set(key, {
          describe: `${r.name}-<time>`,
          matches: (v) => v.startsWith(`${r.name}-`) && /^\d+$/.test(v.slice(r.name.length + 1)),
        });
      }
      pod.dynamicLabels.set('controller-uid', ANY_VALUE('<uid>'));
      pod.dynamicLabels.set('batch.kubernetes.io/controller-uid', ANY_VALUE('<uid>'));
      break;
    default:
      break;
  }
}
