/**
 * Workloads as the network sees them: the pod template of each workload (a Pod, or the template
 * of a Deployment, StatefulSet, Job, …), its labels (fixed, and those its controller adds), and
 * its containers with their ports and the probes that name a port. Built once per model; read by
 * the label index, the policy engine and the rules.
 */
import type { Loc, Path } from '../load/source.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { POD_TEMPLATE_PATHS } from './kinds.js';
import type { WorkloadKind } from './kinds.js';
import {
  EMPTY_STRING_MAP,
  ListBuilder,
  SEPARATE,
  emptyList,
  asArray,
  asInt,
  asMap,
  asString,
  isMap,
  scalarText,
  stringMap,
  stringPairs,
} from './resource.js';
import type { JsonMap, Resource, Strings } from './resource.js';
import { controllerLabels } from './controllers.js';
import type { DynamicLabel } from './controllers.js';
import type { WorkloadOwner } from './owners.js';
import { labelIn, parseLabelSelector, selectorFromMap } from './selector.js';
import type { Selector } from './selector.js';

export type ContainerKind = 'container' | 'init' | 'sidecar';

// Paths of model nodes (containers, ports, probes) are computed when asked for
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
const NO_CONTAINERS: Container[] = emptyList();
const NO_PORTS: ContainerPort[] = emptyList();
const NO_PROBES: ProbeSpec[] = emptyList();

// Lists of the model live as long as the model: they are built in a scratch list of their kind
// (building is synchronous, and a list of one kind is never built within another of the same kind).
const portLists = new ListBuilder<ContainerPort>();
const containerLists = new ListBuilder<Container>();

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
    if (isMap(c))
      containerLists.add(new ContainerNode(pod, 'container', index, scalarText(c.name) ?? `#${index}`, c, strings));
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

/** The pod template of a workload object, when it has one where its kind keeps it. */
export function podTemplateFrom(r: Resource, kind: WorkloadKind, strings: Strings): PodTemplate | undefined {
  const tplPath = POD_TEMPLATE_PATHS[kind];
  let node: unknown = r.raw;
  for (const seg of tplPath) node = asMap(node)?.[seg];
  const template = asMap(node);
  return template ? new PodTemplate(r, kind, tplPath, template, strings) : undefined;
}
