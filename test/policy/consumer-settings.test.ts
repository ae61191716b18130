/**
 * Where the Gateways' and Prometheus' pods run, as configured (`gatewayPods`, `prometheus` in
 * .kube-netlint.yaml): the config file's checks, the policy engine's stand-ins, and the rules that
 * use them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { ConfigError, loadConfig } from '../../src/engine/config.js';
import { lint } from '../../src/engine/runner.js';
import { Graph } from '../../src/graph/graph.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';
import type { PolicySettings } from '../../src/policy/engine.js';
import { PolicyEngine } from '../../src/policy/engine.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kube-netlint-consumer-settings-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ids = new Set(RULES.map((r) => r.meta.id));

function config(text: string) {
  const file = path.join(dir, '.kube-netlint.yaml');
  writeFileSync(file, text);
  return loadConfig(file, ids, dir);
}

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  gatewayClassName: eg
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9090"}
    spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}, {containerPort: 9090}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: envoy-gateway-system}}}]
      ports: [{port: 8080}]
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: metrics}}}]
      ports: [{port: 9090}]
`;

function run(policy: PolicySettings | undefined) {
  return lint([loadText('a.yaml', ROUTE)], {
    rules: RULES,
    settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767], policy },
  }).findings;
}

describe('gatewayPods and prometheus in the configuration', () => {
  it('reads both, with labels defaulting to none and the Gateway namespace left open', () => {
    const c = config(
      'gatewayPods:\n  namespace: envoy-gateway-system\n  labels:\n    gateway.envoyproxy.io/owning-gateway-name: "{name}"\nprometheus:\n  namespace: metrics\n',
    );
    assert.deepEqual(c.policy?.gatewayPods, {
      namespace: 'envoy-gateway-system',
      labels: { 'gateway.envoyproxy.io/owning-gateway-name': '{name}' },
    });
    assert.deepEqual(c.policy?.prometheus, { namespace: 'metrics', labels: {} });
    assert.deepEqual(config('gatewayPods:\n  labels: {app: gw}\n').policy?.gatewayPods, {
      namespace: undefined,
      labels: { app: 'gw' },
    });
  });

  it('rejects unknown keys, an empty gatewayPods and a prometheus without namespace, naming them', () => {
    assert.throws(
      () => config('gatewayPods:\n  namespaces: x\n'),
      (e: unknown) => e instanceof ConfigError && /gatewayPods: unknown key "namespaces"/.test(e.message),
    );
    assert.throws(
      () => config('gatewayPods: {}\n'),
      (e: unknown) => e instanceof ConfigError && /gatewayPods/.test(e.message),
    );
    assert.throws(
      () => config('prometheus:\n  labels: {app: prometheus}\n'),
      (e: unknown) => e instanceof ConfigError && /prometheus/.test(e.message),
    );
  });

  it('places every Gateway where gatewayPods says, filling in {name} and {namespace}', () => {
    const g = new Graph(buildModel([loadText('a.yaml', ROUTE)], { defaultNamespace: 'default' }));
    const byDefault = new PolicyEngine(g.model, g).standIns.find((s) => s.standIn.kind === 'gateway');
    assert.equal(byDefault?.pods[0].namespace, 'shop');
    assert.equal(byDefault?.pods[0].labels.get('gateway.networking.k8s.io/gateway-name'), 'gw');
    const settings: PolicySettings = {
      gatewayPods: { namespace: 'envoy-gateway-system', labels: { owner: '{namespace}.{name}' } },
    };
    const configured = new PolicyEngine(g.model, g, settings).standIns.find((s) => s.standIn.kind === 'gateway');
    assert.equal(configured?.pods[0].namespace, 'envoy-gateway-system');
    assert.deepEqual([...(configured?.pods[0].labels ?? [])], [['owner', 'shop.gw']]);
    assert.match(configured?.standIn.configured ?? '', /set in gatewayPods/);
  });

  it('netpol-blocks-ingress-backend follows gatewayPods', () => {
    const blocked = run(undefined).filter((f) => f.ruleId === 'netpol-blocks-ingress-backend');
    // By default the Gateway's pods are assumed in "shop"; the policy admits a namespace that looks
    // like a gateway's, so the finding is only an info.
    assert.deepEqual(
      blocked.map((f) => f.severity),
      ['info'],
    );
    assert.match(blocked[0].message, /HTTPRoute "web".*cannot tell which pods run Gateway "gw"; set gatewayPods/);
    assert.deepEqual(
      run({ gatewayPods: { namespace: 'envoy-gateway-system', labels: {} } }).filter(
        (f) => f.ruleId === 'netpol-blocks-ingress-backend',
      ),
      [],
    );
    const wrong = run({ gatewayPods: { namespace: 'gateways', labels: {} } }).filter(
      (f) => f.ruleId === 'netpol-blocks-ingress-backend',
    );
    assert.deepEqual(
      wrong.map((f) => f.severity),
      ['error'],
    );
    assert.match(
      wrong[0].message,
      /blocked for the pods of Gateway "shop\/gw".*set in gatewayPods \(namespace "gateways"\), not in the input/,
    );
  });

  it('netpol-blocks-monitoring checks annotated pods against the configured Prometheus', () => {
    const monitoring = (policy: PolicySettings | undefined) =>
      run(policy).filter((f) => f.ruleId === 'netpol-blocks-monitoring');
    // No Prometheus in the input and none configured: nothing to check.
    assert.deepEqual(monitoring(undefined), []);
    assert.deepEqual(monitoring({ prometheus: { namespace: 'metrics', labels: { app: 'prometheus' } } }), []);
    const blocked = monitoring({ prometheus: { namespace: 'monitoring', labels: { app: 'prometheus' } } });
    assert.equal(blocked.length, 1);
    assert.match(
      blocked[0].message,
      /prometheus\.io\/scrape annotation of Deployment "shop\/web".*TCP 9090 is blocked for Prometheus "monitoring\/\{prometheus\}"/,
    );
  });
});
