import type {
  ContainerPort,
  EndpointsInfo,
  Model,
  OperatorLabels,
  PodTemplate,
  Service,
  ServicePort,
} from '../model/model.js';
import type { IngressBackend, ReferenceGrantInfo, RouteBackendRef } from '../model/network.js';
import { albAction } from './conventions.js';
import { GatewayIndex, grantFor } from './gateways.js';
import { findPodCreators } from './pod-creators.js';
import type { PodCreator } from './pod-creators.js';
import { findConfigMapAddresses, findReferences } from './references.js';
import type { ConfigMapAddress, ServiceReference } from './references.js';
import { editDistance, editDistanceWithin } from '../util/text.js';
import { LabelIndex, NamespacedMap } from './label-index.js';
import type { IndexedLabels } from './label-index.js';
import { labelListOf, labelledMap } from '../model/selector.js';
import type { Labelled, Selector } from '../model/selector.js';
import { asArray, asMap, asString } from '../model/resource.js';

type OperatorEntry = OperatorLabels & IndexedLabels;

export interface NearMiss {
  pod: PodTemplate;
  /** Selector labels the pod does not carry: expected value and the pod's value (if any). */
  differences: { key: string; expected: string; actual?: string }[];
}

export type TargetResolution =
  | { status: 'ok'; port: ContainerPort; number: number }
  /** A numeric target no container declares (traffic still flows if the process listens). */
  | { status: 'undeclared'; number: number }
  /** A name no container defines. */
  | { status: 'missing-name' }
  /** The name exists but with another protocol. */
  | { status: 'wrong-protocol'; port: ContainerPort }
  /** The name and protocol match but the containerPort is not a valid integer. */
  | { status: 'malformed'; port: ContainerPort };

export type BackendResolution =
  | { status: 'ok'; service: Service; servicePort: ServicePort }
  | { status: 'no-service' | 'not-a-service' | 'not-granted' }
  | { status: 'no-port'; service: Service };

/** Indexes and edges over the model: label index, Service → pods, port resolution. */
export class Graph {
  readonly pods = new LabelIndex<PodTemplate>();
  /**
   * Every pod template in one bucket, for "does this match anywhere" questions (built on first use;
   * the pods of one namespace are together in its lists).
   */
  private allPodsIndex: LabelIndex<PodTemplate> | undefined;
  private readonly operators = new LabelIndex<OperatorEntry>();
  /** Services by namespace and name (built on first use: many inputs never look one up). */
  private servicesByKey: NamespacedMap<Service> | undefined;
  private readonly endpointsByService = new Map<string, EndpointsInfo[]>();
  /** The pods each Service selects, by `Service.id` (computed on first use). */
  private readonly serviceTargets: (PodTemplate[] | undefined)[];
  /** Service references of workloads (env, args, command, ConfigMaps). */
  readonly references: ServiceReference[];

  constructor(readonly model: Model) {
    this.serviceTargets = new Array(model.services.length);
    // Of several definitions of one object, the last one is what the cluster ends up with.
    for (const pod of model.podTemplates) {
      if (pod.workload.superseded) continue;
      this.pods.add(pod.namespace, pod);
    }
    for (const op of model.operatorLabels) {
      const l = labelledMap(op.labels);
      this.operators.add(op.res.namespace ?? '', { ...op, ...l, labelList: labelListOf(op.labels) });
    }
    for (const ep of model.endpoints) {
      const key = `${ep.res.namespace}/${ep.serviceName}`;
      const list = this.endpointsByService.get(key);
      if (list) list.push(ep);
      else this.endpointsByService.set(key, [ep]);
    }
    this.references = findReferences(model, (ns, name) => this.service(ns, name));
    for (const ref of this.references) {
      // A headless Service hands out pod addresses: any port the pods serve is reachable.
      if (ref.service?.headless && ref.port !== undefined) {
        const pods = this.podsOf(ref.service);
        const declared = pods.flatMap((p) => [...p.servingPorts()]);
        if (declared.length > 0 && !declared.some((cp) => cp.number === ref.port)) ref.problem = 'no-port';
      }
    }
  }

