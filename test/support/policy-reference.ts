/**
 * A reference evaluator of the policy tiers for the differential tests: it decides one (protocol,
 * port) at a time, walking the tiers as the API references describe them — Admin tier (first
 * matching rule by priority), then NetworkPolicies and Cilium policies (allow rules add up, Cilium
 * deny rules win), then the Baseline tier when nothing isolates the pod — with no connection sets.
 */
export type Labels = Record<string, string>;

export interface RefPod {
  ns: string;
  name: string;
  labels: Labels;
  ports: [string, number, string][];
}
export type Sel = { matchLabels?: Labels };
export type RefEnd = { pod: RefPod } | { ip: number };
export interface RefNp {
  ns: string;
  podSelector: Sel;
  types: ('Ingress' | 'Egress')[];
  ingress: {
    from?: { namespaceSelector?: Sel; podSelector?: Sel }[];
    ports?: { protocol: string; port?: number | string }[];
  }[];
  egress: {
    to?: { namespaceSelector?: Sel; podSelector?: Sel; ipBlock?: { cidr: string } }[];
    ports?: { protocol: string; port?: number | string }[];
  }[];
}
export type AdminPeer = { namespaces?: Sel; pods?: { namespaceSelector: Sel; podSelector: Sel }; networks?: string[] };
export type AdminPortRaw = {
  portNumber?: { protocol: string; port: number };
  namedPort?: string;
  portRange?: { protocol: string; start: number; end: number };
};
export interface RefAdminRule {
  name: string;
  action: 'Allow' | 'Deny' | 'Pass';
  peers: AdminPeer[];
  ports?: AdminPortRaw[];
}
export interface RefAdmin {
  kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy';
  name: string;
  tier: 'Admin' | 'Baseline';
  priority: number;
  subject: { namespaces?: Sel; pods?: { namespaceSelector: Sel; podSelector: Sel } };
  ingress: RefAdminRule[];
  egress: RefAdminRule[];
}

export const NS_LABELS: Record<string, Labels> = { alpha: { team: 'red' }, beta: { team: 'blue' } };
export const NAMESPACES = ['alpha', 'beta', 'gamma'];

export function sel(s: Sel | undefined, labels: Labels): boolean {
  return Object.entries(s?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

export function nsLabels(ns: string): Labels {
  return { ...(NS_LABELS[ns] ?? {}), 'kubernetes.io/metadata.name': ns };
}

export function ipOf(s: string): number {
  return s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function inCidr(ip: number, cidr: string): boolean {
  const [addr, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ip / size) === Math.floor(ipOf(addr) / size);
}

export function subjectHolds(p: RefAdmin, pod: RefPod): boolean {
  if (p.subject.namespaces) return sel(p.subject.namespaces, nsLabels(pod.ns));
  return sel(p.subject.pods!.namespaceSelector, nsLabels(pod.ns)) && sel(p.subject.pods!.podSelector, pod.labels);
}

export function adminPeerHolds(peer: AdminPeer, end: RefEnd): boolean {
  if (peer.networks) return 'ip' in end && peer.networks.some((c) => inCidr(end.ip, c));
  if (!('pod' in end)) return false;
  if (peer.namespaces) return sel(peer.namespaces, nsLabels(end.pod.ns));
  return sel(peer.pods!.namespaceSelector, nsLabels(end.pod.ns)) && sel(peer.pods!.podSelector, end.pod.labels);
}

export function adminPortHolds(ports: AdminPortRaw[] | undefined, dst: RefEnd, proto: string, port: number): boolean {
  if (!ports) return true;
  return ports.some((p) => {
    if (p.portNumber) return p.portNumber.protocol === proto && p.portNumber.port === port;
    if (p.portRange) return p.portRange.protocol === proto && port >= p.portRange.start && port <= p.portRange.end;
    return 'pod' in dst && dst.pod.ports.some(([n, num, pr]) => n === p.namedPort && num === port && pr === proto);
  });
}

export function npPortHolds(
  ports: { protocol: string; port?: number | string }[] | undefined,
  dst: RefEnd,
  proto: string,
  port: number,
): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if (p.protocol !== proto) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.port === port;
    return 'pod' in dst && dst.pod.ports.some(([n, num, pr]) => n === p.port && num === port && pr === proto);
  });
}

export function npPeerHolds(
  peer: { namespaceSelector?: Sel; podSelector?: Sel; ipBlock?: { cidr: string } },
  policyNs: string,
  end: RefEnd,
): boolean {
  if (peer.ipBlock) return 'ip' in end && inCidr(end.ip, peer.ipBlock.cidr);
  if (!('pod' in end)) return false;
  const nsOk = peer.namespaceSelector ? sel(peer.namespaceSelector, nsLabels(end.pod.ns)) : end.pod.ns === policyNs;
  return nsOk && sel(peer.podSelector, end.pod.labels);
}

export const KIND_RANK = { AdminNetworkPolicy: 0, ClusterNetworkPolicy: 1, BaselineAdminNetworkPolicy: 2 };

/** A Cilium rule as written: sections keyed by field, selectors with Cilium's label keys. */
export interface RefCiliumSection {
  endpoints?: Labels[];
  entities?: string[];
  cidrs?: string[];
  cidrSet?: { cidr: string; except: string[] }[];
  toPorts?: { port?: string; endPort?: number; protocol?: string }[];
}
export interface RefCilium {
  kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
  ns: string;
  endpointSelector: Labels;
  defaultDeny: { ingress: boolean; egress: boolean };
  ingress: RefCiliumSection[];
  ingressDeny: RefCiliumSection[];
  egress: RefCiliumSection[];
  egressDeny: RefCiliumSection[];
}

const CILIUM_NS = 'k8s:io.kubernetes.pod.namespace';
const CILIUM_NS_LABEL = 'io.cilium.k8s.namespace.labels.';

