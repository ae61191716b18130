/**
 * Cilium policies in the connectivity engine, on small manifests: the traps of their semantics
 * (deny over allow, world vs cluster, the namespace label, L7 rules opening their port, default
 * deny and enableDefaultDeny, Cilium next to NetworkPolicies). The random differential test of all
 * kinds mixed is in policy-tiers-differential.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainText } from '../../src/format/connectivity/explain.js';
import { conn, deploy, engine, ep } from '../support/policy.js';
import { doc } from '../support/util.js';

function cnp(ns: string, name: string, spec: unknown): string {
  return doc({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: ns }, spec });
}

function ccnp(name: string, spec: unknown): string {
  return doc({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec });
}

const APPS =
  deploy('shop', 'web', { app: 'web' }) +
  deploy('shop', 'api', { app: 'api' }, [['http', 8080]]) +
  deploy('ops', 'probe', { app: 'probe' }) +
  deploy('ops', 'api', { app: 'api' });

describe('Cilium policies', () => {
  it('a deny rule wins over an allow rule of any policy', () => {
    const allow = cnp('shop', 'allow', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [{ fromEndpoints: [{}] }],
    });
    const deny = ccnp('deny', {
      endpointSelector: {},
      ingressDeny: [
        { fromEndpoints: [{ matchLabels: { app: 'web' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] },
      ],
    });
    const e = engine(APPS + allow + deny);
    assert.equal(conn(e, 'shop/web', 'shop/api'), 'TCP 1-8079,8081-65535,UDP 1-65535,SCTP 1-65535');
    const text = explainText({
      src: 'shop/web',
      dst: 'shop/api',
      port: { protocol: 'TCP', port: 8080 },
      explanation: e.evaluate(ep(e, 'shop/web'), ep(e, 'shop/api'), true),
    });
    assert.match(text, /BLOCKED/);
    assert.match(
      text,
      /CiliumClusterwideNetworkPolicy "deny" ingressDeny\[0\] \(t\.yaml:\d+:\d+\) denies shop\/web: TCP 8080 \(deny wins\)/,
    );
  });

  it('a namespaced policy reaches other namespaces only with k8s:io.kubernetes.pod.namespace', () => {
    const local = cnp('shop', 'local', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [{ fromEndpoints: [{ matchLabels: { app: 'probe' } }] }],
    });
    assert.equal(conn(engine(APPS + local), 'ops/probe', 'shop/api'), 'No Connections');
    const named = cnp('shop', 'named', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'ops', app: 'probe' } }] }],
    });
    const e = engine(APPS + named);
    assert.equal(conn(e, 'ops/probe', 'shop/api'), 'All Connections');
    assert.equal(conn(e, 'shop/web', 'shop/api'), 'No Connections');
    // The endpointSelector of a namespaced policy never leaves its namespace.
    assert.equal(conn(e, 'ops/probe', 'ops/api'), 'All Connections');
  });

  it('toEntities world is every outside address, cluster every pod', () => {
    const world = cnp('shop', 'world', {
      endpointSelector: { matchLabels: { app: 'web' } },
      egress: [{ toEntities: ['world'] }],
    });
    let e = engine(APPS + world);
    assert.equal(conn(e, 'shop/web', '8.8.8.8'), 'All Connections');
    assert.equal(conn(e, 'shop/web', 'shop/api'), 'No Connections');
    const cluster = cnp('shop', 'cluster', {
      endpointSelector: { matchLabels: { app: 'web' } },
      egress: [{ toEntities: ['cluster'] }],
    });
    e = engine(APPS + cluster);
    assert.equal(conn(e, 'shop/web', '8.8.8.8'), 'No Connections');
    assert.equal(conn(e, 'shop/web', 'ops/api'), 'All Connections');
  });

  it('L7 rules open their L4 port (the HTTP filter is not analysed)', () => {
    const l7 = cnp('shop', 'l7', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [
        {
          fromEndpoints: [{ matchLabels: { app: 'web' } }],
          toPorts: [
            { ports: [{ port: 'http', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/v1/.*' }] } },
          ],
        },
      ],
    });
    const e = engine(APPS + l7);
    assert.equal(conn(e, 'shop/web', 'shop/api'), 'TCP 8080');
    const text = explainText({
      src: 'shop/web',
      dst: 'shop/api',
      explanation: e.evaluate(ep(e, 'shop/web'), ep(e, 'shop/api'), true),
    });
    assert.match(text, /admits shop\/web: TCP 8080 \(its L7 rules filter further: not analysed\)/);
  });

  it('default deny per direction; ingress: [{}] denies all; enableDefaultDeny false adds rules only', () => {
    const lock = cnp('shop', 'lock', { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{}] });
    let e = engine(APPS + lock);
    assert.equal(conn(e, 'shop/web', 'shop/api'), 'No Connections');
    assert.equal(conn(e, 'shop/api', 'shop/web'), 'All Connections');
    const soft = cnp('shop', 'soft', {
      endpointSelector: { matchLabels: { app: 'api' } },
      enableDefaultDeny: { ingress: false },
      ingress: [{ fromEndpoints: [{ matchLabels: { app: 'web' } }], toPorts: [{ ports: [{ port: '8080' }] }] }],
    });
    e = engine(APPS + soft);
    assert.equal(conn(e, 'ops/probe', 'shop/api'), 'All Connections');
  });

  it('adds up with NetworkPolicies: either admits', () => {
    const np = doc({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'np', namespace: 'shop' },
      spec: {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }],
      },
    });
    const c = cnp('shop', 'c', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [
        {
          fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'ops' } }],
          toPorts: [{ ports: [{ port: '9000', endPort: 9010, protocol: 'TCP' }] }],
        },
      ],
    });
    const e = engine(APPS + np + c);
    assert.equal(conn(e, 'shop/web', 'shop/api'), 'TCP 8080');
    assert.equal(conn(e, 'ops/probe', 'shop/api'), 'TCP 9000-9010');
    assert.ok(
      e
        .connectivity()
        .some(
          (x) =>
            x.src === 'ops/probe[Deployment]' &&
            x.dst === 'shop/api[Deployment]' &&
            x.conn.toString() === 'TCP 9000-9010',
        ),
    );
  });
});
