/**
 * NetworkPolicy semantics of the connectivity engine, on small manifests: each case asserts the
 * exact set of connections between two endpoints. Also the algebra of ConnSet and the IPv4 ranges
 * of ipBlocks, with property tests against brute-force models, and a differential test of the
 * engine against a straightforward reference evaluator written from the API documentation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Graph } from '../../src/graph/graph.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';
import { ConnSet, MAX_PORT, MIN_PORT, PROTOCOL_ORDER } from '../../src/policy/conn.js';
import type { Protocol } from '../../src/policy/conn.js';
import { INGRESS_CONTROLLER, PolicyEngine } from '../../src/policy/engine.js';
import type { Endpoint, PolicySettings } from '../../src/policy/engine.js';
import { atomsOf, formatIp, formatRange, parseCidr, partition } from '../../src/policy/ipranges.js';
import { explainText } from '../../src/format/connectivity/explain.js';
import type { IpRange } from '../../src/policy/ipranges.js';
import { doc } from '../support/util.js';

// ---------------------------------------------------------------------------------------------
// Manifest builders. Documents are written as JSON (valid YAML); avoid YAML 1.1 booleans (y, n,
// on, off, yes, no) as bare names anyway.

type Labels = Record<string, string>;
type PortDecl = [name: string, number: number, protocol?: string];

function deploy(ns: string, name: string, labels: Labels, ports: PortDecl[] = [], kind = 'Deployment'): string {
  const containers = [
    {
      name: 'main',
      image: 'registry.example.com/app:1',
      ports: ports.map(([n, containerPort, protocol]) => ({
        name: n,
        containerPort,
        ...(protocol ? { protocol } : {}),
      })),
    },
  ];
  const template = { metadata: { labels }, spec: { containers } };
  const spec =
    kind === 'StatefulSet'
      ? { serviceName: name, selector: { matchLabels: labels }, template }
      : { selector: { matchLabels: labels }, template };
  return doc({ apiVersion: 'apps/v1', kind, metadata: { name, namespace: ns }, spec });
}

function namespace(name: string, labels: Labels): string {
  return doc({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

function policy(ns: string, name: string, spec: Record<string, unknown>): string {
  return doc({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
}

function engine(text: string, settings: PolicySettings = {}): PolicyEngine {
  const model = buildModel([loadText('t.yaml', text)], { defaultNamespace: 'default' });
  return new PolicyEngine(model, new Graph(model), settings);
}

/** An endpoint: `ns/name`, `{ingress-controller}` or an IPv4 address. */
function ep(e: PolicyEngine, spec: string): Endpoint {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(spec)) {
    const atom = e.atomOf(spec);
    assert.ok(typeof atom === 'number' && atom >= 0, `no atom for ${spec}`);
    return { kind: 'external', atom };
  }
  const pods = e.findPod(spec, 'default');
  assert.equal(pods.length, 1, `${spec} names ${pods.length} workloads`);
  return { kind: 'pod', pod: pods[0] };
}

function conn(e: PolicyEngine, src: string, dst: string): string {
  return e.evaluate(ep(e, src), ep(e, dst)).conn.toString();
}

function listing(e: PolicyEngine): string[] {
  return e.connectivity().map((c) => `${c.src} => ${c.dst} : ${c.conn.toString()}`);
}

const ALL = 'All Connections';
const NONE = 'No Connections';

/** Three workloads in namespace `shop`, one in `ops` (a Namespace object with labels), one in `tools` (no Namespace object). */
const BASE =
  namespace('ops', { team: 'platform' }) +
  deploy('shop', 'a', { app: 'a' }, [['http', 8080]]) +
  deploy('shop', 'b', { app: 'b', role: 'web' }, [
    ['http', 9090],
    ['dns', 53, 'UDP'],
  ]) +
  deploy('shop', 'c', { app: 'c', role: 'web' }, [['http', 9191]]) +
  deploy('ops', 'a', { app: 'a' }, [['http', 7070]]) +
  deploy('tools', 'd', { app: 'd' }, [['http', 6060]]);

// ---------------------------------------------------------------------------------------------

