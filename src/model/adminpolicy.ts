/**
 * Typed view of the cluster-scoped policy tiers of SIG Network's policy API
 * (policy.networking.k8s.io): AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1), and
 * their successor ClusterNetworkPolicy (v1alpha2, `tier: Admin | Baseline`).
 *
 * Rules are normalised: actions `Allow`/`Accept` become `Allow`; peers become the NetworkPolicy
 * peer shapes the engine already evaluates (`namespaces: S` is a namespaceSelector peer without a
 * podSelector; `pods` sets both; each `networks` CIDR is an ipBlock). Peers the analysis does not
 * model (`nodes`, `domainNames`, `sameLabels`…) match nothing and are listed as unmodelled.
 */
import type { Path } from '../load/source.js';
import type { PeerSpec } from './netpol.js';
import { asArray, asInt, asMap, asString, isMap } from './resource.js';
import type { Resource } from './resource.js';
import { parseLabelSelector } from './selector.js';
import type { Selector } from './selector.js';

export const POLICY_API_GROUP = 'policy.networking.k8s.io';

export type AdminTier = 'Admin' | 'Baseline';
export type AdminAction = 'Allow' | 'Deny' | 'Pass';
export type AdminKind = 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy';

/** A port entry: a protocol with a port range, or a named port (any protocol). */
export interface AdminPort {
  path: Path;
  /**
   * Absent for named ports: the name matches whatever protocol the container declares (a Cilium
   * named port with a protocol other than ANY matches only a container port of that protocol).
   */
  protocol?: string;
  /** Absent with a protocol: every port of the protocol. */
  port?: number;
  endPort?: number;
  named?: string;
}

export interface AdminRule {
  policy: AdminPolicy;
  direction: 'ingress' | 'egress';
  index: number;
  path: Path;
  name: string;
  action: AdminAction;
  /** The action as written (`Allow`, `Accept`, …), for messages. */
  actionText: string;
  /** The peers, as NetworkPolicy peers; an empty list matches nothing. */
  peers: PeerSpec[];
  /** Peers outside the analysis (nodes, domain names, same-labels matching), with the reason. */
  unmodelled: { path: Path; what: string }[];
  /** null: every port and protocol. */
  ports: AdminPort[] | null;
}

export class AdminPolicy {
  readonly kind: AdminKind;
  readonly tier: AdminTier;
  /** Lower first; absent for BaselineAdminNetworkPolicy (one per cluster, named `default`). */
  readonly priority?: number;
  /** The subject: pods of the namespaces `namespaceSelector` selects, narrowed by `podSelector`. */
  readonly subject?: { path: Path; namespaceSelector: Selector; podSelector?: Selector };
  readonly ingress: AdminRule[] = [];
  readonly egress: AdminRule[] = [];

  constructor(readonly res: Resource) {
    this.kind = res.kind as AdminKind;
    const spec = asMap(res.raw.spec) ?? {};
    this.tier =
      this.kind === 'AdminNetworkPolicy'
        ? 'Admin'
        : this.kind === 'BaselineAdminNetworkPolicy'
          ? 'Baseline'
          : spec.tier === 'Baseline'
            ? 'Baseline'
            : 'Admin';
    if (this.kind !== 'BaselineAdminNetworkPolicy') this.priority = asInt(spec.priority);
    const subject = asMap(spec.subject);
    if (subject) {
      if (isMap(subject.namespaces)) {
        this.subject = {
          path: ['spec', 'subject', 'namespaces'],
          namespaceSelector: parseLabelSelector(subject.namespaces),
        };
      } else if (isMap(subject.pods)) {
        const pods = subject.pods;
        this.subject = {
          path: ['spec', 'subject', 'pods'],
          namespaceSelector: parseLabelSelector(pods.namespaceSelector),
          podSelector: parseLabelSelector(pods.podSelector),
        };
      }
    }
    asArray(spec.ingress).forEach((r, i) => this.ingress.push(this.rule(r, 'ingress', i)));
    asArray(spec.egress).forEach((r, i) => this.egress.push(this.rule(r, 'egress', i)));
  }

  get name(): string {
    return this.res.name;
  }

