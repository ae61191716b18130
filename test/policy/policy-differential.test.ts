/**
 * A differential test of the connectivity engine's NetworkPolicy semantics against a straightforward
 * reference evaluator written from the API documentation, on random small clusters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConnSet } from '../../src/policy/conn.js';
import type { Protocol } from '../../src/policy/conn.js';
import { ALL, NONE, deploy, engine, ep, namespace, policy } from '../support/policy.js';
import type { Labels, PortDecl } from '../support/policy.js';
import { inCidr, ipOf } from '../support/policy-reference.js';

// Differential test: the engine against a direct reading of the API documentation, on random
// small clusters.

interface RefPod {
  ns: string;
  name: string;
  labels: Labels;
  ports: { name: string; port: number; protocol: string }[];
}

type RawSelector = {
  matchLabels?: Labels | null;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
} | null;
type RawPeer = {
  podSelector?: RawSelector;
  namespaceSelector?: RawSelector;
  ipBlock?: { cidr: string; except?: string[] };
};
type RawPort = { protocol?: string; port?: number | string; endPort?: number };
type RawRule = { from?: RawPeer[]; to?: RawPeer[]; ports?: RawPort[] };
interface RawPolicy {
  ns: string;
  spec: { podSelector: RawSelector; policyTypes?: string[]; ingress?: RawRule[]; egress?: RawRule[] };
}

const NS_LABELS: Record<string, Labels> = { alpha: { team: 'red' }, beta: { team: 'blue', env: 'prod' } };
const NAMESPACES = ['alpha', 'beta', 'gamma']; // gamma has no Namespace object

function refSelect(sel: RawSelector | undefined, labels: Labels): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const x of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, x.key);
    const inValues = has && (x.values ?? []).includes(labels[x.key]);
    const ok =
      x.operator === 'In' ? inValues : x.operator === 'NotIn' ? !inValues : x.operator === 'Exists' ? has : !has;
    if (!ok) return false;
  }
  return true;
}

type RefEnd = { pod: RefPod } | { ip: number };

function refPeer(peer: RawPeer, policyNs: string, end: RefEnd): boolean {
  if (peer.ipBlock)
    return (
      'ip' in end && inCidr(end.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e) => inCidr(end.ip, e))
    );
  if (!('pod' in end)) return false;
  const nsLabels = { ...(NS_LABELS[end.pod.ns] ?? {}), 'kubernetes.io/metadata.name': end.pod.ns };
  const nsOk = peer.namespaceSelector ? refSelect(peer.namespaceSelector, nsLabels) : end.pod.ns === policyNs;
  return nsOk && refSelect(peer.podSelector, end.pod.labels);
}

function refPorts(ports: RawPort[] | undefined, dst: RefEnd): ConnSet {
  if (!ports || ports.length === 0) return ConnSet.ALL;
  let c = ConnSet.NONE;
  for (const p of ports) {
    const proto = (p.protocol ?? 'TCP') as Protocol;
    if (p.port === undefined) c = c.union(ConnSet.allPorts(proto));
    else if (typeof p.port === 'number')
      c = c.union(
        p.endPort === undefined
          ? ConnSet.of(proto, p.port)
          : p.endPort >= p.port
            ? ConnSet.of(proto, p.port, p.endPort)
            : ConnSet.NONE,
      );
    else if ('pod' in dst)
      for (const cp of dst.pod.ports)
        if (cp.name === p.port && cp.protocol === proto) c = c.union(ConnSet.of(proto, cp.port));
  }
  return c;
}

function refSide(policies: RawPolicy[], dir: 'ingress' | 'egress', self: RefPod, other: RefEnd, dst: RefEnd): ConnSet {
  const types = (p: RawPolicy) =>
    p.spec.policyTypes?.length ? p.spec.policyTypes : ['Ingress', ...(p.spec.egress?.length ? ['Egress'] : [])];
  const selecting = policies.filter(
    (p) =>
      p.ns === self.ns &&
      refSelect(p.spec.podSelector ?? {}, self.labels) &&
      types(p).includes(dir === 'ingress' ? 'Ingress' : 'Egress'),
  );
  if (selecting.length === 0) return ConnSet.ALL;
  let c = ConnSet.NONE;
  for (const p of selecting) {
    for (const rule of p.spec[dir] ?? []) {
      const peers = dir === 'ingress' ? rule.from : rule.to;
      if (peers && peers.length && !peers.some((peer) => refPeer(peer, p.ns, other))) continue;
      c = c.union(refPorts(rule.ports, dst));
    }
  }
  return c;
}

function refAllowed(policies: RawPolicy[], src: RefEnd, dst: RefEnd): ConnSet {
  let c = ConnSet.ALL;
  if ('pod' in src) c = c.intersect(refSide(policies, 'egress', src.pod, dst, dst));
  if ('pod' in dst) c = c.intersect(refSide(policies, 'ingress', dst.pod, src, dst));
  return c;
}

/** Does an external endpoint name (`cidr` or `first-last`, comma-separated) hold the address? */
function nameHolds(name: string, ip: number): boolean {
  return name.split(',').some((part) => {
    const m = /^([\d.]+)-([\d.]+)$/.exec(part);
    return m ? ip >= ipOf(m[1]) && ip <= ipOf(m[2]) : inCidr(ip, part);
  });
}