  /**
   * The TCP Service port an Ingress or route names: by `port` number (not targetPort) or by name.
   * (HTTP and gRPC run over TCP: a UDP port of the same number or name carries none of it.)
   */
  servicePortFor(svc: Service, ref: { number?: number; name?: string }): ServicePort | undefined {
    if (ref.number !== undefined) return svc.ports.find((p) => p.port === ref.number && p.protocol === 'TCP');
    if (ref.name !== undefined && ref.name !== '')
      return svc.ports.find((p) => p.name === ref.name && p.protocol === 'TCP');
    return undefined;
  }

  /**
   * The Service port whose target is container port `number` (by a numeric targetPort, or a named
   * one that the selected pods resolve to that number): for "you used the targetPort" hints.
   */
  servicePortBehind(svc: Service, number: number): ServicePort | undefined {
    return svc.ports.find((sp) => {
      if (sp.port === number) return false;
      if (sp.target?.kind === 'number') return sp.target.value === number;
      return this.podsOf(svc).some((pod) => {
        const r = this.resolveTarget(sp, pod);
        return r?.status === 'ok' && r.number === number;
      });
    });
  }

  /** Follow an Ingress backend to its Service and Service port. */
  ingressBackend(b: IngressBackend): BackendResolution {
    if (b.kind !== 'service' || !b.serviceName) return { status: 'not-a-service' };
    // An AWS Load Balancer Controller action (port.name use-annotation), not a Service.
    if (albAction(b)?.defined) return { status: 'not-a-service' };
    const svc = this.service(b.ingress.namespace, b.serviceName);
    if (!svc) return { status: 'no-service' };
    const sp = b.routeTargetPort ? this.routeServicePort(svc, b.port) : b.port && this.servicePortFor(svc, b.port);
    if (!sp) return { status: 'no-port', service: svc };
    return { status: 'ok', service: svc, servicePort: sp };
  }

  /** The Service port an OpenShift Route's targetPort names: by port name, or by the endpoint (target) port number. */
  private routeServicePort(svc: Service, ref: { number?: number; name?: string } | undefined): ServicePort | undefined {
    const tcp = svc.ports.filter((p) => p.protocol === 'TCP');
    if (!ref) return tcp[0];
    if (ref.name !== undefined) return tcp.find((p) => p.name === ref.name);
    if (ref.number === undefined) return undefined;
    return tcp.find((sp) => {
      if (sp.target?.kind === 'number') return sp.target.value === ref.number;
      return this.podsOf(svc).some((pod) => {
        const r = this.resolveTarget(sp, pod);
        return r?.status === 'ok' && r.number === ref.number;
      });
    });
  }

  /** A Gateway API backendRef to a Service: exists, allowed across namespaces, port exists. */
  routeBackend(ref: RouteBackendRef): BackendResolution & { grant?: ReferenceGrantInfo } {
    if ((ref.group !== '' && ref.group !== 'core') || ref.kind !== 'Service' || !ref.name)
      return { status: 'not-a-service' };
    const routeNs = ref.route.res.namespace ?? '';
    let grant: ReferenceGrantInfo | undefined;
    if (ref.namespace !== routeNs) {
      grant = grantFor(this.model.referenceGrants, ref.route.kind, routeNs, '', 'Service', ref.namespace, ref.name);
      if (!grant) return { status: 'not-granted' };
    }
    const svc = this.service(ref.namespace, ref.name);
    if (!svc) return { status: 'no-service', grant };
    if (ref.port === undefined) return { status: 'no-port', service: svc, grant };
    // A UDPRoute sends UDP; the other kinds TCP.
    const protocol = ref.route.kind === 'UDPRoute' ? 'UDP' : 'TCP';
    const sp = svc.ports.find((p) => p.port === ref.port && p.protocol === protocol);
    return sp ? { status: 'ok', service: svc, servicePort: sp, grant } : { status: 'no-port', service: svc, grant };
  }

  /** Gateways and route attachment (built on first use). */
  get gateways(): GatewayIndex {
    return (this.gatewayIndex ??= new GatewayIndex(this.model));
  }

  private gatewayIndex: GatewayIndex | undefined;

  /** Names of the Services of a namespace (every definition, in input order), for "did you mean" hints. */
  serviceNamesIn(namespace: string): readonly string[] {
    return this.serviceDirectory().byNamespace.get(namespace) ?? [];
  }