/** Does a Cilium endpoint selector (matchLabels only) select a pod? `subject`: the policy's endpointSelector. */
export function ciliumSelects(p: RefCilium, labels: Labels, pod: RefPod, subject: boolean): boolean {
  let nsNamed = false;
  for (const [k0, v] of Object.entries(labels)) {
    const k = k0.replace(/^k8s:/, '');
    if (`k8s:${k}` === CILIUM_NS) {
      nsNamed = true;
      if (pod.ns !== v) return false;
    } else if (k.startsWith(CILIUM_NS_LABEL)) {
      if (nsLabels(pod.ns)[k.slice(CILIUM_NS_LABEL.length)] !== v) return false;
    } else if (pod.labels[k] !== v) return false;
  }
  if (p.kind === 'CiliumNetworkPolicy' && (subject || !nsNamed) && pod.ns !== p.ns) return false;
  return true;
}

function ciliumPeerHolds(p: RefCilium, s: RefCiliumSection, end: RefEnd): boolean {
  const l3 = s.endpoints !== undefined || s.entities !== undefined || s.cidrs !== undefined || s.cidrSet !== undefined;
  if (!l3) return s.toPorts !== undefined; // L4 only: every peer; `{}`: nothing
  if ('pod' in end) {
    if (s.endpoints?.some((l) => ciliumSelects(p, l, end.pod, false))) return true;
    return !!s.entities?.some((e) => e === 'cluster' || e === 'all');
  }
  if (s.entities?.some((e) => e === 'world' || e === 'all')) return true;
  if (s.cidrs?.some((c) => inCidr(end.ip, c))) return true;
  return !!s.cidrSet?.some((c) => inCidr(end.ip, c.cidr) && !c.except.some((x) => inCidr(end.ip, x)));
}

function ciliumPortHolds(s: RefCiliumSection, dst: RefEnd, proto: string, port: number): boolean {
  if (!s.toPorts) return true;
  return s.toPorts.some((tp) => {
    const protos = !tp.protocol || tp.protocol === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [tp.protocol];
    if (tp.port === undefined || tp.port === '0') return protos.includes(proto);
    if (/^\d+$/.test(tp.port))
      return protos.includes(proto) && port >= Number(tp.port) && port <= (tp.endPort ?? Number(tp.port));
    return (
      'pod' in dst &&
      protos.includes(proto) &&
      dst.pod.ports.some(([n, num, pr]) => n === tp.port && num === port && pr === proto)
    );
  });
}

export function refDirection(
  admins: RefAdmin[],
  nps: RefNp[],
  dir: 'ingress' | 'egress',
  self: RefPod,
  other: RefEnd,
  dst: RefEnd,
  proto: string,
  port: number,
  cilium: RefCilium[] = [],
): boolean {
  const ordered = (tier: string) =>
    admins
      .filter((p) => p.tier === tier && subjectHolds(p, self))
      .sort(
        (a, b) =>
          (a.kind === 'BaselineAdminNetworkPolicy' ? 1e9 : a.priority) -
            (b.kind === 'BaselineAdminNetworkPolicy' ? 1e9 : b.priority) ||
          KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
          (a.name < b.name ? -1 : 1),
      );
  const first = (tier: string) => {
    for (const p of ordered(tier))
      for (const r of p[dir])
        if (r.peers.some((x) => adminPeerHolds(x, other)) && adminPortHolds(r.ports, dst, proto, port)) return r.action;
    return undefined;
  };
  const a = first('Admin');
  if (a === 'Allow') return true;
  if (a === 'Deny') return false;
  const selecting = nps.filter(
    (n) =>
      n.ns === self.ns && sel(n.podSelector, self.labels) && n.types.includes(dir === 'ingress' ? 'Ingress' : 'Egress'),
  );
  const npAllows = selecting.some((n) =>
    (dir === 'ingress'
      ? n.ingress.map((r) => ({ peers: r.from, ports: r.ports }))
      : n.egress.map((r) => ({ peers: r.to, ports: r.ports }))
    ).some(
      (r) =>
        (!r.peers || r.peers.length === 0 || r.peers.some((x) => npPeerHolds(x, n.ns, other))) &&
        npPortHolds(r.ports, dst, proto, port),
    ),
  );
  // Cilium: rules selecting the pod; deny sections win; a rule with sections of this direction
  // isolates it unless enableDefaultDeny says otherwise.
  const rules = cilium.filter((c) => ciliumSelects(c, c.endpointSelector, self, true));
  const denyField = dir === 'ingress' ? 'ingressDeny' : 'egressDeny';
  const matches = (c: RefCilium, s: RefCiliumSection) =>
    ciliumPeerHolds(c, s, other) && ciliumPortHolds(s, dst, proto, port);
  if (rules.some((c) => c[denyField].some((s) => matches(c, s)))) return false;
  const ciliumIsolates = rules.some((c) => c.defaultDeny[dir] && (c[dir].length > 0 || c[denyField].length > 0));
  const ciliumAllows = rules.some((c) => c[dir].some((s) => matches(c, s)));
  if (selecting.length || ciliumIsolates) return npAllows || ciliumAllows;
  return first('Baseline') !== 'Deny';
}

export function refAllowed(
  admins: RefAdmin[],
  nps: RefNp[],
  src: RefEnd,
  dst: RefEnd,
  proto: string,
  port: number,
  cilium: RefCilium[] = [],
): boolean {
  if ('pod' in src && !refDirection(admins, nps, 'egress', src.pod, dst, dst, proto, port, cilium)) return false;
  if ('pod' in dst && !refDirection(admins, nps, 'ingress', dst.pod, src, dst, proto, port, cilium)) return false;
  return true;
}
