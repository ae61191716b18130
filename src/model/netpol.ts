/** Typed view of networking.k8s.io/v1 NetworkPolicy, with policyTypes defaulting applied. */
import type { Path } from '../load/source.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { asArray, asInt, asMap, asString, isMap } from './resource.js';
import type { Resource } from './resource.js';
import { parseLabelSelector } from './selector.js';
import type { Selector } from './selector.js';

export type PeerSpec =
  | {
      kind: 'selector';
      path: Path;
      /** Absent: pods of the policy's namespace only. */
      namespaceSelector?: Selector;
      /** Absent: all pods of the selected namespaces. */
      podSelector?: Selector;
    }
  | { kind: 'ipBlock'; path: Path; cidr: string; except: string[] }
  /** A peer the API server rejects (reported by netpol-invalid-peer; the whole policy is left out of the analysis). */
  | { kind: 'invalid'; path: Path; reason: string };

export interface PortSpec {
  path: Path;
  protocol: string;
  /** Absent: every port of the protocol. */
  port?: number | string;
  endPort?: number;
}

export interface PolicyRule {
  policy: NetworkPolicy;
  direction: 'ingress' | 'egress';
  index: number;
  path: Path;
  /** null: every peer, including external addresses (the `from`/`to` list is missing or empty). */
  peers: PeerSpec[] | null;
  /** null: every port and protocol. */
  ports: PortSpec[] | null;
}

export class NetworkPolicy {
  readonly podSelector: Selector;
  /** After defaulting: Ingress always unless listed otherwise; Egress when listed or when egress rules exist. */
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
  readonly policyTypesGiven: boolean;
  readonly ingress: PolicyRule[] = [];
  readonly egress: PolicyRule[] = [];

  constructor(readonly res: Resource) {
    const spec = asMap(res.raw.spec) ?? {};
    // podSelector: {} and matchLabels: null select every pod of the namespace.
    this.podSelector = parseLabelSelector(spec.podSelector);
    const types = Array.isArray(spec.policyTypes)
      ? spec.policyTypes.filter((t): t is string => typeof t === 'string')
      : undefined;
    this.policyTypesGiven = types !== undefined && types.length > 0;
    const egressRules = asArray(spec.egress);
    if (this.policyTypesGiven) {
      this.isolatesIngress = types!.includes('Ingress');
      this.isolatesEgress = types!.includes('Egress');
    } else {
      this.isolatesIngress = true;
      this.isolatesEgress = egressRules.length > 0;
    }
    // Rules of a direction the policy does not isolate are ignored by Kubernetes, but still
    // validated by the API server: they are kept, and `activeRules` leaves them out.
    asArray(spec.ingress).forEach((r, i) => this.ingress.push(this.rule(r, 'ingress', i)));
    egressRules.forEach((r, i) => this.egress.push(this.rule(r, 'egress', i)));
  }

  /** The rules that take effect: those of the directions the policy isolates. */
  activeRules(direction?: 'ingress' | 'egress'): PolicyRule[] {
    const out: PolicyRule[] = [];
    if (this.isolatesIngress && direction !== 'egress') out.push(...this.ingress);
    if (this.isolatesEgress && direction !== 'ingress') out.push(...this.egress);
    return out;
  }

  get namespace(): string {
    return this.res.namespace ?? DEFAULT_NAMESPACE;
  }

  get name(): string {
    return this.res.name;
  }

  private rule(raw: unknown, direction: 'ingress' | 'egress', index: number): PolicyRule {
    const r = asMap(raw) ?? {};
    const path: Path = ['spec', direction, index];
    const peerField = direction === 'ingress' ? 'from' : 'to';
    const rawPeers = asArray(r[peerField]);
    const rawPorts = asArray(r.ports);
    // A `from`/`to`/`ports` that is there but not a list is rejected by the API; read it as
    // matching nothing rather than as "everything".
    const malformed = (v: unknown) => v !== undefined && v !== null && !Array.isArray(v);
    return {
      policy: this,
      direction,
      index,
      path,
      peers: malformed(r[peerField])
        ? [{ kind: 'invalid', path: [...path, peerField], reason: `${peerField} must be a list of peers` }]
        : rawPeers.length
          ? rawPeers.map((p, i) => peer(p, [...path, peerField, i]))
          : null,
      ports: malformed(r.ports)
        ? []
        : rawPorts.length
          ? rawPorts.map((p, i) => {
              const m = asMap(p) ?? {};
              const port = asInt(m.port) ?? asString(m.port);
              return {
                path: [...path, 'ports', i],
                protocol: asString(m.protocol) || 'TCP',
                port: port === '' ? undefined : port,
                endPort: asInt(m.endPort),
              };
            })
          : null,
    };
  }
}

function peer(raw: unknown, path: Path): PeerSpec {
  const p = asMap(raw);
  if (!p) return { kind: 'invalid', path, reason: 'a peer must be a map' };
  const hasIp = isMap(p.ipBlock);
  const hasNs = 'namespaceSelector' in p && p.namespaceSelector !== null && p.namespaceSelector !== undefined;
  const hasPod = 'podSelector' in p && p.podSelector !== null && p.podSelector !== undefined;
  if (hasIp) {
    if (hasNs || hasPod) {
      return {
        kind: 'invalid',
        path,
        reason: 'ipBlock cannot be combined with podSelector or namespaceSelector in one peer (use two peers)',
      };
    }
    const ip = p.ipBlock as Record<string, unknown>;
    const cidr = asString(ip.cidr);
    if (!cidr) return { kind: 'invalid', path, reason: 'ipBlock needs a cidr' };
    return {
      kind: 'ipBlock',
      path,
      cidr,
      except: asArray(ip.except).filter((e): e is string => typeof e === 'string'),
    };
  }
  if (!hasNs && !hasPod) {
    return {
      kind: 'invalid',
      path,
      reason: 'a peer needs a podSelector, a namespaceSelector or an ipBlock (an empty peer is rejected)',
    };
  }
  return {
    kind: 'selector',
    path,
    namespaceSelector: hasNs ? parseLabelSelector(p.namespaceSelector) : undefined,
    podSelector: hasPod ? parseLabelSelector(p.podSelector) : undefined,
  };
}