describe('policy isolation and policyTypes', () => {
  it('without policies everything is allowed, both ways and to external addresses', () => {
    const e = engine(BASE);
    assert.equal(conn(e, 'shop/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'shop/b', 'shop/a'), ALL);
    assert.equal(conn(e, 'shop/a', 'ops/a'), ALL);
    assert.equal(conn(e, '8.8.8.8', 'shop/a'), ALL);
    assert.equal(conn(e, 'shop/a', '8.8.8.8'), ALL);
  });

  it('isolation is per direction: an ingress policy leaves the pod egress open', () => {
    const e = engine(
      BASE + policy('shop', 'deny-b', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Ingress'] }),
    );
    assert.equal(conn(e, 'shop/a', 'shop/b'), NONE);
    assert.equal(conn(e, 'shop/b', 'shop/a'), ALL);
    assert.equal(conn(e, 'shop/b', '8.8.8.8'), ALL);
    assert.equal(conn(e, '8.8.8.8', 'shop/b'), NONE);
  });

  it('isolation is per direction: an egress policy leaves the pod ingress open', () => {
    const e = engine(
      BASE + policy('shop', 'deny-b', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Egress'] }),
    );
    assert.equal(conn(e, 'shop/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'shop/b', 'shop/a'), NONE);
    assert.equal(conn(e, 'shop/b', '8.8.8.8'), NONE);
    assert.equal(conn(e, '8.8.8.8', 'shop/b'), ALL);
  });

  it('only egress rules and no policyTypes: isolates ingress and egress', () => {
    const e = engine(
      BASE +
        policy('shop', 'b-out', {
          podSelector: { matchLabels: { app: 'b' } },
          egress: [{ to: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 8080 }] }],
        }),
    );
    assert.equal(conn(e, 'shop/b', 'shop/a'), 'TCP 8080');
    assert.equal(conn(e, 'shop/b', 'shop/c'), NONE);
    assert.equal(
      conn(e, 'shop/a', 'shop/b'),
      NONE,
      'ingress is isolated too (Ingress is always a default policy type)',
    );
    assert.equal(conn(e, 'shop/c', 'shop/b'), NONE);
  });

  it('explicit policyTypes: [Ingress] ignores egress rules', () => {
    const e = engine(
      BASE +
        policy('shop', 'b', {
          podSelector: { matchLabels: { app: 'b' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }],
          egress: [{ to: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 8080 }] }],
        }),
    );
    assert.equal(conn(e, 'shop/b', 'shop/c'), ALL, 'egress is not isolated');
    assert.equal(conn(e, 'shop/b', 'shop/a'), ALL);
    assert.equal(conn(e, 'shop/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'shop/c', 'shop/b'), NONE);
  });

  it('explicit policyTypes: [Egress] ignores ingress rules', () => {
    const e = engine(
      BASE +
        policy('shop', 'b', {
          podSelector: { matchLabels: { app: 'b' } },
          policyTypes: ['Egress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }],
        }),
    );
    assert.equal(conn(e, 'shop/c', 'shop/b'), ALL, 'ingress is not isolated');
    assert.equal(conn(e, 'shop/b', 'shop/a'), NONE, 'egress is isolated with no rule');
  });

  it('egress: [] without policyTypes isolates nothing for egress; with policyTypes Egress it denies all', () => {
    const open = engine(BASE + policy('shop', 'b', { podSelector: { matchLabels: { app: 'b' } }, egress: [] }));
    assert.equal(conn(open, 'shop/b', 'shop/a'), ALL);
    assert.equal(conn(open, 'shop/b', '1.2.3.4'), ALL);
    assert.equal(conn(open, 'shop/a', 'shop/b'), NONE, 'but Ingress is isolated');
    const closed = engine(
      BASE + policy('shop', 'b', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Egress'], egress: [] }),
    );
    assert.equal(conn(closed, 'shop/b', 'shop/a'), NONE);
    assert.equal(conn(closed, 'shop/b', '1.2.3.4'), NONE);
  });

  it('policyTypes: [] is the same as omitted', () => {
    const e = engine(
      BASE +
        policy('shop', 'b', {
          podSelector: { matchLabels: { app: 'b' } },
          policyTypes: [],
          egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
        }),
    );
    assert.equal(conn(e, 'shop/b', 'shop/a'), 'UDP 53');
    assert.equal(conn(e, 'shop/a', 'shop/b'), NONE);
  });

  it('ingress: [] with Ingress isolates; a rule {} allows everything', () => {
    const deny = engine(BASE + policy('shop', 'b', { podSelector: { matchLabels: { app: 'b' } }, ingress: [] }));
    assert.equal(conn(deny, 'shop/a', 'shop/b'), NONE);
    const allow = engine(BASE + policy('shop', 'b', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{}] }));
    assert.equal(conn(allow, 'shop/a', 'shop/b'), ALL);
    assert.equal(conn(allow, 'ops/a', 'shop/b'), ALL);
    assert.equal(conn(allow, '203.0.113.9', 'shop/b'), ALL);
  });

  it('a policy only selects pods of its own namespace', () => {
    const e = engine(BASE + policy('shop', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    assert.equal(conn(e, 'shop/a', 'shop/b'), NONE);
    assert.equal(conn(e, 'ops/a', 'tools/d'), ALL);
    assert.equal(conn(e, 'tools/d', 'ops/a'), ALL);
    assert.equal(conn(e, 'ops/a', 'shop/a'), NONE);
  });

  it('rules are additive across policies, and a default deny takes nothing away', () => {
    const e = engine(
      BASE +
        policy('shop', 'deny', { podSelector: {} }) +
        policy('shop', 'http', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 80 }] }],
        }) +
        policy('shop', 'https', {
          podSelector: { matchLabels: { role: 'web' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 443 }, { port: 8443 }] }],
        }),
    );
    assert.equal(conn(e, 'shop/a', 'shop/b'), 'TCP 80,443,8443');
    assert.equal(conn(e, 'shop/a', 'shop/c'), 'TCP 443,8443');
    assert.equal(conn(e, 'shop/c', 'shop/b'), NONE);
  });

  it('src egress AND dst ingress are combined on port sets, not booleans', () => {
    const e = engine(
      BASE +
        policy('shop', 'a-out', {
          podSelector: { matchLabels: { app: 'a' } },
          policyTypes: ['Egress'],
          egress: [
            {
              ports: [
                { port: 80, endPort: 90 },
                { protocol: 'UDP', port: 53 },
              ],
            },
          ],
        }) +
        policy('shop', 'b-in', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ ports: [{ port: 85, endPort: 100 }, { protocol: 'SCTP' }] }],
        }) +
        policy('shop', 'c-in', {
          podSelector: { matchLabels: { app: 'c' } },
          ingress: [{ ports: [{ port: 91, endPort: 100 }] }],
        }),
    );
    assert.equal(conn(e, 'shop/a', 'shop/b'), 'TCP 85-90');
    assert.equal(conn(e, 'shop/a', 'shop/c'), NONE, 'overlapping rules on both sides but disjoint ports');
    assert.equal(conn(e, 'shop/a', 'ops/a'), 'TCP 80-90,UDP 53');
    assert.equal(conn(e, 'ops/a', 'shop/b'), 'TCP 85-100,SCTP 1-65535');
  });
});

