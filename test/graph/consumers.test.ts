/**
 * Service consumers besides Ingresses, on the public examples copied into test-fixtures (Gateway
 * API, prometheus-operator, Istio Bookinfo, Argo Rollouts): what the model and graph make of them,
 * beyond "no finding" (which the fixture cases check).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Graph } from '../../src/graph/graph.js';
import { destinationRulesFor, serviceOfHost } from '../../src/graph/istio.js';
import { monitorTargets, prometheusSelects } from '../../src/graph/monitoring.js';
import { loadText } from '../../src/load/load.js';
import { hostnamesIntersect } from '../../src/model/gateway.js';
import { buildModel } from '../../src/model/model.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { FIXTURES } from '../support/harness.js';

function load(dir: string): Graph {
  const root = path.join(FIXTURES, dir);
  const files = readdirSync(root, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => loadText(f, readFileSync(path.join(root, f), 'utf8')));
  return new Graph(buildModel(files, { defaultNamespace: 'default' }));
}

function text(files: Record<string, string>): Graph {
  return new Graph(
    buildModel(
      Object.entries(files).map(([f, t]) => loadText(f, t)),
      { defaultNamespace: 'default' },
    ),
  );
}

describe('Gateway API examples', () => {
  for (const example of [
    'gateway-api-cross-namespace',
    'gateway-api-http-https',
    'gateway-api-tls-tcp',
    'gateway-api-udp-grpc',
  ]) {
    it(`attaches every route of ${example} to a listener and resolves every backend`, () => {
      const g = load(`route-not-accepted/valid/${example}`);
      assert.ok(g.model.gateways.length > 0 && g.model.routes.length > 0);
      for (const route of g.model.routes) {
        for (const ref of route.parentRefs) {
          const a = g.gateways.attachment(route, ref);
          assert.equal(
            a.status,
            'accepted',
            `${route.res.display}: ${JSON.stringify(a.status === 'refused' ? a.reasons : a.status)}`,
          );
          if (a.status === 'accepted') assert.equal(a.unverified, false);
        }
        for (const ref of route.backendRefs)
          assert.equal(g.routeBackend(ref).status, 'ok', `${route.res.display} → ${ref.name}`);
      }
    });
  }

  it('admits the routes of namespaces the Selector matches (cross-namespace example)', () => {
    const g = load('route-not-accepted/valid/gateway-api-cross-namespace');
    const [listener] = g.model.gateways[0].listeners;
    assert.equal(listener.from, 'Selector');
    const namespaces = new Set(g.model.routes.map((r) => r.res.namespace));
    assert.deepEqual([...namespaces].sort(), ['site-ns', 'store-ns']);
  });

  it('refuses a route of a namespace whose labels the Selector does not match', () => {
    const g = load('route-not-accepted/valid/gateway-api-cross-namespace');
    const route = g.model.routes[0];
    const ns = g.model.namespaces.get('site-ns')!;
    ns.labels.delete('shared-gateway-access');
    const a = g.gateways.attachment(route, route.parentRefs[0]);
    assert.equal(a.status, 'refused');
  });

  it('intersects hostnames as the Gateway API does', () => {
    assert.ok(hostnamesIntersect('*.example.com', 'foo.example.com'));
    assert.ok(hostnamesIntersect('foo.bar.example.com', '*.example.com'));
    assert.ok(hostnamesIntersect('*.example.com', '*.bar.example.com'));
    assert.ok(hostnamesIntersect('Foo.Example.com', 'foo.example.com'));
    assert.ok(!hostnamesIntersect('*.example.com', 'example.com'));
    assert.ok(!hostnamesIntersect('foo.example.com', 'bar.example.com'));
    assert.ok(!hostnamesIntersect('*.example.com', '*.example.org'));
  });

  it('gives the Gateway pods to connectivity, and NetworkPolicies can block them', () => {
    const route = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: x
  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: gw, namespace: infra}]
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
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}
`;
    const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
    const open = text({ 'a.yaml': route });
    const edges = new PolicyEngine(open.model, open).connectivity().filter((c) => c.src === 'infra/gw[Gateway]');
    assert.deepEqual(
      edges.map((c) => `${c.dst} ${c.conn.toString()}`),
      ['shop/web[Deployment] TCP 8080'],
    );
    const closed = text({ 'a.yaml': route, 'b.yaml': policy });
    assert.deepEqual(
      new PolicyEngine(closed.model, closed).connectivity().filter((c) => c.src === 'infra/gw[Gateway]'),
      [],
    );
  });
});

describe('prometheus-operator getting-started example', () => {
  it('resolves the ServiceMonitor to the Service and its port, the PodMonitor to the pods', () => {
    const g = load('monitor-port-unresolved/valid/prometheus-operator-getting-started');
    const [sm] = g.model.consumers.serviceMonitors;
    const [pm] = g.model.consumers.podMonitors;
    const t = monitorTargets(g, sm);
    assert.ok(t.complete);
    assert.deepEqual(
      t.services.map((s) => s.name),
      ['example-app'],
    );
    assert.ok(t.services[0].ports.some((p) => p.name === sm.endpoints[0].port));
    const p = monitorTargets(g, pm);
    assert.deepEqual(
      p.pods.map((x) => x.workload.name),
      ['example-app'],
    );
    const [prom] = g.model.consumers.prometheuses;
    // The Prometheus selects monitors labelled team=frontend: the PodMonitor's label, but it has no podMonitorSelector.
    assert.equal(prometheusSelects(g, prom, sm), false);
    assert.equal(prometheusSelects(g, prom, pm), false);
  });
});

describe('Istio Bookinfo', () => {
  it('resolves every destination to a Service and every subset to pods', () => {
    const g = load('istio-subset-unresolved/valid/istio-bookinfo');
    const { virtualServices } = g.model.consumers;
    assert.equal(virtualServices.length, 5);
    let subsets = 0;
    for (const vs of virtualServices) {
      for (const d of vs.destinations) {
        const target = serviceOfHost(d.host, vs.namespace)!;
        const svc = g.service(target.namespace, target.name);
        assert.ok(svc, d.host);
        if (!d.subset) continue;
        const subset = destinationRulesFor(g, svc)
          .flatMap((r) => r.subsets)
          .find((s) => s.name === d.subset);
        assert.ok(subset, `${d.host} ${d.subset}`);
        assert.ok(g.podsOf(svc).some((p) => [...subset.labels].every(([k, v]) => p.hasLabel(k, v))));
        subsets++;
      }
    }
    assert.equal(subsets, 4);
  });
});

describe('Argo Rollouts blue-green example', () => {
  it('finds both Services of the strategy, selecting the pod template labels', () => {
    const g = load('rollout-service-invalid/valid/argo-rollouts-bluegreen');
    const [ro] = g.model.consumers.rollouts;
    assert.deepEqual(
      ro.services.map((s) => s.field),
      ['activeService', 'previewService'],
    );
    for (const s of ro.services) {
      const svc = g.service(ro.namespace, s.name);
      assert.ok(svc);
      for (const [k, v] of svc.selector!) assert.equal(ro.templateLabels?.get(k), v);
    }
  });
});
