/**
 * Typed view of CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2) at L3/L4.
 *
 * Each entry of `spec`/`specs` is a rule with an `endpointSelector` (pods) or a `nodeSelector`
 * (host endpoints: out of scope) and sections `ingress`, `ingressDeny`, `egress`, `egressDeny`.
 * Peers become the NetworkPolicy peer shapes the engine evaluates: `fromEndpoints` selectors are
 * split into namespace and pod parts (`k8s:io.kubernetes.pod.namespace`, and
 * `io.cilium.k8s.namespace.labels.*`; a namespaced policy's selectors without the namespace-name
 * label are in its namespace, and its endpointSelector always is),
 * entities `world`/`cluster`/`all` become the external space and every pod, CIDRs become ipBlocks.
 * Peers outside the input (toFQDNs, toServices, entities host, remote-node, kube-apiserver…) match
 * nothing and are listed as unmodelled. Ports reuse the admin-tier port entries.
 */
import type { Path } from '../load/source.js';
import type { AdminPort } from './adminpolicy.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import type { PeerSpec } from './netpol.js';
import { asArray, asMap, asString, isMap, scalarText } from './resource.js';
import type { JsonMap, Resource } from './resource.js';
import type { Requirement, Selector } from './selector.js';

export const CILIUM_GROUP = 'cilium.io';

const NS_NAME_KEY = 'io.kubernetes.pod.namespace';
const NS_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';
/**
 * The cluster of a Cluster Mesh, which Cilium gives every endpoint (the name of its cluster): the
 * input is read as one cluster, so a selector on it is read as choosing that cluster's pods (the
 * other clusters of a mesh are not modelled).
 */
const CLUSTER_KEY = 'io.cilium.k8s.policy.cluster';

/** One `ingress`/`egress`/`ingressDeny`/`egressDeny` entry. */
export interface CiliumSection {
  rule: CiliumRule;
  direction: 'ingress' | 'egress';
  deny: boolean;
  index: number;
  path: Path;
  /** null: no L3 field (every peer, when the section has ports); [] with unmodelled peers only: nothing. */
  peers: PeerSpec[] | null;
  /** null: every port (no toPorts). */
  ports: AdminPort[] | null;
  /** The section has neither peers nor ports (`ingress: [{}]`): it allows nothing. */
  empty: boolean;
  /** Ports with L7 rules (HTTP, Kafka, DNS…): the L4 port is admitted, the L7 filter is not analysed. */
  l7: boolean;
  /** toPorts entries with DNS rules (what toFQDNs needs to learn addresses). */
  dnsRules: boolean;
  unmodelled: { path: Path; what: string }[];
}

export interface CiliumRule {
  policy: CiliumPolicy;
  index: number;
  /** Path of the rule (`spec` or `specs[i]`). */
  path: Path;
  /** The endpoints it selects, as a namespace part and a pod part; absent with a nodeSelector. */
  subject?: { namespaceSelector: Selector; podSelector: Selector };
  nodeSelector: boolean;
  /** `enableDefaultDeny` per direction (default true). */
  defaultDeny: { ingress: boolean; egress: boolean };
  sections: CiliumSection[];
}