describe('peers', () => {
  const to = (from: unknown[]) =>
    engine(BASE + policy('shop', 'b-in', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from }] }));

  it('podSelector alone: pods of the policy namespace only', () => {
    const e = to([{ podSelector: { matchLabels: { app: 'a' } } }]);
    assert.equal(conn(e, 'shop/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'ops/a', 'shop/b'), NONE, 'same labels in another namespace');
    assert.equal(conn(e, 'shop/c', 'shop/b'), NONE);
    assert.equal(conn(e, '10.0.0.1', 'shop/b'), NONE);
  });

  it('namespaceSelector alone: every pod of the matching namespaces', () => {
    const e = to([{ namespaceSelector: { matchLabels: { team: 'platform' } } }]);
    assert.equal(conn(e, 'ops/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'shop/a', 'shop/b'), NONE);
    assert.equal(conn(e, 'tools/d', 'shop/b'), NONE);
  });

  it('namespaceSelector and podSelector in one peer: AND', () => {
    const e = engine(
      BASE +
        deploy('ops', 'e', { app: 'e' }) +
        policy('shop', 'b-in', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { team: 'platform' } },
                  podSelector: { matchLabels: { app: 'a' } },
                },
              ],
            },
          ],
        }),
    );
    assert.equal(conn(e, 'ops/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'ops/e', 'shop/b'), NONE, 'right namespace, wrong pod');
    assert.equal(conn(e, 'shop/a', 'shop/b'), NONE, 'right pod, wrong namespace');
  });

  it('separate peers: OR', () => {
    const e = engine(
      BASE +
        deploy('ops', 'e', { app: 'e' }) +
        policy('shop', 'b-in', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { team: 'platform' } } },
                { podSelector: { matchLabels: { app: 'a' } } },
              ],
            },
          ],
        }),
    );
    assert.equal(conn(e, 'ops/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'ops/e', 'shop/b'), ALL);
    assert.equal(conn(e, 'shop/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'shop/c', 'shop/b'), NONE);
    assert.equal(conn(e, 'tools/d', 'shop/b'), NONE);
  });

  it('namespaceSelector: {} is every pod of every namespace, but no external address', () => {
    const e = to([{ namespaceSelector: {} }]);
    assert.equal(conn(e, 'shop/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'ops/a', 'shop/b'), ALL);
    assert.equal(conn(e, 'tools/d', 'shop/b'), ALL);
    assert.equal(conn(e, '8.8.8.8', 'shop/b'), NONE);
  });

  it('a missing or empty from is every peer, external addresses included', () => {
    for (const rule of [{}, { from: [] }, { from: null }]) {
      const e = engine(BASE + policy('shop', 'b-in', { podSelector: { matchLabels: { app: 'b' } }, ingress: [rule] }));
      assert.equal(conn(e, 'tools/d', 'shop/b'), ALL, JSON.stringify(rule));
      assert.equal(conn(e, '8.8.8.8', 'shop/b'), ALL, JSON.stringify(rule));
    }
    const out = engine(
      BASE +
        policy('shop', 'b-out', {
          podSelector: { matchLabels: { app: 'b' } },
          egress: [{ to: [], ports: [{ port: 443 }] }],
        }),
    );
    assert.equal(conn(out, 'shop/b', '8.8.8.8'), 'TCP 443');
    assert.equal(conn(out, 'shop/b', 'tools/d'), 'TCP 443');
  });

  it('ipBlock with except addresses external endpoints only', () => {
    const e = to([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.3.0/24'] } }]);
    assert.equal(conn(e, '10.0.0.1', 'shop/b'), ALL);
    assert.equal(conn(e, '10.255.255.255', 'shop/b'), ALL);
    assert.equal(conn(e, '10.2.4.1', 'shop/b'), ALL);
    assert.equal(conn(e, '10.1.0.0', 'shop/b'), NONE);
    assert.equal(conn(e, '10.1.255.255', 'shop/b'), NONE);
    assert.equal(conn(e, '10.2.3.200', 'shop/b'), NONE);
    assert.equal(conn(e, '11.0.0.0', 'shop/b'), NONE);
    assert.equal(conn(e, '9.255.255.255', 'shop/b'), NONE);
    assert.equal(conn(e, 'shop/a', 'shop/b'), NONE, 'an ipBlock never matches pods');
    assert.deepEqual(
      listing(e).filter((l) => l.endsWith('=> shop/b[Deployment] : All Connections')),
      ['10.0.0.0/16,10.2.0.0-10.2.2.255,10.2.4.0-10.255.255.255 => shop/b[Deployment] : All Connections'],
    );
  });

  it('egress ipBlock: 0.0.0.0/0 except private ranges', () => {
    const e = engine(
      BASE +
        policy('shop', 'a-out', {
          podSelector: { matchLabels: { app: 'a' } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }],
              ports: [{ port: 443 }],
            },
          ],
        }),
    );
    assert.equal(conn(e, 'shop/a', '8.8.8.8'), 'TCP 443');
    assert.equal(conn(e, 'shop/a', '10.9.9.9'), NONE);
    assert.equal(conn(e, 'shop/a', '192.168.1.1'), NONE);
    assert.equal(conn(e, 'shop/a', 'shop/b'), NONE);
    assert.ok(
      listing(e).includes(
        'shop/a[Deployment] => 0.0.0.0-9.255.255.255,11.0.0.0-192.167.255.255,192.169.0.0-255.255.255.255 : TCP 443',
      ),
    );
  });

  it('a policy with a peer that the API rejects (ipBlock with a selector, empty peer) does not exist: it isolates nothing', () => {
    for (const peers of [
      [{ ipBlock: { cidr: '0.0.0.0/0' }, podSelector: {} }],
      [{}],
      [{ ipBlock: { cidr: '10.0.0.0/33' } }],
      [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }],
    ]) {
      const e = to(peers);
      assert.equal(conn(e, 'shop/a', 'shop/b'), ALL, JSON.stringify(peers));
      assert.equal(conn(e, '8.8.8.8', 'shop/b'), ALL, JSON.stringify(peers));
      assert.deepEqual(e.isolatedIngress(e.findPod('shop/b', 'default')[0]), []);
    }
  });

  it('kubernetes.io/metadata.name matches a namespace without a Namespace object; its other labels never match', () => {
    const byName = to([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } } }]);
    assert.equal(conn(byName, 'tools/d', 'shop/b'), ALL);
    assert.equal(conn(byName, 'ops/a', 'shop/b'), NONE);
    const byIn = to([
      {
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['tools', 'ops'] }],
        },
      },
    ]);
    assert.equal(conn(byIn, 'tools/d', 'shop/b'), ALL);
    assert.equal(conn(byIn, 'ops/a', 'shop/b'), ALL);
    const byTeam = to([{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } }]);
    assert.equal(conn(byTeam, 'tools/d', 'shop/b'), NONE);
    assert.equal(conn(byTeam, 'ops/a', 'shop/b'), ALL);
    const noTeam = to([{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } }]);
    assert.equal(
      conn(noTeam, 'tools/d', 'shop/b'),
      ALL,
      'DoesNotExist matches a namespace that has only its name label',
    );
    assert.equal(conn(noTeam, 'ops/a', 'shop/b'), NONE);
    // A Namespace object's own labels do match, and its name label is implicit.
    const ops = to([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops', team: 'platform' } } },
    ]);
    assert.equal(conn(ops, 'ops/a', 'shop/b'), ALL);
  });

  it('matchLabels: null is an empty selector', () => {
    const e = engine(
      BASE +
        `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: null-selectors
  namespace: shop
spec:
  podSelector:
    matchLabels: null
  ingress:
    - from:
        - podSelector:
            matchLabels: null
`,
    );
    assert.equal(conn(e, 'shop/a', 'shop/b'), ALL, 'peer selects every pod of shop');
    assert.equal(conn(e, 'ops/a', 'shop/b'), NONE);
    assert.equal(conn(e, 'ops/a', 'shop/c'), NONE, 'spec.podSelector selects every pod of shop');
    const ns = to([{ namespaceSelector: { matchLabels: null } }]);
    assert.equal(conn(ns, 'tools/d', 'shop/b'), ALL);
    assert.equal(conn(ns, '8.8.8.8', 'shop/b'), NONE);
  });

  it('pods of a workload in another namespace are reached by namespace and pod selectors together', () => {
    const e = engine(
      BASE +
        policy('ops', 'a-in', {
          podSelector: { matchLabels: { app: 'a' } },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
                  podSelector: { matchLabels: { role: 'web' } },
                },
              ],
              ports: [{ port: 'http' }],
            },
          ],
        }),
    );
    assert.equal(conn(e, 'shop/b', 'ops/a'), 'TCP 7070', 'the named port resolves on ops/a, not on shop/a');
    assert.equal(conn(e, 'shop/c', 'ops/a'), 'TCP 7070');
    assert.equal(conn(e, 'shop/a', 'ops/a'), NONE);
    assert.equal(conn(e, 'shop/b', 'shop/a'), ALL, 'shop/a has the same labels but is not selected by a policy of ops');
  });
});

