/**
 * The cluster-scoped policy tiers in the connectivity engine: a differential test against a
 * reference evaluator that reads the API documentation port by port (one protocol and port at a
 * time, no connection sets), on random clusters that mix every kind with NetworkPolicies and
 * Cilium policies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ConnSet, Protocol } from '../../src/policy/conn.js';
import type { Endpoint } from '../../src/policy/engine.js';
import { parseCidr } from '../../src/policy/ipranges.js';
import { egressCandidates } from '../../src/policy/reach.js';
import { NAMESPACES, NS_LABELS, ipOf, refAllowed } from '../support/policy-reference.js';
import type {
  AdminPeer,
  AdminPortRaw,
  Labels,
  RefAdmin,
  RefCilium,
  RefCiliumSection,
  RefEnd,
  RefNp,
  RefPod,
  Sel,
} from '../support/policy-reference.js';
import { doc } from '../support/util.js';
import { anp, banp, cnp, deploy, engine, ep, namespace, policy } from '../support/policy.js';

// Differential test: the reference decides one (protocol, port) at a time, walking the tiers as
// the API reference describes them.

function ciliumDoc(c: RefCilium, i: number): string {
  const section = (s: RefCiliumSection, dir: 'ingress' | 'egress') => {
    const f = dir === 'ingress' ? 'from' : 'to';
    return {
      ...(s.endpoints ? { [`${f}Endpoints`]: s.endpoints.map((matchLabels) => ({ matchLabels })) } : {}),
      ...(s.entities ? { [`${f}Entities`]: s.entities } : {}),
      ...(s.cidrs ? { [`${f}CIDR`]: s.cidrs } : {}),
      ...(s.cidrSet ? { [`${f}CIDRSet`]: s.cidrSet } : {}),
      ...(s.toPorts ? { toPorts: [{ ports: s.toPorts }] } : {}),
    };
  };
  const spec = {
    endpointSelector: { matchLabels: c.endpointSelector },
    ...(c.defaultDeny.ingress && c.defaultDeny.egress ? {} : { enableDefaultDeny: c.defaultDeny }),
    ...(c.ingress.length ? { ingress: c.ingress.map((x) => section(x, 'ingress')) } : {}),
    ...(c.ingressDeny.length ? { ingressDeny: c.ingressDeny.map((x) => section(x, 'ingress')) } : {}),
    ...(c.egress.length ? { egress: c.egress.map((x) => section(x, 'egress')) } : {}),
    ...(c.egressDeny.length ? { egressDeny: c.egressDeny.map((x) => section(x, 'egress')) } : {}),
  };
  const metadata = c.kind === 'CiliumNetworkPolicy' ? { name: `c${i}`, namespace: c.ns } : { name: `c${i}` };
  return doc({ apiVersion: 'cilium.io/v2', kind: c.kind, metadata, spec });
}

function adminDoc(p: RefAdmin): string {
  const rules = (dir: 'ingress' | 'egress') =>
    p[dir].map((r) => {
      const peers = r.peers;
      if (p.kind !== 'ClusterNetworkPolicy')
        return {
          name: r.name,
          action: r.action,
          [dir === 'ingress' ? 'from' : 'to']: peers,
          ...(r.ports ? { ports: r.ports } : {}),
        };
      const protocols = r.ports?.map((x) =>
        x.portNumber
          ? { [x.portNumber.protocol.toLowerCase()]: { destinationPort: { number: x.portNumber.port } } }
          : x.portRange
            ? {
                [x.portRange.protocol.toLowerCase()]: {
                  destinationPort: { range: { start: x.portRange.start, end: x.portRange.end } },
                },
              }
            : { destinationNamedPort: x.namedPort },
      );
      return {
        name: r.name,
        action: r.action === 'Allow' ? 'Accept' : r.action,
        [dir === 'ingress' ? 'from' : 'to']: peers,
        ...(protocols ? { protocols } : {}),
      };
    });
  const spec = { subject: p.subject, ingress: rules('ingress'), egress: rules('egress') };
  if (p.kind === 'AdminNetworkPolicy') return anp(p.name, p.priority, spec);
  if (p.kind === 'BaselineAdminNetworkPolicy') return banp(spec);
  return cnp(p.name, p.tier, p.priority, spec);
}

describe('admin tiers and Cilium policies against a reference evaluator', () => {
  const nsSel = fc.constantFrom<Sel>(
    {},
    { matchLabels: { team: 'red' } },
    { matchLabels: { team: 'blue' } },
    { matchLabels: { 'kubernetes.io/metadata.name': 'gamma' } },
  );
  const podSel = fc.constantFrom<Sel>({}, { matchLabels: { app: 'a' } }, { matchLabels: { app: 'b' } });
  const subject = fc.oneof(
    nsSel.map((namespaces) => ({ namespaces })),
    fc.tuple(nsSel, podSel).map(([namespaceSelector, podSelector]) => ({ pods: { namespaceSelector, podSelector } })),
  );
  const podPeer = fc.oneof(
    nsSel.map((namespaces): AdminPeer => ({ namespaces })),
    fc
      .tuple(nsSel, podSel)
      .map(([namespaceSelector, podSelector]): AdminPeer => ({ pods: { namespaceSelector, podSelector } })),
  );
  const peer = (dir: 'ingress' | 'egress') =>
    dir === 'ingress'
      ? podPeer
      : fc.oneof(
          podPeer,
          fc.constantFrom<AdminPeer>(
            { networks: ['10.0.0.0/8'] },
            { networks: ['0.0.0.0/0'] },
            { networks: ['192.168.1.0/24', '8.8.8.8/32'] },
          ),
        );
  const adminPort = fc.constantFrom<AdminPortRaw>(
    { portNumber: { protocol: 'TCP', port: 8080 } },
    { portNumber: { protocol: 'UDP', port: 53 } },
    { namedPort: 'http' },
    { namedPort: 'dns' },
    { portRange: { protocol: 'TCP', start: 8000, end: 9000 } },
    { portRange: { protocol: 'SCTP', start: 9000, end: 9200 } },
  );
  const rule = (dir: 'ingress' | 'egress', actions: ('Allow' | 'Deny' | 'Pass')[]) =>
    fc.record({
      action: fc.constantFrom(...actions),
      peers: fc.array(peer(dir), { minLength: 1, maxLength: 2 }),
      ports: fc.option(fc.array(adminPort, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    });
  const adminArb = fc
    .record({
      kind: fc.constantFrom<RefAdmin['kind']>(
        'AdminNetworkPolicy',
        'BaselineAdminNetworkPolicy',
        'ClusterNetworkPolicy',
      ),
      tier: fc.constantFrom<RefAdmin['tier']>('Admin', 'Baseline'),
      priority: fc.integer({ min: 1, max: 4 }),
      subject,
      ingress: fc.array(rule('ingress', ['Allow', 'Deny', 'Pass']), { maxLength: 3 }),
      egress: fc.array(rule('egress', ['Allow', 'Deny', 'Pass']), { maxLength: 3 }),
    })
    .map((p) => {
      const tier: RefAdmin['tier'] =
        p.kind === 'AdminNetworkPolicy' ? 'Admin' : p.kind === 'BaselineAdminNetworkPolicy' ? 'Baseline' : p.tier;
      // BaselineAdminNetworkPolicy has no Pass.
      const fix = (rs: typeof p.ingress) =>
        rs.map((r, i) => ({
          ...r,
          name: `r${i}`,
          action: p.kind === 'BaselineAdminNetworkPolicy' && r.action === 'Pass' ? ('Deny' as const) : r.action,
        }));
      return { ...p, tier, name: '', ingress: fix(p.ingress), egress: fix(p.egress) };
    });
  const npPeer = fc.oneof(
    podSel.map((podSelector) => ({ podSelector })),
    fc.tuple(nsSel, podSel).map(([namespaceSelector, podSelector]) => ({ namespaceSelector, podSelector })),
    fc.constantFrom({ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '0.0.0.0/0' } }),
  );
  const npPorts = fc.option(
    fc.array(
      fc.constantFrom(
        { protocol: 'TCP', port: 8080 },
        { protocol: 'TCP', port: 'http' },
        { protocol: 'UDP', port: 53 },
        { protocol: 'UDP' },
      ),
      { minLength: 1, maxLength: 2 },
    ),
    { nil: undefined },
  );
  const npArb = fc.record({
    ns: fc.constantFrom(...NAMESPACES),
    podSelector: podSel,
    types: fc.constantFrom<RefNp['types']>(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
    ingress: fc.array(
      fc.record({
        from: fc.option(fc.array(npPeer, { minLength: 1, maxLength: 2 }), { nil: undefined }),
        ports: npPorts,
      }),
      { maxLength: 2 },
    ),
    egress: fc.array(
      fc.record({
        to: fc.option(fc.array(npPeer, { minLength: 1, maxLength: 2 }), { nil: undefined }),
        ports: npPorts,
      }),
      { maxLength: 2 },
    ),
  });
  const podArb = fc.record({
    ns: fc.constantFrom(...NAMESPACES),
    app: fc.constantFrom('a', 'b', 'c'),
    http: fc.constantFrom(8080, 9090, 9100),
    dns: fc.boolean(),
    sctp: fc.boolean(),
  });
  const ciliumLabels = fc.constantFrom<Labels>(
    {},
    { app: 'a' },
    { app: 'b' },
    { 'k8s:io.kubernetes.pod.namespace': 'beta' },
    { 'k8s:io.kubernetes.pod.namespace': 'alpha', app: 'a' },
    { 'io.cilium.k8s.namespace.labels.team': 'blue' },
  );
  const ciliumSection: fc.Arbitrary<RefCiliumSection> = fc
    .record({
      l3: fc.oneof(
        fc.constant<RefCiliumSection>({}),
        fc.array(ciliumLabels, { minLength: 1, maxLength: 2 }).map((endpoints) => ({ endpoints })),
        fc.subarray(['world', 'cluster', 'all', 'host'], { minLength: 1 }).map((entities) => ({ entities })),
        fc.constantFrom<RefCiliumSection>(
          { cidrs: ['10.0.0.0/8'] },
          { cidrSet: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }] },
        ),
      ),
      toPorts: fc.option(
        fc.array(
          fc.constantFrom<NonNullable<RefCiliumSection['toPorts']>[number]>(
            { port: '8080', protocol: 'TCP' },
            { port: '53', protocol: 'ANY' },
            { port: 'http' },
            { port: '8000', endPort: 9000, protocol: 'TCP' },
            { protocol: 'UDP' },
            { port: '9100', protocol: 'SCTP' },
          ),
          { minLength: 1, maxLength: 2 },
        ),
        { nil: undefined },
      ),
    })
    .map(({ l3, toPorts }) => ({ ...l3, ...(toPorts ? { toPorts } : {}) }));
  const ciliumArb: fc.Arbitrary<RefCilium> = fc.record({
    kind: fc.constantFrom<RefCilium['kind']>('CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'),
    ns: fc.constantFrom(...NAMESPACES),
    endpointSelector: ciliumLabels,
    defaultDeny: fc.constantFrom(
      { ingress: true, egress: true },
      { ingress: false, egress: true },
      { ingress: true, egress: false },
    ),
    ingress: fc.array(ciliumSection, { maxLength: 2 }),
    ingressDeny: fc.array(ciliumSection, { maxLength: 1 }),
    egress: fc.array(ciliumSection, { maxLength: 2 }),
    egressDeny: fc.array(ciliumSection, { maxLength: 1 }),
  });
  const clusterArb = fc.record({
    pods: fc.array(podArb, { minLength: 2, maxLength: 5 }),
    nps: fc.array(npArb, { maxLength: 3 }),
    admins: fc.array(adminArb, { maxLength: 4 }),
    cilium: fc.array(ciliumArb, { maxLength: 3 }),
  });
  const PROBE_PORTS: [Protocol, number][] = [
    ['TCP', 8080],
    ['TCP', 9090],
    ['TCP', 9100],
    ['TCP', 53],
    ['TCP', 22],
    ['UDP', 53],
    ['UDP', 8080],
    ['SCTP', 9100],
    ['SCTP', 9090],
  ];
  const PROBE_IPS = ['10.1.2.3', '8.8.8.8', '192.168.1.5', '172.16.0.1'];
  const outcomes = { allowed: 0, blocked: 0, mixed: 0 };
  let candidatesOpen = 0;
  let candidatesChecked = 0;

  /** The listed connection between a pod and the range that holds a probed address. */
  const listedExternal = (
    listed: Map<string, ConnSet>,
    s: { end: RefEnd; name: string },
    d: { end: RefEnd; name: string },
  ): ConnSet | undefined => {
    const ip = 'ip' in s.end ? s.end.ip : 'ip' in d.end ? d.end.ip : -1;
    const holds = (name: string) =>
      name.split(',').some((part) => {
        if (part.includes('-')) {
          const [lo, hi] = part.split('-').map(ipOf);
          return ip >= lo && ip <= hi;
        }
        const c = parseCidr(part);
        return c.ok && !c.v6 && ip >= c.range.lo && ip <= c.range.hi;
      });
    for (const [k, conn] of listed) {
      const [src, dst] = k.split(' => ');
      if (
        'pod' in s.end
          ? src === s.name && !dst.includes('[') && holds(dst)
          : dst === d.name && !src.includes('[') && holds(src)
      )
        return conn;
    }
    return undefined;
  };

  it('agrees on every pair, port and probed address', () => {
    fc.assert(
      fc.property(clusterArb, ({ pods: raw, nps, admins: rawAdmins, cilium }) => {
        const pods: RefPod[] = raw.map((p, i) => ({
          ns: p.ns,
          name: `w${i}`,
          labels: { app: p.app },
          ports: [
            ['http', p.http, 'TCP'] as [string, number, string],
            ...(p.dns ? [['dns', 53, 'UDP'] as [string, number, string]] : []),
            ...(p.sctp ? [['http', 9090, 'SCTP'] as [string, number, string]] : []),
          ],
        }));
        // One BaselineAdminNetworkPolicy per cluster (named default); distinct names for the others.
        let seenBanp = false;
        const admins: RefAdmin[] = [];
        rawAdmins.forEach((p, i) => {
          if (p.kind === 'BaselineAdminNetworkPolicy') {
            if (seenBanp) return;
            seenBanp = true;
            admins.push({ ...p, name: 'default' });
          } else admins.push({ ...p, name: `a${i}` });
        });
        const text =
          Object.entries(NS_LABELS)
            .map(([n, l]) => namespace(n, l))
            .join('') +
          pods.map((p) => deploy(p.ns, p.name, p.labels, p.ports)).join('') +
          nps
            .map((n, i) =>
              policy(n.ns, `np${i}`, {
                podSelector: n.podSelector,
                policyTypes: n.types,
                ingress: n.ingress,
                egress: n.egress,
              }),
            )
            .join('') +
          admins.map(adminDoc).join('') +
          cilium.map(ciliumDoc).join('');
        const e = engine(text);
        const listed = new Map(e.connectivity().map((c) => [`${c.src} => ${c.dst}`, c.conn]));
        const ends: { end: RefEnd; ep: Endpoint; name: string }[] = [
          ...pods.map((p) => ({
            end: { pod: p } as RefEnd,
            ep: ep(e, `${p.ns}/${p.name}`),
            name: `${p.ns}/${p.name}[Deployment]`,
          })),
          ...PROBE_IPS.map((ip) => ({ end: { ip: ipOf(ip) } as RefEnd, ep: ep(e, ip), name: ip })),
        ];
        for (const s of ends) {
          for (const d of ends) {
            if (s === d || (!('pod' in s.end) && !('pod' in d.end))) continue;
            const got = e.allowed(s.ep, d.ep);
            let yes = 0;
            for (const [proto, port] of PROBE_PORTS) {
              const want = refAllowed(admins, nps as RefNp[], s.end, d.end, proto, port, cilium);
              if (want) yes++;
              assert.equal(got.has(proto, port), want, `${s.name} -> ${d.name} ${proto} ${port}`);
              if ('pod' in s.end && 'pod' in d.end)
                assert.equal(
                  listed.get(`${s.name} => ${d.name}`)?.has(proto, port) ?? false,
                  want,
                  `listing ${s.name} -> ${d.name} ${proto} ${port}`,
                );
              // External addresses: the listed range that holds the address (the listing groups
              // alike pods and alike ranges; it must still agree address by address).
              else
                assert.equal(
                  listedExternal(listed, s, d)?.has(proto, port) ?? false,
                  want,
                  `listing ${s.name} -> ${d.name} ${proto} ${port}`,
                );
            }
            outcomes[yes === 0 ? 'blocked' : yes === PROBE_PORTS.length ? 'allowed' : 'mixed']++;
            // A pod the source's egress may reach is among its egress candidates (reach.ts).
            if (s.ep.kind === 'pod' && d.ep.kind === 'pod' && !got.isEmpty) {
              const candidates = egressCandidates(e, s.ep.pod);
              if (candidates) candidatesChecked++;
              if (candidates) assert.ok(candidates.has(d.ep.pod.id), `candidates of ${s.name} lack ${d.name}`);
              else candidatesOpen++;
            }
          }
        }
      }),
      { numRuns: 400 },
    );
    assert.ok(outcomes.mixed > 100 && outcomes.blocked > 100 && outcomes.allowed > 100, JSON.stringify(outcomes));
    // Both kinds of source came up: pods with candidates, and pods whose egress nothing restricts.
    assert.ok(candidatesChecked > 50 && candidatesOpen > 50, `${candidatesChecked} ${candidatesOpen}`);
  });
});