describe('engine against a reference evaluator', () => {
  const selArb = (keys: [string, string[]][]): fc.Arbitrary<RawSelector> =>
    fc.oneof(
      fc.constant({}),
      fc.constant({ matchLabels: null }),
      fc.constantFrom(...keys).chain(([k, vs]) => fc.constantFrom(...vs).map((v) => ({ matchLabels: { [k]: v } }))),
      fc
        .record({
          matchExpressions: fc.array(
            fc.record({
              key: fc.constantFrom(...keys.map(([k]) => k)),
              operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
              values: fc.subarray(['a', 'b', 'web', 'red', 'blue', 'prod', 'alpha', 'gamma']),
            }),
            { minLength: 1, maxLength: 2 },
          ),
        })
        .map((s) => ({
          matchExpressions: s.matchExpressions.map((x) =>
            x.operator === 'Exists' || x.operator === 'DoesNotExist' ? { key: x.key, operator: x.operator } : x,
          ),
        })),
    );
  const podSel = selArb([
    ['app', ['a', 'b', 'c']],
    ['role', ['web', 'db']],
  ]);
  const nsSel = selArb([
    ['team', ['red', 'blue']],
    ['env', ['prod']],
    ['kubernetes.io/metadata.name', ['alpha', 'beta', 'gamma']],
  ]);
  const CIDRS: [string, string[]][] = [
    ['10.0.0.0/8', ['10.1.0.0/16']],
    ['10.0.0.0/8', []],
    ['0.0.0.0/0', ['10.0.0.0/8', '192.168.0.0/16']],
    ['192.168.1.0/24', ['192.168.1.128/25']],
    ['10.1.0.0/16', []],
  ];
  const peerArb: fc.Arbitrary<RawPeer> = fc.oneof(
    podSel.map((podSelector) => ({ podSelector })),
    nsSel.map((namespaceSelector) => ({ namespaceSelector })),
    fc.tuple(nsSel, podSel).map(([namespaceSelector, podSelector]) => ({ namespaceSelector, podSelector })),
    fc
      .constantFrom(...CIDRS)
      .chain(([cidr, except]) => fc.subarray(except).map((e) => ({ ipBlock: { cidr, except: e } }))),
  );
  const portArb: fc.Arbitrary<RawPort> = fc.constantFrom<RawPort>(
    {},
    { protocol: 'UDP' },
    { port: 8080 },
    { port: 9090 },
    { port: 'http' },
    { port: 'dns', protocol: 'UDP' },
    { port: 'dns' },
    { port: 8000, endPort: 9100 },
    { port: 53, protocol: 'UDP' },
    { protocol: 'SCTP', port: 9100 },
  );
  const ruleArb = (peerKey: 'from' | 'to'): fc.Arbitrary<RawRule> =>
    fc
      .record({
        peers: fc.option(fc.array(peerArb, { maxLength: 3 }), { nil: undefined }),
        ports: fc.option(fc.array(portArb, { maxLength: 3 }), { nil: undefined }),
      })
      .map(({ peers, ports }) => ({
        ...(peers ? { [peerKey]: peers } : {}),
        ...(ports ? { ports } : {}),
      }));
  const policyArb: fc.Arbitrary<RawPolicy> = fc
    .record({
      ns: fc.constantFrom(...NAMESPACES),
      podSelector: podSel,
      policyTypes: fc.option(fc.constantFrom<string[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress'], []), {
        nil: undefined,
      }),
      ingress: fc.option(fc.array(ruleArb('from'), { maxLength: 2 }), { nil: undefined }),
      egress: fc.option(fc.array(ruleArb('to'), { maxLength: 2 }), { nil: undefined }),
    })
    .map(({ ns, podSelector, policyTypes, ingress, egress }) => ({
      ns,
      spec: {
        podSelector,
        ...(policyTypes ? { policyTypes } : {}),
        ...(ingress ? { ingress } : {}),
        ...(egress ? { egress } : {}),
      },
    }));
  const podArb = fc.record({
    ns: fc.constantFrom(...NAMESPACES),
    app: fc.constantFrom('a', 'b', 'c'),
    role: fc.option(fc.constantFrom('web', 'db'), { nil: undefined }),
    http: fc.constantFrom(8080, 9090, undefined),
    dns: fc.boolean(),
  });
  const clusterArb = fc.record({
    pods: fc.array(podArb, { minLength: 2, maxLength: 5 }),
    policies: fc.array(policyArb, { maxLength: 4 }),
  });
  const PROBES = [
    '10.0.0.1',
    '10.1.2.3',
    '192.168.1.7',
    '192.168.1.200',
    '192.168.2.1',
    '8.8.8.8',
    '0.0.0.0',
    '255.255.255.255',
  ];

  const outcomes = new Map<string, number>();
  type Cluster = {
    pods: { ns: string; app: string; role?: string; http?: number; dns: boolean }[];
    policies: RawPolicy[];
  };
  /** Compare evaluate() and the connectivity listing with the reference, pair by pair and address by address. */
  const check = ({ pods: rawPods, policies }: Cluster, probes: string[]): void => {
    const pods: RefPod[] = rawPods.map((p, i) => ({
      ns: p.ns,
      name: `w${i}`,
      labels: { app: p.app, ...(p.role ? { role: p.role } : {}) },
      ports: [
        ...(p.http ? [{ name: 'http', port: p.http, protocol: 'TCP' }] : []),
        ...(p.dns ? [{ name: 'dns', port: 53, protocol: 'UDP' }] : []),
      ],
    }));
    const text =
      Object.entries(NS_LABELS)
        .map(([n, l]) => namespace(n, l))
        .join('') +
      pods
        .map((p) =>
          deploy(
            p.ns,
            p.name,
            p.labels,
            p.ports.map((x) => [x.name, x.port, x.protocol] as PortDecl),
          ),
        )
        .join('') +
      policies.map((p, i) => policy(p.ns, `p${i}`, p.spec)).join('');
    const e = engine(text);
    const engPod = (p: RefPod) => ep(e, `${p.ns}/${p.name}`);
    const conns = e.connectivity();
    const listed = new Map(conns.map((c) => [`${c.src} => ${c.dst}`, c.conn.toString()]));
    for (const src of pods) {
      for (const dst of pods) {
        if (src === dst) continue;
        const want = refAllowed(policies, { pod: src }, { pod: dst }).toString();
        outcomes.set(want, (outcomes.get(want) ?? 0) + 1);
        assert.equal(
          e.allowed(engPod(src), engPod(dst)).toString(),
          want,
          `${src.ns}/${src.name} -> ${dst.ns}/${dst.name}`,
        );
        assert.equal(
          listed.get(`${src.ns}/${src.name}[Deployment] => ${dst.ns}/${dst.name}[Deployment]`) ?? NONE,
          want,
          'listing',
        );
      }
      for (const addr of probes) {
        const ip = ipOf(addr);
        const out = refAllowed(policies, { pod: src }, { ip }).toString();
        const inn = refAllowed(policies, { ip }, { pod: src }).toString();
        assert.equal(e.allowed(engPod(src), ep(e, addr)).toString(), out, `${src.name} -> ${addr}`);
        assert.equal(e.allowed(ep(e, addr), engPod(src)).toString(), inn, `${addr} -> ${src.name}`);
        const name = `${src.ns}/${src.name}[Deployment]`;
        const outListed = conns.filter((c) => c.src === name && !c.dst.includes('[') && nameHolds(c.dst, ip));
        const inListed = conns.filter(
          (c) => c.dst === name && !c.src.includes('[') && !c.src.startsWith('{') && nameHolds(c.src, ip),
        );
        assert.deepEqual(
          outListed.map((c) => c.conn.toString()),
          out === NONE ? [] : [out],
          `listing ${name} -> ${addr}`,
        );
        assert.deepEqual(
          inListed.map((c) => c.conn.toString()),
          inn === NONE ? [] : [inn],
          `listing ${addr} -> ${name}`,
        );
      }
    }
  };

  it('agrees on every pair of workloads and on external addresses', () => {
    fc.assert(
      fc.property(clusterArb, (c) => check(c, PROBES)),
      { numRuns: 300 },
    );
    // The random clusters must exercise more than all-or-nothing answers.
    const partial = [...outcomes].filter(([k]) => k !== ALL && k !== NONE).reduce((n, [, v]) => n + v, 0);
    assert.ok(partial >= 50 && outcomes.size >= 10, `too few partial outcomes: ${JSON.stringify([...outcomes])}`);
  });

  it('agrees with more than 32 workloads (bitsets of several words)', () => {
    fc.assert(
      fc.property(
        fc.record({
          pods: fc.array(podArb, { minLength: 33, maxLength: 70 }),
          policies: fc.array(policyArb, { minLength: 1, maxLength: 6 }),
        }),
        (c) => check(c, PROBES.slice(0, 3)),
      ),
      { numRuns: 15 },
    );
  });
});