describe('ports', () => {
  const ingressB = (ports: unknown[]) =>
    engine(BASE + policy('shop', 'b-in', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ ports }] }));

  it('a named port resolves on the destination by name and protocol', () => {
    assert.equal(conn(ingressB([{ port: 'http' }]), 'shop/a', 'shop/b'), 'TCP 9090');
    assert.equal(conn(ingressB([{ port: 'dns', protocol: 'UDP' }]), 'shop/a', 'shop/b'), 'UDP 53');
    assert.equal(
      conn(ingressB([{ port: 'dns' }]), 'shop/a', 'shop/b'),
      NONE,
      'dns is a UDP port on shop/b, the rule asks TCP',
    );
    assert.equal(conn(ingressB([{ port: 'grpc' }]), 'shop/a', 'shop/b'), NONE, 'no such name');
    assert.equal(
      conn(ingressB([{ port: 'http' }]), '8.8.8.8', 'shop/b'),
      'TCP 9090',
      'an ingress named port resolves on the destination pod, whatever the source',
    );
  });

  it('egress named ports resolve per destination pod (same name, different numbers)', () => {
    const e = engine(
      BASE +
        policy('shop', 'a-out', {
          podSelector: { matchLabels: { app: 'a' } },
          policyTypes: ['Egress'],
          egress: [{ ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }] }],
        }),
    );
    assert.equal(conn(e, 'shop/a', 'shop/b'), 'TCP 9090,UDP 53');
    assert.equal(conn(e, 'shop/a', 'shop/c'), 'TCP 9191');
    assert.equal(conn(e, 'shop/a', 'ops/a'), 'TCP 7070');
    assert.equal(conn(e, 'shop/a', 'tools/d'), 'TCP 6060');
    assert.equal(conn(e, 'shop/a', '8.8.8.8'), NONE, 'external endpoints have no port names');
  });

  it('a named port that two containers of the destination declare under different protocols', () => {
    const e = engine(
      deploy('shop', 'a', { app: 'a' }) +
        deploy('shop', 'dns', { app: 'dns' }, [
          ['dns', 5353, 'UDP'],
          ['dns-tcp', 5353, 'TCP'],
        ]) +
        policy('shop', 'dns-in', {
          podSelector: { matchLabels: { app: 'dns' } },
          ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }, { port: 'dns-tcp' }] }],
        }),
    );
    assert.equal(conn(e, 'shop/a', 'shop/dns'), 'TCP 5353,UDP 5353');
  });

  it('a UDP or SCTP rule never opens TCP', () => {
    assert.equal(conn(ingressB([{ protocol: 'UDP', port: 9090 }]), 'shop/a', 'shop/b'), 'UDP 9090');
    assert.equal(conn(ingressB([{ protocol: 'UDP' }]), 'shop/a', 'shop/b'), 'UDP 1-65535');
    assert.equal(conn(ingressB([{ protocol: 'SCTP', port: 9090 }]), 'shop/a', 'shop/b'), 'SCTP 9090');
    assert.equal(conn(ingressB([{ port: 9090 }]), 'shop/a', 'shop/b'), 'TCP 9090', 'protocol defaults to TCP');
    assert.equal(conn(ingressB([{}]), 'shop/a', 'shop/b'), 'TCP 1-65535', 'an entry without port: every TCP port');
    assert.equal(conn(ingressB([]), 'shop/a', 'shop/b'), ALL, 'an empty ports list: every port and protocol');
    assert.equal(
      conn(ingressB([{ protocol: 'TCP' }, { protocol: 'UDP' }, { protocol: 'SCTP' }]), 'shop/a', 'shop/b'),
      ALL,
      'every port of every protocol prints as All Connections',
    );
  });

  it('endPort makes a range', () => {
    assert.equal(conn(ingressB([{ port: 8000, endPort: 8010 }]), 'shop/a', 'shop/b'), 'TCP 8000-8010');
    assert.equal(conn(ingressB([{ port: 8000, endPort: 8000 }]), 'shop/a', 'shop/b'), 'TCP 8000');
    assert.equal(
      conn(ingressB([{ protocol: 'UDP', port: 30000, endPort: 32767 }]), 'shop/a', 'shop/b'),
      'UDP 30000-32767',
    );
    assert.equal(
      conn(
        ingressB([{ port: 8000, endPort: 8010 }, { port: 8011 }, { port: 7990, endPort: 8001 }]),
        'shop/a',
        'shop/b',
      ),
      'TCP 7990-8011',
    );
  });

  it('a policy with a port the API rejects does not exist: the pods it selects are not isolated by it', () => {
    const rejected = [
      [{ port: 8010, endPort: 8000 }],
      [{ port: 70000 }, { port: 0 }],
      [{ protocol: 'tcp', port: 8080 }],
      [{ endPort: 9000 }],
      [{ port: 'http', endPort: 9100 }],
      [{ port: 8000, endPort: 70000 }],
      [{ port: '8080' }],
    ];
    for (const ports of rejected) {
      const e = ingressB(ports);
      const x = e.evaluate(ep(e, 'shop/a'), ep(e, 'shop/b'), true);
      assert.equal(x.conn.toString(), ALL, JSON.stringify(ports));
      assert.deepEqual(x.ingress?.isolatedBy, [], JSON.stringify(ports));
    }
    // Another policy selecting the same pods still applies.
    const both = engine(
      BASE +
        policy('shop', 'b-in', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ ports: [{ protocol: 'tcp', port: 8080 }] }],
        }) +
        policy('shop', 'b-http', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ ports: [{ port: 'http' }] }],
        }),
    );
    assert.equal(conn(both, 'shop/a', 'shop/b'), 'TCP 9090');
  });
});