const ENTITIES = new Set([
  'all',
  'world',
  'world-ipv4',
  'world-ipv6',
  'cluster',
  'host',
  'remote-node',
  'kube-apiserver',
  'ingress',
  'init',
  'health',
  'unmanaged',
]);
const PORT_NAME = /^(?=.{1,15}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export class CiliumPolicy {
  readonly kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
  readonly rules: CiliumRule[] = [];
  /** What the Cilium agent rejects, at the field (cilium-policy-invalid). */
  readonly problems: { path: Path; message: string }[] = [];

  constructor(readonly res: Resource) {
    this.kind = res.kind as CiliumPolicy['kind'];
    if (isMap(res.raw.spec)) this.rules.push(this.rule(res.raw.spec, ['spec'], 0));
    asArray(res.raw.specs).forEach((s, i) => {
      if (isMap(s)) this.rules.push(this.rule(s, ['specs', i], this.rules.length));
    });
  }

  get name(): string {
    return this.res.name;
  }

  /** The namespace of a CiliumNetworkPolicy; undefined for the clusterwide kind. */
  get namespace(): string | undefined {
    return this.kind === 'CiliumNetworkPolicy' ? (this.res.namespace ?? DEFAULT_NAMESPACE) : undefined;
  }

  get title(): string {
    return `${this.kind} "${this.namespace ? `${this.namespace}/` : ''}${this.name}"`;
  }

  sections(): CiliumSection[] {
    return this.rules.flatMap((r) => r.sections);
  }

  private rule(spec: JsonMap, path: Path, index: number): CiliumRule {
    const edd = asMap(spec.enableDefaultDeny) ?? {};
    const rule: CiliumRule = {
      policy: this,
      index,
      path,
      nodeSelector: isMap(spec.nodeSelector),
      defaultDeny: { ingress: edd.ingress !== false, egress: edd.egress !== false },
      sections: [],
    };
    if (isMap(spec.endpointSelector)) rule.subject = this.endpointSelector(spec.endpointSelector, true);
    if (rule.subject && rule.nodeSelector)
      this.problems.push({
        path: [...path, 'nodeSelector'],
        message: 'a rule has either an endpointSelector or a nodeSelector, not both',
      });
    else if (!rule.subject && !rule.nodeSelector)
      this.problems.push({ path, message: 'a rule needs an endpointSelector (pods) or a nodeSelector (hosts)' });
    for (const [field, direction, deny] of [
      ['ingress', 'ingress', false],
      ['ingressDeny', 'ingress', true],
      ['egress', 'egress', false],
      ['egressDeny', 'egress', true],
    ] as const) {
      asArray(spec[field]).forEach((raw, i) =>
        rule.sections.push(this.section(rule, asMap(raw) ?? {}, [...path, field, i], direction, deny, i)),
      );
    }
    return rule;
  }

  /**
   * A Cilium endpoint selector as a namespace part and a pod part. The namespace defaults to the
   * policy's for a CiliumNetworkPolicy, to every namespace for the clusterwide kind.
   */
  endpointSelector(raw: unknown, subject = false): { namespaceSelector: Selector; podSelector: Selector } {
    const m = asMap(raw) ?? {};
    const ns: Selector = { matchLabels: [], expressions: [] };
    const pod: Selector = { matchLabels: [], expressions: [] };
    let nsGiven = false;
    for (const [k0, v] of Object.entries(asMap(m.matchLabels) ?? {})) {
      const value = scalarText(v);
      if (value === undefined) continue;
      const k = stripSource(k0);
      if (k === CLUSTER_KEY) continue;
      if (k === NS_NAME_KEY) {
        ns.matchLabels.push(['kubernetes.io/metadata.name', value]);
        nsGiven = true;
      } else if (k.startsWith(NS_LABEL_PREFIX)) {
        ns.matchLabels.push([k.slice(NS_LABEL_PREFIX.length), value]);
      } else pod.matchLabels.push([k, value]);
    }
    for (const raw of asArray(m.matchExpressions)) {
      const e = asMap(raw);
      const key = e && asString(e.key);
      if (!e || !key) continue;
      const opText = asString(e.operator);
      const op: Requirement['op'] =
        opText === 'In' || opText === 'NotIn' || opText === 'Exists' || opText === 'DoesNotExist' ? opText : 'Invalid';
      const values = asArray(e.values).filter((x): x is string => typeof x === 'string');
      const k = stripSource(key);
      if (k === CLUSTER_KEY) continue;
      if (k === NS_NAME_KEY) {
        ns.expressions.push({ key: 'kubernetes.io/metadata.name', op, values });
        nsGiven = true;
      } else if (k.startsWith(NS_LABEL_PREFIX)) {
        ns.expressions.push({ key: k.slice(NS_LABEL_PREFIX.length), op, values });
      } else pod.expressions.push({ key: k, op, values });
    }
    // As the agent does: a namespaced policy's peers without an `io.kubernetes.pod.namespace`
    // label are in the policy's namespace; its endpointSelector always is.
    if ((!nsGiven || subject) && this.namespace !== undefined)
      ns.matchLabels.push(['kubernetes.io/metadata.name', this.namespace]);
    return { namespaceSelector: ns, podSelector: pod };
  }

  private checkCidr(c: string, path: Path): void {
    const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(c.trim());
    const v4 = m && /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(m[1]);
    const ok =
      m &&
      (v4
        ? v4.slice(1).every((o) => Number(o) <= 255 && !/^0\d/.test(o)) && (m[2] === undefined || Number(m[2]) <= 32)
        : m[1].includes(':') && /^[0-9a-fA-F:.]+$/.test(m[1]) && (m[2] === undefined || Number(m[2]) <= 128));
    if (!ok)
      this.problems.push({ path, message: `${JSON.stringify(c)} is not a valid CIDR (address/prefix) or IP address` });
  }

  private checkPort(p: JsonMap, path: Path, rules: JsonMap | undefined, rulesPath: Path): void {
    const text = scalarText(p.port);
    const proto = asString(p.protocol);
    if (
      proto !== undefined &&
      !['TCP', 'UDP', 'SCTP', 'ANY', 'ICMP', 'ICMPV6', 'VRRP', 'IGMP'].includes(proto.toUpperCase())
    )
      this.problems.push({
        path: [...path, 'protocol'],
        message: `protocol ${JSON.stringify(proto)} is not TCP, UDP, SCTP or ANY`,
      });
    if (text !== undefined && text !== '') {
      if (/^\d+$/.test(text)) {
        if (Number(text) > 65535)
          this.problems.push({ path: [...path, 'port'], message: `port ${text} is over 65535` });
      } else if (!PORT_NAME.test(text))
        this.problems.push({
          path: [...path, 'port'],
          message: `port ${JSON.stringify(text)} is neither a number nor a valid port name (lower-case letters, digits and '-', at most 15)`,
        });
    }
    if (typeof p.endPort === 'number' && rules)
      this.problems.push({
        path: rulesPath,
        message: 'L7 rules apply to single ports only, not to a port range (endPort)',
      });
    if (typeof p.endPort === 'number' && /^\d+$/.test(text ?? '') && p.endPort < Number(text))
      this.problems.push({ path: [...path, 'endPort'], message: `endPort ${p.endPort} is below port ${text}` });
    const l7NotDns = rules && Object.keys(rules).some((k) => k !== 'dns');
    if (l7NotDns && proto && ['UDP', 'SCTP'].includes(proto.toUpperCase()))
      this.problems.push({ path: rulesPath, message: `HTTP, Kafka and other L7 rules need TCP, not ${proto}` });
  }

  private section(
    rule: CiliumRule,
    r: JsonMap,
    path: Path,
    direction: 'ingress' | 'egress',
    deny: boolean,
    index: number,
  ): CiliumSection {
    const from = direction === 'ingress' ? 'from' : 'to';
    const unmodelled: { path: Path; what: string }[] = [];
    let peers: PeerSpec[] | null = null;
    const add = (p: PeerSpec) => (peers ??= []).push(p);
    const l3 = (field: string) => {
      if (r[field] === undefined || r[field] === null) return false;
      peers ??= [];
      return true;
    };
    if (l3(`${from}Endpoints`)) {
      asArray(r[`${from}Endpoints`]).forEach((sel, i) =>
        add({ kind: 'selector', path: [...path, `${from}Endpoints`, i], ...this.endpointSelector(sel) }),
      );
    }
    if (l3(`${from}Entities`)) {
      asArray(r[`${from}Entities`]).forEach((e, i) => {
        const at: Path = [...path, `${from}Entities`, i];
        const entity = typeof e === 'string' ? e : '';
        if (!ENTITIES.has(entity))
          this.problems.push({
            path: at,
            message: `unknown entity ${JSON.stringify(e)}; the entities are ${[...ENTITIES].join(', ')}`,
          });
        if (entity === 'world' || entity === 'all') add({ kind: 'ipBlock', path: at, cidr: '0.0.0.0/0', except: [] });
        if (entity === 'cluster' || entity === 'all')
          add({ kind: 'selector', path: at, namespaceSelector: { matchLabels: [], expressions: [] } });
        if (entity !== 'world' && entity !== 'all' && entity !== 'cluster')
          unmodelled.push({ path: at, what: `entity ${JSON.stringify(e)} (outside the input's pods and addresses)` });
        else if (entity !== 'world')
          unmodelled.push({
            path: at,
            what: `entity ${entity}: its host and node parts (only pods and external addresses are analysed)`,
          });
      });
    }
    if (l3(`${from}CIDR`)) {
      asArray(r[`${from}CIDR`]).forEach((c, i) => {
        if (typeof c !== 'string') return;
        this.checkCidr(c, [...path, `${from}CIDR`, i]);
        add({ kind: 'ipBlock', path: [...path, `${from}CIDR`, i], cidr: c, except: [] });
      });
    }
    if (l3(`${from}CIDRSet`)) {
      asArray(r[`${from}CIDRSet`]).forEach((c, i) => {
        const m = asMap(c);
        const cidr = m && asString(m.cidr);
        const at: Path = [...path, `${from}CIDRSet`, i];
        if (cidr) {
          this.checkCidr(cidr, [...at, 'cidr']);
          asArray(m.except).forEach((x, k) => typeof x === 'string' && this.checkCidr(x, [...at, 'except', k]));
          add({
            kind: 'ipBlock',
            path: at,
            cidr,
            except: asArray(m.except).filter((x): x is string => typeof x === 'string'),
          });
        } else if (m && (m.cidrGroupRef !== undefined || m.cidrGroupSelector !== undefined))
          unmodelled.push({ path: at, what: 'CiliumCIDRGroup references' });
      });
    }
    for (const [field, what] of [
      ['toFQDNs', 'DNS names (resolved at run time)'],
      ['toServices', 'Services by reference'],
      [`${from}Requires`, 'required labels'],
      [`${from}Groups`, 'cloud provider groups'],
      [`${from}Nodes`, 'nodes'],
    ] as const) {
      if ((direction === 'egress' || !field.startsWith('to')) && l3(field))
        unmodelled.push({ path: [...path, field], what });
    }
    if (r.icmps !== undefined) unmodelled.push({ path: [...path, 'icmps'], what: 'ICMP rules' });
    let ports: AdminPort[] | null = null;
    let l7 = false;
    let dnsRules = false;
    asArray(r.toPorts).forEach((tp, i) => {
      const m = asMap(tp) ?? {};
      const rules = asMap(m.rules);
      const hasL7 = !!rules && Object.keys(rules).length > 0;
      if (hasL7) l7 = true;
      if (rules && Array.isArray(rules.dns)) dnsRules = true;
      ports ??= [];
      const list = asArray(m.ports);
      list.forEach((p, j) =>
        this.checkPort(asMap(p) ?? {}, [...path, 'toPorts', i, 'ports', j], hasL7 ? rules! : undefined, [
          ...path,
          'toPorts',
          i,
          'rules',
        ]),
      );
      if (list.length === 0) ports.push(...anyProtocol([...path, 'toPorts', i]));
      list.forEach((p, j) => ports!.push(...ciliumPort(asMap(p) ?? {}, [...path, 'toPorts', i, 'ports', j])));
    });
    return {
      rule,
      direction,
      deny,
      index,
      path,
      peers,
      ports,
      empty: peers === null && ports === null && unmodelled.length === 0,
      l7,
      dnsRules,
      unmodelled,
    };
  }
}

/** `k8s:app` → `app`; `any:app` → `app`. */
function stripSource(key: string): string {
  const m = /^(k8s|any|container|reserved|unspec):(.*)$/.exec(key);
  return m ? m[2] : key;
}

/** Protocol ANY (or none): the agent applies the port to each L4 protocol it knows, TCP, UDP and SCTP. */
const ANY = ['TCP', 'UDP', 'SCTP'];

function anyProtocol(path: Path): AdminPort[] {
  return ANY.map((protocol) => ({ path, protocol }));
}

/** A toPorts port: `port` is a number (as a string or an integer), `0` for all, or a port name. */
export function ciliumPort(p: JsonMap, path: Path): AdminPort[] {
  const protoText = (asString(p.protocol) ?? 'ANY').toUpperCase();
  const protocols = protoText === 'ANY' ? ANY : [protoText];
  const portText = scalarText(p.port);
  const endPort = typeof p.endPort === 'number' ? p.endPort : undefined;
  if (portText === undefined || portText === '' || portText === '0')
    return protocols.map((protocol) => ({ path, protocol }));
  if (/^\d+$/.test(portText)) {
    const port = Number(portText);
    return protocols.map((protocol) => ({
      path,
      protocol,
      port,
      ...(endPort !== undefined && endPort > 0 ? { endPort } : {}),
    }));
  }
  // A port name with a protocol other than ANY: only a container port of that name and protocol.
  return protoText === 'ANY' ? [{ path, named: portText }] : [{ path, named: portText, protocol: protoText }];
}

export function isCiliumPolicyKind(group: string, kind: string): boolean {
  return group === CILIUM_GROUP && (kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy');
}
