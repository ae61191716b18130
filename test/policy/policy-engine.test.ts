/**
 * NetworkPolicy semantics of the connectivity engine, on small manifests: each case asserts the
 * exact set of connections between two endpoints. Here: which pods a policy isolates (podSelector,
 * policyTypes) and which peers its rules admit (pod and namespace selectors, ipBlocks). Ports and
 * listings are in policy-ports.test.ts, the stand-ins in policy-stand-ins.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL, BASE, NONE, conn, deploy, engine, listing, policy } from '../support/policy.js';

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