  /** Services with a name, in any namespace (every definition, in input order). */
  servicesNamed(name: string): readonly Service[] {
    return this.serviceDirectory().byName.get(name) ?? [];
  }

  /** Services whose selector selects any of `pods` (every definition, in input order). */
  servicesSelecting(pods: Iterable<PodTemplate>): Service[] {
    if (!this.selectingIndex) {
      // Pod → indexes (in `model.services`) of the Services that select it, ascending.
      this.selectingIndex = new Map();
      const services = this.model.services;
      for (let i = 0; i < services.length; i++)
        for (const pod of this.podsOf(services[i])) push(this.selectingIndex, pod, i);
    }
    const found = new Set<number>();
    for (const pod of pods) for (const i of this.selectingIndex.get(pod) ?? []) found.add(i);
    return [...found].sort((a, b) => a - b).map((i) => this.model.services[i]);
  }

  private selectingIndex: Map<PodTemplate, number[]> | undefined;

  private directory: { byNamespace: Map<string, string[]>; byName: Map<string, Service[]> } | undefined;

  private serviceDirectory(): { byNamespace: Map<string, string[]>; byName: Map<string, Service[]> } {
    if (!this.directory) {
      const byNamespace = new Map<string, string[]>();
      const byName = new Map<string, Service[]>();
      for (const s of this.model.services) {
        push(byNamespace, s.namespace, s.name);
        push(byName, s.name, s);
      }
      this.directory = { byNamespace, byName };
    }
    return this.directory;
  }

  service(namespace: string, name: string): Service | undefined {
    if (!this.servicesByKey) {
      this.servicesByKey = new NamespacedMap();
      for (const svc of this.model.services)
        if (!svc.res.superseded) this.servicesByKey.set(svc.namespace, svc.name, svc);
    }
    return this.servicesByKey.get(namespace, name);
  }

  /** Pod templates a Service selects (empty for selector-less and ExternalName Services). */
  podsOf(svc: Service): PodTemplate[] {
    // (Only a Service of the model has a place in `serviceTargets`.)
    const known = this.model.services[svc.id] === svc;
    let pods = known ? this.serviceTargets[svc.id] : undefined;
    if (!pods) {
      pods =
        svc.selectorLabels && svc.type !== 'ExternalName'
          ? this.pods.selectLabels(svc.namespace, svc.selectorLabels)
          : [];
      if (known) this.serviceTargets[svc.id] = pods;
    }
    return pods;
  }

  endpointsOf(svc: Service): EndpointsInfo[] {
    return this.endpointsByService.get(`${svc.namespace}/${svc.name}`) ?? [];
  }

  select(namespace: string, sel: Selector): PodTemplate[] {
    return this.pods.select(namespace, sel);
  }

  /** Does `sel` match any pod template of `namespace`, or any custom-resource label map there (operator-managed pods)? */
  selectsAnyPod(namespace: string, sel: Selector): boolean {
    return this.pods.selectsAny(namespace, sel) || this.operators.selectsAny(namespace, sel);
  }

  private podCreators: Map<string, PodCreator[]> | undefined;
  private cmAddresses: ConfigMapAddress[] | undefined;

  /** Unresolved fully qualified Service addresses in ConfigMap values that no workload reads as env. */
  get configMapAddresses(): ConfigMapAddress[] {
    if (!this.cmAddresses) {
      // A value read as env by any container was searched as such (its references know the reader).
      const readAsEnv = new Set<string>();
      for (const t of this.model.podTemplates) {
        for (const c of t.containers) {
          for (const e of asArray(c.raw.env)) {
            const ref = asMap(asMap(asMap(e)?.valueFrom)?.configMapKeyRef);
            const name = asString(ref?.name);
            const key = asString(ref?.key);
            if (name && key) readAsEnv.add(`${t.namespace}/${name}\u0000${key}`);
          }
          for (const e of asArray(c.raw.envFrom)) {
            const name = asString(asMap(asMap(e)?.configMapRef)?.name);
            if (name) readAsEnv.add(`${t.namespace}/${name}\u0000*`);
          }
        }
      }
      this.cmAddresses = findConfigMapAddresses(
        this.model,
        (ns, name) => this.service(ns, name),
        (cm, key) =>
          readAsEnv.has(`${cm.res.namespace}/${cm.res.name}\u0000${key}`) ||
          readAsEnv.has(`${cm.res.namespace}/${cm.res.name}\u0000*`),
      );
    }
    return this.cmAddresses;
  }

