/**
 * Services: their type, selector and ports with the target each port resolves to, the fields
 * that make one headless or that its type does not allow, and the Endpoints or EndpointSlices
 * that back a Service without a selector. Paths of Service ports are computed when asked for
 * (when a finding is reported).
 */
import type { Loc, Path } from '../load/source.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import {
  ListBuilder,
  SEPARATE,
  emptyList,
  asInt,
  asMap,
  asString,
  isMap,
  scalarText,
  stringPairs,
} from './resource.js';
import type { JsonMap, Resource, Strings } from './resource.js';

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

// Lists of the model live as long as the model: they are built in a scratch list (see workload.ts).
const servicePortLists = new ListBuilder<ServicePort>();
const NO_FIELDS: string[] = emptyList();
const NO_SERVICE_PORTS: ServicePort[] = emptyList();
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
    this.headless =
      clusterIP === 'None' ||
      (clusterIP === undefined && Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === 'None');
    if (this.headless) this.headlessField = clusterIP === 'None' ? 'clusterIP' : 'clusterIPs';
    this.externalName = asString(spec.externalName);
    const externallyAccessible =
      type === 'NodePort' ||
      type === 'LoadBalancer' ||
      (type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
    const policySet = isSet(spec.externalTrafficPolicy) && !externallyAccessible;
    // healthCheckNodePort: only a LoadBalancer with externalTrafficPolicy Local has one.
    const healthCheckSet =
      isSet(spec.healthCheckNodePort) && !(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local');
    this.externalOnlyFields = policySet
      ? healthCheckSet
        ? ['externalTrafficPolicy', 'healthCheckNodePort']
        : ['externalTrafficPolicy']
      : healthCheckSet
        ? ['healthCheckNodePort']
        : NO_FIELDS;
    const rawPorts = spec.ports;
    this.ports =
      Array.isArray(rawPorts) && rawPorts.length > 0 ? servicePortsOf(this, rawPorts, strings) : NO_SERVICE_PORTS;
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

export interface EndpointsInfo {
  res: Resource;
  /** Name of the Service they back (Endpoints: own name; EndpointSlice: kubernetes.io/service-name). */
  serviceName: string;
}
