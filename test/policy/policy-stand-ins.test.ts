/**
 * The stand-ins of the connectivity engine, on small manifests: the ingress controller (the source
 * of Ingress and Gateway traffic) and the cluster DNS pods.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INGRESS_CONTROLLER } from '../../src/policy/engine.js';
import type { PolicyEngine } from '../../src/policy/engine.js';
import { doc } from '../support/util.js';
import { ALL, NONE, conn, deploy, engine, ep, listing, policy } from '../support/policy.js';

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