  /** Workloads of `namespace` whose ServiceAccount may create pods there (RBAC of the input). */
  podCreatorsIn(namespace: string): PodCreator[] {
    return (this.podCreators ??= findPodCreators(this.model)).get(namespace) ?? [];
  }

  /** Custom-resource label maps in `namespace` that satisfy a selector (operator-managed pods). */
  operatorMatches(namespace: string, sel: Selector): OperatorLabels[] {
    return this.operators.select(namespace, sel);
  }

  /** Namespaces other than `namespace` where the selector does match pods. */
  otherNamespacesMatching(namespace: string, sel: Selector): { namespace: string; pods: PodTemplate[] }[] {
    // One lookup in an index over every namespace, rather than one per namespace.
    const byNs = new Map<string, PodTemplate[]>();
    for (const pod of this.allPods().select('', sel)) {
      if (pod.namespace === namespace) continue;
      const list = byNs.get(pod.namespace);
      if (list) list.push(pod);
      else byNs.set(pod.namespace, [pod]);
    }
    return [...byNs].map(([ns, pods]) => ({ namespace: ns, pods })).sort(byNamespace);
  }

  /**
   * `otherNamespacesMatching` for each of several selectors: the selectors of one label (most
   * Service selectors) are looked up together, in one pass over the pods with each label key.
   */
  otherNamespacesMatchingEach(
    queries: readonly { namespace: string; selector: Selector }[],
  ): { namespace: string; pods: PodTemplate[] }[][] {
    const results: { namespace: string; pods: PodTemplate[] }[][] = new Array(queries.length);
    const single: number[] = [];
    const labels: (readonly [string, string])[] = [];
    for (let i = 0; i < queries.length; i++) {
      const { namespace, selector } = queries[i];
      if (selector.expressions.length === 0 && selector.matchLabels.length === 1) {
        single.push(i);
        labels.push(selector.matchLabels[0]);
      } else results[i] = this.otherNamespacesMatching(namespace, selector);
    }
    if (single.length === 0) return results;
    const found = this.pods.selectEverywhere(labels);
    for (let j = 0; j < single.length; j++) {
      const namespace = queries[single[j]].namespace;
      const out: { namespace: string; pods: PodTemplate[] }[] = [];
      for (const [ns, pods] of found[j]) if (ns !== namespace) out.push({ namespace: ns, pods });
      results[single[j]] = out.sort(byNamespace);
    }
    return results;
  }

  /**
   * The pod templates of `namespace` closest to matching a plain label selector: the most
   * selector labels satisfied, then the fewest differences. Only pods sharing at least one label
   * key with the selector qualify.
   */
  nearMisses(namespace: string, selector: ReadonlyMap<string, string>): NearMiss[] {
    const out: (NearMiss & { distance: number })[] = [];
    for (const pod of this.bestScored(namespace, selector, true)) {
      const differences = missDifferences(pod, selector);
      let distance = 0;
      for (const d of differences) distance += d.actual === undefined ? 1000 : editDistance(d.expected, d.actual);
      out.push({ pod, differences, distance });
    }
    // Among equally good candidates, the one whose values are spelt most alike comes first.
    return out.sort((a, b) => a.distance - b.distance || a.pod.id - b.pod.id);
  }

  /**
   * The first of `nearMisses` and how many there are, without ordering (or comparing the
   * spelling of) every candidate.
   */
  nearestMiss(
    namespace: string,
    selector: ReadonlyMap<string, string>,
  ): { miss: NearMiss; candidates: number } | undefined {
    let winner: PodTemplate | undefined;
    let winnerDistance = Infinity;
    let candidates = 0;
    for (const pod of this.bestScored(namespace, selector, false)) {
      candidates++;
      // Only a distance up to the best so far matters (a tie goes to the lower id).
      let distance = 0;
      for (const [key, expected] of selector) {
        const actual = missedLabel(pod, key, expected);
        if (actual === null) continue;
        distance += actual === undefined ? 1000 : editDistanceWithin(expected, actual, winnerDistance - distance);
        if (distance > winnerDistance) break;
      }
      if (distance < winnerDistance || (distance === winnerDistance && pod.id < winner!.id)) {
        winner = pod;
        winnerDistance = distance;
      }
    }
    return winner && { miss: { pod: winner, differences: missDifferences(winner, selector) }, candidates };
  }