describe('explain reasons', () => {
  it('a rule that admits the peer on no port says why', () => {
    const e = engine(
      BASE +
        policy('shop', 'b-in', {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ ports: [{ port: 'grpc' }] }, { ports: [{ port: 'http' }] }],
        }),
    );
    const text = explainText({
      src: 'shop/a',
      dst: 'shop/b',
      explanation: e.evaluate(ep(e, 'shop/a'), ep(e, 'shop/b'), true),
    });
    const admits = text.split('\n').filter((l) => l.includes(' admits '));
    assert.equal(admits.length, 2);
    assert.match(
      admits[0],
      /^ {2}\+ ingress\[0\] of NetworkPolicy "shop\/b-in" \(t\.yaml:\d+:\d+\) admits shop\/a: no ports \(named port not found on the destination\)$/,
    );
    assert.match(admits[1], /^ {2}\+ ingress\[1\] .* admits shop\/a: TCP 9090$/);
  });
});

describe('connectivity listing', () => {
  it('never lists self-traffic, and lists both directions with external ranges', () => {
    const e = engine(
      deploy('shop', 'a', { app: 'a' }, [['http', 8080]]) +
        deploy('shop', 'b', { app: 'b' }, [['http', 9090]]) +
        policy('shop', 'a', {
          podSelector: { matchLabels: { app: 'a' } },
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { app: 'a' } } }, { podSelector: { matchLabels: { app: 'b' } } }],
              ports: [{ port: 'http' }],
            },
          ],
        }),
    );
    assert.deepEqual(listing(e), [
      '0.0.0.0/0 => shop/b[Deployment] : All Connections',
      'shop/a[Deployment] => 0.0.0.0/0 : All Connections',
      'shop/a[Deployment] => shop/b[Deployment] : All Connections',
      'shop/b[Deployment] => 0.0.0.0/0 : All Connections',
      'shop/b[Deployment] => shop/a[Deployment] : TCP 8080',
    ]);
  });

  it('names workloads by namespace, name and kind; findPod accepts name, ns/name and ns/name[Kind]', () => {
    const e = engine(
      deploy('default', 'web', { app: 'web' }) +
        deploy('default', 'web', { app: 'web2' }, [], 'StatefulSet') +
        deploy('shop', 'web', { app: 'web' }),
    );
    assert.deepEqual(
      e.findPod('web', 'default').map((p) => p.name),
      ['default/web[Deployment]', 'default/web[StatefulSet]'],
    );
    assert.deepEqual(
      e.findPod('default/web[StatefulSet]', 'default').map((p) => p.name),
      ['default/web[StatefulSet]'],
    );
    assert.deepEqual(
      e.findPod('shop/web', 'default').map((p) => p.name),
      ['shop/web[Deployment]'],
    );
    assert.deepEqual(
      e.findPod('web', 'shop').map((p) => p.name),
      ['shop/web[Deployment]'],
    );
    assert.deepEqual(e.findPod('nothing', 'default'), []);
    assert.equal(e.findPod(INGRESS_CONTROLLER, 'default')[0], e.controller);
  });
});