  /** `AdminNetworkPolicy "x" (priority 10)`, `ClusterNetworkPolicy "x" (tier Baseline, priority 5)`. */
  get title(): string {
    const parts: string[] = [];
    if (this.kind === 'ClusterNetworkPolicy') parts.push(`tier ${this.tier}`);
    if (this.priority !== undefined) parts.push(`priority ${this.priority}`);
    return `${this.kind} "${this.name}"${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }

  rules(direction?: 'ingress' | 'egress'): AdminRule[] {
    if (direction === 'ingress') return this.ingress;
    if (direction === 'egress') return this.egress;
    return [...this.ingress, ...this.egress];
  }

  private rule(raw: unknown, direction: 'ingress' | 'egress', index: number): AdminRule {
    const r = asMap(raw) ?? {};
    const path: Path = ['spec', direction, index];
    const actionText = asString(r.action) ?? '';
    const action: AdminAction =
      actionText === 'Allow' || actionText === 'Accept' ? 'Allow' : actionText === 'Pass' ? 'Pass' : 'Deny';
    const peerField = direction === 'ingress' ? 'from' : 'to';
    const peers: PeerSpec[] = [];
    const unmodelled: { path: Path; what: string }[] = [];
    asArray(r[peerField]).forEach((p, i) => readPeer(asMap(p) ?? {}, [...path, peerField, i], peers, unmodelled));
    let ports: AdminPort[] | null = null;
    if (Array.isArray(r.ports)) ports = r.ports.flatMap((p, i) => v1alpha1Port(asMap(p) ?? {}, [...path, 'ports', i]));
    else if (Array.isArray(r.protocols))
      ports = r.protocols.flatMap((p, i) => v1alpha2Port(asMap(p) ?? {}, [...path, 'protocols', i]));
    return {
      policy: this,
      direction,
      index,
      path,
      name: asString(r.name) ?? `${direction}[${index}]`,
      action,
      actionText: actionText || 'Deny',
      peers,
      unmodelled,
      ports,
    };
  }
}

function readPeer(
  p: Record<string, unknown>,
  path: Path,
  peers: PeerSpec[],
  unmodelled: { path: Path; what: string }[],
): void {
  if (isMap(p.namespaces)) {
    const ns = p.namespaces;
    // The first API versions wrapped the selector: `namespaces: {namespaceSelector, sameLabels, notSameLabels}`.
    if ('sameLabels' in ns || 'notSameLabels' in ns)
      unmodelled.push({ path: [...path, 'namespaces'], what: 'sameLabels/notSameLabels namespace matching' });
    else
      peers.push({
        kind: 'selector',
        path: [...path, 'namespaces'],
        namespaceSelector: parseLabelSelector(isMap(ns.namespaceSelector) ? ns.namespaceSelector : ns),
      });
  }
  if (isMap(p.pods)) {
    const pods = p.pods;
    const nsField = isMap(pods.namespaceSelector)
      ? pods.namespaceSelector
      : isMap(pods.namespaces) && isMap(pods.namespaces.namespaceSelector)
        ? pods.namespaces.namespaceSelector
        : undefined;
    peers.push({
      kind: 'selector',
      path: [...path, 'pods'],
      namespaceSelector: parseLabelSelector(nsField ?? {}),
      podSelector: parseLabelSelector(pods.podSelector),
    });
  }
  if (Array.isArray(p.networks)) {
    p.networks.forEach((c, i) => {
      if (typeof c === 'string') peers.push({ kind: 'ipBlock', path: [...path, 'networks', i], cidr: c, except: [] });
    });
  }
  if (p.nodes !== undefined)
    unmodelled.push({ path: [...path, 'nodes'], what: 'node peers (the input holds no node addresses)' });
  if (p.domainNames !== undefined)
    unmodelled.push({ path: [...path, 'domainNames'], what: 'domain-name peers (resolved at run time)' });
}

function v1alpha1Port(p: Record<string, unknown>, path: Path): AdminPort[] {
  if (isMap(p.portNumber)) {
    return [
      {
        path: [...path, 'portNumber'],
        protocol: asString(p.portNumber.protocol) ?? 'TCP',
        port: asInt(p.portNumber.port) ?? 0,
      },
    ];
  }
  if (typeof p.namedPort === 'string') return [{ path: [...path, 'namedPort'], named: p.namedPort }];
  if (isMap(p.portRange)) {
    const r = p.portRange;
    return [
      {
        path: [...path, 'portRange'],
        protocol: asString(r.protocol) ?? 'TCP',
        port: asInt(r.start) ?? 0,
        endPort: asInt(r.end) ?? 0,
      },
    ];
  }
  return [];
}

function v1alpha2Port(p: Record<string, unknown>, path: Path): AdminPort[] {
  if (typeof p.destinationNamedPort === 'string')
    return [{ path: [...path, 'destinationNamedPort'], named: p.destinationNamedPort }];
  const out: AdminPort[] = [];
  for (const [key, protocol] of [
    ['tcp', 'TCP'],
    ['udp', 'UDP'],
    ['sctp', 'SCTP'],
  ] as const) {
    if (!(key in p)) continue;
    const dp = asMap(asMap(p[key])?.destinationPort);
    const at: Path = [...path, key];
    if (!dp) out.push({ path: at, protocol });
    else if (isMap(dp.range))
      out.push({
        path: [...at, 'destinationPort'],
        protocol,
        port: asInt(dp.range.start) ?? 0,
        endPort: asInt(dp.range.end) ?? 0,
      });
    else out.push({ path: [...at, 'destinationPort'], protocol, port: asInt(dp.number) ?? 0 });
  }
  return out;
}

/** The object is one of the kinds above (by group and kind). */
export function isAdminPolicyKind(group: string, kind: string): boolean {
  return (
    group === POLICY_API_GROUP &&
    (kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy' || kind === 'ClusterNetworkPolicy')
  );
}