  /**
   * Pods of `namespace` that satisfy the most labels of a selector (a key counts 1, key and value 3),
   * in the order they are scored (`ordered`), or in any order.
   */
  private bestScored(
    namespace: string,
    selector: ReadonlyMap<string, string>,
    ordered: boolean,
  ): readonly PodTemplate[] {
    if (!ordered && selector.size === 1) {
      // One label: the pods with its value if any, else those with its key (each list holds a pod once).
      const [[key, value]] = selector;
      const exact = this.pods.withLabel(namespace, key, value);
      return exact.length > 0 ? exact : this.pods.withKey(namespace, key);
    }
    const score = new Map<PodTemplate, number>();
    for (const key of selector.keys()) {
      for (const pod of this.pods.withKey(namespace, key)) score.set(pod, (score.get(pod) ?? 0) + 1);
    }
    for (const [key, value] of selector) {
      for (const pod of this.pods.withLabel(namespace, key, value)) score.set(pod, (score.get(pod) ?? 0) + 2);
    }
    let best = 0;
    for (const s of score.values()) best = Math.max(best, s);
    if (best === 0) return [];
    const out: PodTemplate[] = [];
    for (const [pod, s] of score) if (s === best) out.push(pod);
    return out;
  }

  private allPods(): LabelIndex<PodTemplate> {
    // Built from the namespaces' lists: the callers group what it selects by namespace.
    return (this.allPodsIndex ??= this.pods.merged());
  }

  /** Resolve a Service port's target on one pod template, by number or name, protocol-aware. */
  resolveTarget(sp: ServicePort, pod: PodTemplate): TargetResolution | undefined {
    const target = sp.target;
    if (!target) return undefined;
    let other: ContainerPort | undefined;
    let malformed: ContainerPort | undefined;
    for (const cp of pod.servingPorts()) {
      if (target.kind === 'name') {
        if (cp.name !== target.value) continue;
        if (cp.protocol === sp.protocol) {
          if (cp.number !== undefined) return { status: 'ok', port: cp, number: cp.number };
          malformed ??= cp; // containerPort is not an integer: manifest-structure reports it
          continue;
        }
        other ??= cp;
      } else if (cp.number === target.value && cp.protocol === sp.protocol) {
        return { status: 'ok', port: cp, number: cp.number };
      }
    }
    if (target.kind === 'number') return { status: 'undeclared', number: target.value };
    if (malformed) return { status: 'malformed', port: malformed };
    return other ? { status: 'wrong-protocol', port: other } : { status: 'missing-name' };
  }
}

const byNamespace = (a: { namespace: string }, b: { namespace: string }) => (a.namespace < b.namespace ? -1 : 1);

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A controller-set label (StatefulSet pod-name, Job job-name, …) has its pattern as value. */
function actualLabel(pod: PodTemplate, key: string): string | undefined {
  return pod.dynamicLabels.get(key)?.describe ?? pod.label(key);
}

/**
 * null when the pod carries `key` = `expected` (as `hasLabel`); otherwise its value for the key, as
 * `actualLabel` gives it (one lookup of the key for both).
 */
function missedLabel(pod: PodTemplate, key: string, expected: string): string | undefined | null {
  const dyn = pod.dynamicLabels.get(key);
  if (dyn) return dyn.matches(expected) ? null : dyn.describe;
  const actual = pod.label(key);
  return actual === expected ? null : actual;
}

/** The selector labels a pod does not carry, with the pod's value (if any). */
function missDifferences(pod: PodTemplate, selector: ReadonlyMap<string, string>): NearMiss['differences'] {
  const differences: NearMiss['differences'] = [];
  for (const [key, expected] of selector) {
    if (pod.hasLabel(key, expected)) continue;
    differences.push({ key, expected, actual: actualLabel(pod, key) });
  }
  return differences;
}

export type { Labelled };