describe('the ingress controller stand-in', () => {
  const app =
    deploy('shop', 'web', { app: 'web' }, [
      ['http', 8080],
      ['admin', 9000],
    ]) +
    deploy('shop', 'other', { app: 'other' }, [['http', 8080]]) +
    doc({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }) +
    doc({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
            },
          },
        ],
      },
    });
  const fromNginx = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  };
  const controllerLines = (e: PolicyEngine) => listing(e).filter((l) => l.startsWith(INGRESS_CONTROLLER));

  it('without policies it reaches the backend pods on the Ingress target port only', () => {
    const e = engine(app);
    assert.equal(e.controller.name, INGRESS_CONTROLLER);
    assert.equal(conn(e, INGRESS_CONTROLLER, 'shop/web'), ALL);
    assert.deepEqual(controllerLines(e), ['{ingress-controller} => shop/web[Deployment] : TCP 8080']);
  });

  it('without settings it is an anonymous pod in a namespace of its own', () => {
    const all = engine(
      app + policy('shop', 'web', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    );
    assert.deepEqual(
      controllerLines(all),
      ['{ingress-controller} => shop/web[Deployment] : TCP 8080'],
      'namespaceSelector: {} admits it',
    );
    const sameNs = engine(app + policy('shop', 'web', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }));
    assert.deepEqual(controllerLines(sameNs), [], 'podSelector: {} is the policy namespace only');
    const named = engine(app + policy('shop', 'web', { podSelector: {}, ingress: [{ from: [fromNginx] }] }));
    assert.deepEqual(controllerLines(named), [], 'a namespace it is not known to run in');
    assert.equal(conn(named, INGRESS_CONTROLLER, 'shop/web'), NONE);
  });

  it('with settings it runs where they say, with their labels', () => {
    const settings = {
      ingressController: { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    };
    const e = engine(
      app + policy('shop', 'web', { podSelector: {}, ingress: [{ from: [fromNginx], ports: [{ port: 'http' }] }] }),
      settings,
    );
    assert.equal(e.controller.namespace, 'ingress-nginx');
    assert.equal(conn(e, INGRESS_CONTROLLER, 'shop/web'), 'TCP 8080');
    assert.equal(
      conn(e, INGRESS_CONTROLLER, 'shop/other'),
      'TCP 8080',
      'allowed by policy, but not an Ingress backend',
    );
    assert.deepEqual(controllerLines(e), ['{ingress-controller} => shop/web[Deployment] : TCP 8080']);
    const wrongLabel = engine(
      app +
        policy('shop', 'web', {
          podSelector: {},
          ingress: [
            { from: [{ ...fromNginx, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }] },
          ],
        }),
      settings,
    );
    assert.deepEqual(controllerLines(wrongLabel), []);
  });

  it('the Ingress port is intersected with what the policies allow', () => {
    const e = engine(app + policy('shop', 'web', { podSelector: {}, ingress: [{ ports: [{ port: 'admin' }] }] }));
    assert.deepEqual(controllerLines(e), [], 'the policy opens 9000, the Ingress sends to 8080');
  });

  it('a controller workload of the input is used when the settings select it', () => {
    const e = engine(app + deploy('ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' }), {
      ingressController: { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    });
    assert.equal(e.controller.name, 'ingress-nginx/controller[Deployment]');
    assert.deepEqual(controllerLines(e), ['{ingress-controller} => shop/web[Deployment] : TCP 8080']);
  });
});

describe('cluster DNS stand-in', () => {
  it('is kube-dns in kube-system on 53 by default, reachable through a DNS egress rule', () => {
    const e = engine(
      deploy('shop', 'a', { app: 'a' }) +
        policy('shop', 'dns', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
              ],
              ports: [{ port: 53, protocol: 'UDP' }, { port: 'dns-tcp' }],
            },
          ],
        }),
    );
    assert.deepEqual(
      e.dnsPods.map((p) => p.name),
      ['kube-system/{cluster-dns}'],
    );
    const x = e.evaluate(ep(e, 'shop/a'), { kind: 'pod', pod: e.dnsPods[0] });
    assert.equal(x.conn.toString(), 'TCP 53,UDP 53');
    assert.ok(!listing(e).some((l) => l.includes('cluster-dns')), 'the stand-in is not listed');
  });
});

// ---------------------------------------------------------------------------------------------
// ConnSet algebra

