/**
 * The model: every object of the input, read once into typed lists by group and kind (workloads,
 * Services, policies, Ingresses, Gateway API objects, …), with the namespaces it names, the
 * objects defined again, and what is not a Kubernetes object at all. `buildModel` is its one
 * builder. What each kind reads lives beside it: workload.ts (pod templates and containers),
 * service.ts (Services and their ports), identity.ts (namespace defaulting and duplicates),
 * network.ts, gateway.ts, netpol.ts, … This module re-exports the types most readers need.
 */
import type { ManifestDocument, Path, SourceFile } from '../load/source.js';
import { BUILTIN_GROUPS, workloadKind } from './kinds.js';
import {
  ROOT_PATH,
  Resource,
  StringTable,
  asMap,
  asString,
  entries,
  isMap,
  isToolConfigVersion,
  stringMap,
} from './resource.js';
import type { JsonMap, ListItemType } from './resource.js';
import { Ingress, configMapFrom } from './network.js';
import type { ConfigMapInfo, IngressClassInfo, SecretInfo } from './network.js';
import { GATEWAY_GROUP, gatewayClassFrom, gatewayFrom, referenceGrantFrom, routeFrom } from './gateway.js';
import type { GatewayClassInfo, GatewayInfo, ReferenceGrantInfo, RouteInfo } from './gateway.js';
import { Consumers } from './consumers.js';
import { NetworkPolicy } from './netpol.js';
import { foldOwned } from './owners.js';
import { AdminPolicy, isAdminPolicyKind } from './adminpolicy.js';
import { OPENSHIFT_ROUTE_GROUP, OpenShiftRoute } from './openshift.js';
import { CiliumPolicy, isCiliumPolicyKind } from './cilium.js';
import { podTemplateFrom } from './workload.js';
import type { PodTemplate } from './workload.js';
import { Service } from './service.js';
import type { EndpointsInfo } from './service.js';
import { identify, partialHash } from './identity.js';
import { closest, q } from '../util/text.js';

export { DEFAULT_NAMESPACE } from './defaults.js';
export type { WorkloadOwner } from './owners.js';
export type { DynamicLabel } from './controllers.js';
export { PodTemplate } from './workload.js';
export type { Container, ContainerKind, ContainerPort, ProbeSpec } from './workload.js';
export { Service } from './service.js';
export type { EndpointsInfo, ServicePort } from './service.js';

/** A label map on a custom resource that an operator turns into pod labels. */
export interface OperatorLabels {
  res: Resource;
  path: Path;
  labels: Map<string, string>;
}

export interface NamespaceInfo {
  name: string;
  /** The Namespace object, when the input defines it. */
  res?: Resource;
  labels: Map<string, string>;
}

export interface ModelOptions {
  defaultNamespace: string;
  /** The input is applied as one (a Kustomize root): objects of one identity are surely one object. */
  appliedTogether?: boolean;
  /** What to read of each document instead of its value (a Kustomize root's namespace, applied without a build). */
  documentValue?: (doc: ManifestDocument) => unknown;
  /**
   * A Kustomize root linted without a build: the name prefix and suffix its kustomizations would
   * give the objects of a file (not applied: the names stay as written).
   */
  nameAffixes?: (file: SourceFile) => { prefix: string; suffix: string } | undefined;
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
  /** Documents that are not Kubernetes objects at all (`key`: the problem is the key at `path`). */
  readonly nonObjects: { doc: ManifestDocument; path: Path; reason: string; key?: boolean }[] = [];
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
  const valueOf = options.documentValue;
  for (let fi = 0; fi < files.length; fi++) {
    const documents = files[fi].documents;
    for (let di = 0; di < documents.length; di++) {
      const doc = documents[di];
      collect(model, found, doc, valueOf ? valueOf(doc) : doc.value, ROOT_PATH, 0);
    }
  }
  for (const r of found.crds) {
    const spec = asMap(r.raw.spec);
    const kind = asString(asMap(spec?.names)?.kind);
    if (spec?.scope === 'Cluster' && kind) model.clusterScopedCrds.add(`${asString(spec.group) ?? ''}/${kind}`);
  }
  identify(model, found.hashes);
  const resources = model.resources;
  for (let i = 0; i < resources.length; i++) addByKind(model, resources[i]);
  // Live objects made by a controller are one workload with their owner.
  const folded = foldOwned(model.podTemplates, resources);
  if (folded !== model.podTemplates) model.podTemplates.splice(0, model.podTemplates.length, ...folded);
  const pods = model.podTemplates;
  for (let i = 0; i < pods.length; i++) pods[i].id = i;
  const services = model.services;
  for (let i = 0; i < services.length; i++) services[i].id = i;
  return model;
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
function collect(
  model: Model,
  found: Collected,
  doc: ManifestDocument,
  value: unknown,
  path: Path,
  depth: number,
  itemType?: ListItemType,
): void {
  if (!isMap(value)) {
    model.nonObjects.push({ doc, path, reason: `expected a Kubernetes object (a mapping), found ${describe(value)}` });
    return;
  }
  const kind = asString(value.kind);
  if (kind && kind.endsWith('List') && Array.isArray(value.items) && depth < 4) {
    const items = value.items;
    const typed: ListItemType | undefined =
      kind.length > 4 ? { kind: kind.slice(0, -4), apiVersion: asString(value.apiVersion) ?? '' } : undefined;
    for (let i = 0; i < items.length; i++)
      collect(model, found, doc, items[i], [...path, 'items', i], depth + 1, typed);
    return;
  }
  // A list whose items are under a misspelt key (`Items:`): not an object that lacks metadata.
  const misspelt = kind?.endsWith('List') && value.items === undefined ? listItemsKey(value) : undefined;
  if (misspelt !== undefined) {
    const reason = `unknown field ${q(misspelt)} in a ${kind}: did you mean "items"? The objects under it are not read`;
    model.nonObjects.push({ doc, path: [...path, misspelt], reason, key: true });
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

/** The key of a sequence that is a slip for `items` (`Items`, `item`), if one. */
function listItemsKey(value: JsonMap): string | undefined {
  return closest(
    'items',
    Object.keys(value).filter((k) => Array.isArray(value[k])),
  );
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a sequence';
  if (v === null) return 'null';
  return `a ${typeof v} scalar`;
}

/**
 * Add an object to the model by its group and kind: to the typed list of its kind where the model
 * analyses the kind (or to what it tells of others: a Namespace's labels, a Certificate's Secret),
 * else to the Service consumers, and to the operator labels of a custom resource.
 */
function addByKind(model: Model, r: Resource): void {
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
        const template = podTemplateFrom(r, wk, model.strings);
        if (template) model.podTemplates.push(template);
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