describe('ConnSet', () => {
  it('prints All Connections, No Connections and protocol lists', () => {
    assert.equal(ConnSet.ALL.toString(), ALL);
    assert.equal(ConnSet.NONE.toString(), NONE);
    assert.equal(ConnSet.of('TCP', 80).toString(), 'TCP 80');
    assert.equal(
      ConnSet.of('TCP', 80)
        .union(ConnSet.of('TCP', 8080, 8090))
        .union(ConnSet.of('UDP', 53))
        .toString(),
      'TCP 80,8080-8090,UDP 53',
    );
    assert.equal(
      ConnSet.of('SCTP', 1).union(ConnSet.of('TCP', 2)).toString(),
      'TCP 2,SCTP 1',
      'protocols in TCP, UDP, SCTP order',
    );
    assert.equal(ConnSet.allPorts('UDP').toString(), 'UDP 1-65535');
    assert.equal(
      ConnSet.allPorts('TCP').union(ConnSet.allPorts('UDP')).union(ConnSet.allPorts('SCTP')).toString(),
      ALL,
    );
  });

  it('merges adjacent and overlapping ranges', () => {
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .union(ConnSet.of('TCP', 91, 100))
        .toString(),
      'TCP 80-100',
    );
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .union(ConnSet.of('TCP', 85, 95))
        .toString(),
      'TCP 80-95',
    );
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .union(ConnSet.of('TCP', 92, 95))
        .toString(),
      'TCP 80-90,92-95',
    );
    assert.equal(
      ConnSet.of('TCP', 100)
        .union(ConnSet.of('TCP', 1, 99))
        .toString(),
      'TCP 1-100',
    );
  });

  it('intersects and subtracts per protocol', () => {
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .intersect(ConnSet.of('TCP', 85, 100))
        .toString(),
      'TCP 85-90',
    );
    assert.equal(
      ConnSet.of('TCP', 80, 90)
        .intersect(ConnSet.of('UDP', 80, 90))
        .toString(),
      NONE,
    );
    assert.equal(ConnSet.ALL.intersect(ConnSet.of('UDP', 53)).toString(), 'UDP 53');
    assert.equal(ConnSet.ALL.subtract(ConnSet.allPorts('TCP')).toString(), 'UDP 1-65535,SCTP 1-65535');
    assert.equal(ConnSet.of('TCP', 1, 100).subtract(ConnSet.of('TCP', 50)).toString(), 'TCP 1-49,51-100');
    assert.equal(
      ConnSet.of('TCP', 1, 100)
        .subtract(ConnSet.of('TCP', 1, 100))
        .toString(),
      NONE,
    );
    assert.equal(
      ConnSet.of('TCP', 1, 100)
        .subtract(ConnSet.of('UDP', 1, 100))
        .toString(),
      'TCP 1-100',
    );
    assert.equal(
      ConnSet.allPorts('TCP').subtract(ConnSet.of('TCP', 1)).subtract(ConnSet.of('TCP', 65535)).toString(),
      'TCP 2-65534',
    );
  });

  it('clamps to 1-65535 and treats an empty range as no connection', () => {
    assert.equal(ConnSet.of('TCP', 0, 10).toString(), 'TCP 1-10');
    assert.equal(ConnSet.of('TCP', 65530, 70000).toString(), 'TCP 65530-65535');
    for (const empty of [ConnSet.of('TCP', 90, 80), ConnSet.of('UDP', 0), ConnSet.of('TCP', 70000)]) {
      assert.equal(empty.isEmpty, true);
      assert.equal(empty.toString(), NONE);
      assert.ok(empty.equals(ConnSet.NONE));
      assert.equal(ConnSet.NONE.union(empty).toString(), NONE);
    }
  });

  it('has, isAll, isEmpty, equals', () => {
    const c = ConnSet.of('TCP', 80, 90).union(ConnSet.of('UDP', 53));
    assert.equal(c.has('TCP', 80), true);
    assert.equal(c.has('TCP', 90), true);
    assert.equal(c.has('TCP', 91), false);
    assert.equal(c.has('UDP', 80), false);
    assert.equal(c.has('SCTP', 53), false);
    assert.equal(ConnSet.ALL.isAll, true);
    assert.equal(ConnSet.allPorts('TCP').isAll, false);
    assert.equal(ConnSet.NONE.isEmpty, true);
    assert.ok(
      ConnSet.of('TCP', 80, 85)
        .union(ConnSet.of('TCP', 86, 90))
        .equals(ConnSet.of('TCP', 80, 90)),
    );
  });

  // A brute-force model: membership sampled at every point where a set built from the generated
  // ranges can change (each range start and end + 1), which determines the set exactly.
  const POINTS = [1, 2, 3, 5, 8, 53, 54, 80, 443, 1000, 32767, 65533, 65534, 65535];
  /** A range of one protocol, every port of one protocol, or everything. */
  type Spec = readonly [Protocol, number, number] | Protocol | 'ALL';
  const rangeArb: fc.Arbitrary<Spec> = fc
    .tuple(fc.constantFrom(...PROTOCOL_ORDER), fc.constantFrom(...POINTS), fc.constantFrom(...POINTS))
    .map(([p, a, b]) => [p, Math.min(a, b), Math.max(a, b)] as const);
  const connArb = fc.array(fc.oneof(rangeArb, fc.constantFrom<Spec>(...PROTOCOL_ORDER, 'ALL')), { maxLength: 5 });
  const samples = [...new Set(POINTS.flatMap((p) => [p, p + 1]).filter((p) => p >= MIN_PORT && p <= MAX_PORT))].sort(
    (a, b) => a - b,
  );
  type Model = Map<Protocol, boolean[]>;
  const build = (specs: Spec[]): [ConnSet, Model] => {
    let c = ConnSet.NONE;
    const m: Model = new Map(PROTOCOL_ORDER.map((p) => [p, samples.map(() => false)]));
    for (const s of specs) {
      if (s === 'ALL') {
        c = c.union(ConnSet.ALL);
        for (const p of PROTOCOL_ORDER)
          m.set(
            p,
            samples.map(() => true),
          );
      } else if (typeof s === 'string') {
        c = c.union(ConnSet.allPorts(s));
        m.set(
          s,
          samples.map(() => true),
        );
      } else {
        const [p, a, b] = s;
        c = c.union(ConnSet.of(p, a, b));
        m.set(
          p,
          m.get(p)!.map((v, i) => v || (samples[i] >= a && samples[i] <= b)),
        );
      }
    }
    return [c, m];
  };
  const op = (a: Model, b: Model, f: (x: boolean, y: boolean) => boolean): Model =>
    new Map(PROTOCOL_ORDER.map((p) => [p, a.get(p)!.map((v, i) => f(v, b.get(p)![i]))]));
  /** The string the model's set must print as, derived from the sampled membership. */
  const expected = (m: Model): string => {
    const parts: string[] = [];
    let all = true;
    for (const p of PROTOCOL_ORDER) {
      const bits = m.get(p)!;
      const ranges: string[] = [];
      for (let i = 0; i < samples.length; i++) {
        if (!bits[i]) continue;
        const lo = samples[i];
        let j = i;
        while (j + 1 < samples.length && bits[j + 1]) j++;
        const hi = j + 1 < samples.length ? samples[j + 1] - 1 : MAX_PORT;
        ranges.push(lo === hi ? String(lo) : `${lo}-${hi}`);
        i = j;
      }
      // membership below the first sample (port 1 is a sample) is never needed
      if (!(ranges.length === 1 && ranges[0] === `${MIN_PORT}-${MAX_PORT}`)) all = false;
      if (ranges.length) parts.push(`${p} ${ranges.join(',')}`);
    }
    if (parts.length === 0) return NONE;
    return all ? ALL : parts.join(',');
  };
  const agree = (c: ConnSet, m: Model): void => {
    assert.equal(c.toString(), expected(m));
    for (const p of PROTOCOL_ORDER)
      samples.forEach((port, i) => assert.equal(c.has(p, port), m.get(p)![i], `${p} ${port} in ${c.toString()}`));
    assert.equal(c.isEmpty, expected(m) === NONE);
    assert.equal(c.isAll, expected(m) === ALL);
  };

  it('union, intersect and subtract agree with a brute-force set of (protocol, port)', () => {
    fc.assert(
      fc.property(connArb, connArb, (x, y) => {
        const [a, ma] = build(x);
        const [b, mb] = build(y);
        agree(a, ma);
        agree(
          a.union(b),
          op(ma, mb, (u, v) => u || v),
        );
        agree(
          a.intersect(b),
          op(ma, mb, (u, v) => u && v),
        );
        agree(
          a.subtract(b),
          op(ma, mb, (u, v) => u && !v),
        );
        assert.equal(a.equals(b), expected(ma) === expected(mb));
        // algebraic identities
        assert.ok(a.union(b).equals(b.union(a)));
        assert.ok(a.intersect(b).equals(b.intersect(a)));
        assert.ok(a.subtract(b).union(a.intersect(b)).equals(a));
        assert.ok(a.subtract(b).intersect(b).isEmpty);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// IPv4 ranges

describe('ipranges', () => {
  const r = (s: string): IpRange => {
    const p = parseCidr(s);
    assert.ok(p.ok && !p.v6, s);
    return p.range;
  };

  it('parseCidr', () => {
    assert.deepEqual(r('10.0.0.0/8'), { lo: 10 * 2 ** 24, hi: 11 * 2 ** 24 - 1 });
    assert.deepEqual(r('10.1.2.3/8'), r('10.0.0.0/8'), 'host bits are masked');
    assert.deepEqual(r('0.0.0.0/0'), { lo: 0, hi: 2 ** 32 - 1 });
    assert.deepEqual(r('255.255.255.255/32'), { lo: 2 ** 32 - 1, hi: 2 ** 32 - 1 });
    assert.deepEqual(r(' 192.168.1.7/32 '), { lo: 0xc0a80107, hi: 0xc0a80107 });
    assert.deepEqual(parseCidr('2001:db8::/32'), { ok: true, v6: true, text: '2001:db8::/32' });
    for (const bad of [
      '10.0.0.0',
      '10.0.0.0/33',
      '256.0.0.0/8',
      '10.0.0/8',
      '01.2.3.4/8',
      '10.0.0.0/-1',
      'a.b.c.d/8',
      '2001:db8::/129',
      'zz::/64',
      '',
    ]) {
      assert.equal(parseCidr(bad).ok, false, bad);
    }
  });

  it('formatRange prints a CIDR when the range is exactly one, else first-last', () => {
    assert.equal(formatRange(r('0.0.0.0/0')), '0.0.0.0/0');
    assert.equal(formatRange(r('10.0.0.0/8')), '10.0.0.0/8');
    assert.equal(formatRange(r('1.2.3.4/32')), '1.2.3.4/32');
    assert.equal(formatRange({ lo: 0, hi: 10 * 2 ** 24 - 1 }), '0.0.0.0-9.255.255.255');
    assert.equal(formatRange({ lo: 1, hi: 2 }), '0.0.0.1-0.0.0.2', 'a power-of-two size that is not aligned');
    assert.equal(formatIp(2 ** 32 - 1), '255.255.255.255');
  });

  it('partition: the coarsest cut of the address space', () => {
    assert.deepEqual(partition([]), [{ lo: 0, hi: 2 ** 32 - 1 }]);
    assert.deepEqual(partition([r('0.0.0.0/0')]), [{ lo: 0, hi: 2 ** 32 - 1 }]);
    const atoms = partition([r('10.0.0.0/8'), r('10.1.0.0/16'), r('10.0.0.0/8')]);
    assert.deepEqual(atoms.map(formatRange), [
      '0.0.0.0-9.255.255.255',
      '10.0.0.0/16',
      '10.1.0.0/16',
      '10.2.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
    ]);
    assert.deepEqual(atomsOf(atoms, r('10.0.0.0/8'), [r('10.1.0.0/16')]), [1, 3]);
    assert.deepEqual(atomsOf(atoms, r('10.0.0.0/8'), []), [1, 2, 3]);
    assert.deepEqual(atomsOf(atoms, r('0.0.0.0/0'), [r('10.0.0.0/8')]), [0, 4]);
    assert.deepEqual(atomsOf(atoms, r('10.1.0.0/16'), [r('10.0.0.0/8')]), []);
  });

  const cidrArb = fc
    .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
    .map(([ip, bits]) => `${formatIp(ip)}/${bits}`);

  it('partition and atomsOf agree with brute force on random CIDRs', () => {
    fc.assert(
      fc.property(
        fc.array(cidrArb, { maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 20 }),
        (cidrs, probes) => {
          const ranges = cidrs.map(r);
          const atoms = partition(ranges);
          // contiguous, sorted, covering everything
          assert.equal(atoms[0].lo, 0);
          assert.equal(atoms[atoms.length - 1].hi, 2 ** 32 - 1);
          for (let i = 1; i < atoms.length; i++) assert.equal(atoms[i].lo, atoms[i - 1].hi + 1);
          // coarsest: every boundary is the start or the end + 1 of an input range
          const cuts = new Set(ranges.flatMap((x) => [x.lo, x.hi + 1]));
          for (const a of atoms.slice(1)) assert.ok(cuts.has(a.lo));
          // atomsOf(range minus except) is exactly the atoms whose addresses are in the set
          if (ranges.length === 0) return;
          const [range, ...except] = ranges;
          const inside = new Set(atomsOf(atoms, range, except));
          const member = (ip: number) =>
            ip >= range.lo && ip <= range.hi && !except.some((e) => ip >= e.lo && ip <= e.hi);
          atoms.forEach((a, i) => {
            // an atom never straddles a boundary: its first and last address agree
            assert.equal(member(a.lo), member(a.hi));
            assert.equal(inside.has(i), member(a.lo) && !except.some((e) => a.lo >= e.lo && a.hi <= e.hi));
          });
          for (const ip of probes) {
            const i = atoms.findIndex((a) => ip >= a.lo && ip <= a.hi);
            assert.equal(inside.has(i), member(ip));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
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

function ipOf(s: string): number {
  return s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inCidr(ip: number, cidr: string): boolean {
  const [addr, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ip / size) === Math.floor(ipOf(addr) / size);
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
