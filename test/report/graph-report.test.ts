/**
 * The network picture (`kube-netlint graph`, `diff --format html`): the graph model built from the
 * fixture app of test-fixtures/graph-report/app (nodes, edges and their colours, findings on nodes),
 * its agreement with the rules netpol-blocks-ingress-backend and netpol-blocks-service-reference,
 * and the dot and mermaid goldens. The HTML page is tested in html.test.ts, the diff view in
 * diff.test.ts, the layout in layout.test.ts, the browser behaviour in browser.test.ts.
 *
 * After an intended change of the dot or mermaid output, regenerate the goldens with
 *   npm run build && UPDATE_GOLDEN=1 node dist/scripts/run-tests.js report/graph-report
 * and review the diff.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { graphFormat, loadVersion, reportOf } from '../../src/cli/graph.js';
import type { LoadedVersion } from '../../src/cli/graph.js';
import { COMMANDS } from '../../src/cli/main.js';
import { UsageError as CommandUsageError } from '../../src/cli/io.js';
import { positionOf } from '../../src/engine/runner.js';
import type { ReportData, ReportEdge } from '../../src/report/model.js';
import { renderDot, renderMermaid } from '../../src/report/text.js';
import { ROOT } from '../support/util.js';
import { FIXTURES, at, edgeMap, golden, io, load } from '../support/graph-report.js';
import { tmp } from '../support/util.js';

describe('graph model of the fixture app', () => {
  let version: LoadedVersion;
  let data: ReportData;
  before(async () => {
    version = await load('app');
    data = reportOf(version, 'app');
  });

  it('has namespaces as groups and workloads, Services, Ingresses and the controller as nodes', () => {
    const kinds = Object.fromEntries(data.nodes.map((n) => [n.id, `${n.kind}${n.parent ? ` in ${n.parent}` : ''}`]));
    assert.deepEqual(kinds, {
      'ctrl:{ingress-controller}': 'controller',
      'ns:api': 'namespace',
      'ns:data': 'namespace',
      'ns:web': 'namespace',
      'ing:api/admin': 'ingress in ns:api',
      'svc:api/api': 'service in ns:api',
      'svc:api/orders': 'service in ns:api',
      'wl:api/api[Deployment]': 'workload in ns:api',
      'wl:api/orders[Deployment]': 'workload in ns:api',
      'policies:api': 'policies in ns:api',
      'svc:data/db': 'service in ns:data',
      'wl:data/db[StatefulSet]': 'workload in ns:data',
      'ing:web/shop': 'ingress in ns:web',
      'svc:web/frontend': 'service in ns:web',
      'missing:web/legacy': 'missing in ns:web',
      'wl:web/frontend[Deployment]': 'workload in ns:web',
    });
    assert.deepEqual(data.namespaces, ['api', 'data', 'web']);
    const orders = data.nodes.find((n) => n.id === 'wl:api/orders[Deployment]')!;
    assert.deepEqual(orders.at, { file: 'app/api.yaml', line: 41, column: 9 });
  });

  it('colours each edge by what the NetworkPolicies allow on the target port', () => {
    const edges = Object.fromEntries(data.edges.map((e) => [e.id, `${e.status} ${e.label}`.trim()]));
    assert.deepEqual(edges, {
      // Ingress → Service: the ingress controller → the backend pods on the target port
      'backend:ing:api/admin->svc:api/api': 'blocked TCP 8080',
      'backend:ing:web/shop->svc:web/frontend': 'allowed TCP 8080',
      'backend:ing:web/shop->missing:web/legacy': 'unresolved unresolved',
      // workload → Service: the client → the Service's pods on the target port
      'reference:wl:api/api[Deployment]->svc:data/db': 'allowed TCP 5432',
      'reference:wl:api/orders[Deployment]->svc:data/db': 'blocked TCP 5432',
      'reference:wl:web/frontend[Deployment]->svc:api/api': 'allowed TCP 8080',
      // Service → workload: coloured by the Ingress traffic it carries, if any
      'selects:svc:api/api->wl:api/api[Deployment]': 'blocked TCP 8080',
      'selects:svc:api/orders->wl:api/orders[Deployment]': 'none',
      'selects:svc:data/db->wl:data/db[StatefulSet]': 'none',
      'selects:svc:web/frontend->wl:web/frontend[Deployment]': 'allowed TCP 8080',
      'serves:ctrl:{ingress-controller}->ing:api/admin': 'none',
      'serves:ctrl:{ingress-controller}->ing:web/shop': 'none',
    });
  });

  it('puts findings on their nodes, with file:line, and a policy finding on the policies node of its namespace', () => {
    const byNode = (id: string) =>
      data.nodes
        .find((n) => n.id === id)!
        .findings.map((i) => data.findings[i])
        .map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`);
    assert.deepEqual(byNode('wl:api/orders[Deployment]'), ['netpol-blocks-service-reference app/api.yaml:60:22']);
    assert.deepEqual(byNode('policies:api'), ['netpol-blocks-ingress-backend app/policies.yaml:27:3']);
    assert.deepEqual(byNode('wl:api/api[Deployment]'), []);
    assert.deepEqual(byNode('ing:web/shop'), ['ingress-backend-missing app/web.yaml:59:23']);
    assert.deepEqual(byNode('wl:data/db[StatefulSet]'), []);
    assert.equal(data.findings.length, 3);
    for (const f of data.findings) assert.ok(f.nodes.length > 0, `${f.ruleId} has a node`);
  });

  it('lists the policies that select each workload', () => {
    const db = data.nodes.find((n) => n.id === 'wl:data/db[StatefulSet]')!;
    assert.deepEqual(db.policies, {
      ingress: [{ name: 'data/db-ingress', file: 'app/policies.yaml', line: 4, column: 9 }],
      egress: [],
    });
    const frontend = data.nodes.find((n) => n.id === 'wl:web/frontend[Deployment]')!;
    assert.deepEqual(frontend.policies, { ingress: [], egress: [] });
  });

  it('explains each evaluated edge as `kube-netlint explain` does', async () => {
    const edges = edgeMap(data);
    const blocked = edges.get('reference:wl:api/orders[Deployment]->svc:data/db')!;
    assert.equal(blocked.explain.length, 1);
    assert.equal(blocked.explain[0].allowed, false);
    assert.match(
      blocked.explain[0].text,
      /^api\/orders\[Deployment\] => data\/db\[StatefulSet\] \(TCP 5432\): BLOCKED/,
    );
    assert.match(blocked.explain[0].text, /NetworkPolicy "data\/db-ingress" \(app\/policies\.yaml:4:9\)/);
    // The same text as the explain command prints.
    const run = io(FIXTURES);
    await COMMANDS.explain.run(['api/orders', 'data/db', 'app', '--port', '5432', '--no-config'], run);
    assert.equal(blocked.explain[0].text, run.out());
    const ingress = edges.get('backend:ing:api/admin->svc:api/api')!;
    assert.match(ingress.explain[0].text, /^\{ingress-controller\} => api\/api\[Deployment\] \(TCP 8080\): BLOCKED/);
    assert.deepEqual(ingress.details, ['backend of host "admin.example.com" path "/" → Service port 80 (http)']);
    assert.equal(at(ingress), 'app/api.yaml:89:23');
    assert.equal(at(edges.get('reference:wl:api/orders[Deployment]->svc:data/db')), 'app/api.yaml:60:22');
    assert.equal(edges.get('selects:svc:data/db->wl:data/db[StatefulSet]')!.explain.length, 0);
  });
});

describe('ingress controller configured to a workload of the input', () => {
  it('draws the Ingress edges from that workload', async () => {
    const dir = tmp({}, 'kn-graph-');
    writeFileSync(
      path.join(dir, '.kube-netlint.yaml'),
      'ingressController:\n  namespace: ingress-nginx\n  labels:\n    app: nginx\n',
    );
    writeFileSync(
      path.join(dir, 'app.yaml'),
      `apiVersion: v1
kind: Pod
metadata: {name: nginx, namespace: ingress-nginx, labels: {app: nginx}}
spec: {containers: [{name: nginx, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-nginx, namespace: shop}
spec:
  podSelector: {}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]}]
`,
    );
    const v = await loadVersion(['.'], io(dir), {});
    const data = reportOf(v, 'c');
    assert.ok(!data.nodes.some((n) => n.kind === 'controller'), 'no stand-in');
    assert.equal(data.nodes.find((n) => n.id === 'wl:ingress-nginx/nginx[Pod]')?.ingressController, true);
    const edges = Object.fromEntries(data.edges.map((e) => [e.id, e.status]));
    assert.deepEqual(edges, {
      'backend:ing:shop/web->svc:shop/web': 'allowed',
      'selects:svc:shop/web->wl:shop/web[Pod]': 'allowed',
      'serves:wl:ingress-nginx/nginx[Pod]->ing:shop/web': 'none',
    });
    assert.match(
      edgeMap(data).get('backend:ing:shop/web->svc:shop/web')!.explain[0].text,
      /^ingress-nginx\/nginx\[Pod\] => shop\/web\[Pod\] \(TCP 8080\): ALLOWED/,
    );
  });

  it('is left out when there is no Ingress', async () => {
    const data = reportOf(await load('hostile'), 'h');
    assert.ok(data.nodes.some((n) => n.kind === 'controller'));
    const dir = tmp({}, 'kn-graph-');
    writeFileSync(
      path.join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: a, image: x}]}\n',
    );
    const none = reportOf(await loadVersion(['.'], io(dir), { 'no-config': true }), 'p');
    assert.deepEqual(
      none.nodes.map((n) => n.id),
      ['ns:default', 'wl:default/a[Pod]'],
    );
  });
});

/** Red edges and the findings of the two rules whose evaluation they reuse must agree. */
async function checkAgreement(dir: string, cwd: string): Promise<{ blocked: number }> {
  const v = await load(dir, cwd);
  const data = reportOf(v, dir);
  const red = (e: ReportEdge) => e.status === 'blocked' || e.status === 'partial';
  const refFindings = v.findings
    .filter((f) => f.ruleId === 'netpol-blocks-service-reference')
    .map((f) => `${f.file.path}:${f.file.position(f.range[0]).line}:${f.file.position(f.range[0]).column}`);
  const refEdges = data.edges.filter((e) => e.kind === 'reference' && red(e));
  // Every reference the rule reports is on a red edge, and every red reference edge is reported.
  const refsOfEdge = new Map<string, string[]>();
  for (const r of v.graph.references) {
    const pod = v.engine.podOf(r.pod);
    if (!pod) continue;
    const id = `reference:wl:${pod.name}->svc:${r.namespace}/${r.serviceName}`;
    const p = positionOf(r.at);
    refsOfEdge.set(id, [...(refsOfEdge.get(id) ?? []), `${p.file}:${p.line}:${p.column}`]);
  }
  for (const f of refFindings)
    assert.ok(
      refEdges.some((e) => refsOfEdge.get(e.id)?.includes(f)),
      `${dir}: reported reference ${f} is on a red edge`,
    );
  for (const e of refEdges)
    assert.ok(
      refsOfEdge.get(e.id)?.some((p) => refFindings.includes(p)),
      `${dir}: red edge ${e.id} has a finding`,
    );
  const ingressFindings = v.findings.filter((f) => f.ruleId === 'netpol-blocks-ingress-backend');
  const redIngresses = new Set(data.edges.filter((e) => e.kind === 'backend' && red(e)).map((e) => e.source));
  const reportedIngresses = new Set(
    ingressFindings.map((f) => {
      const m = /of Ingress "([^"]+)"/.exec(f.message);
      const ns = f.object?.namespace ?? '';
      return `ing:${ns}/${m?.[1]}`;
    }),
  );
  assert.deepEqual(
    [...redIngresses].sort(),
    [...reportedIngresses].sort(),
    `${dir}: red Ingress edges and netpol-blocks-ingress-backend findings`,
  );
  return { blocked: refEdges.length + redIngresses.size };
}

describe('agreement with the rules', () => {
  it('fixture app', async () => {
    assert.deepEqual(await checkAgreement('app', FIXTURES), { blocked: 2 });
  });
  it('examples/', async () => {
    // bank's two, and the search app of examples/monorepo (its policy admits the wrong namespace).
    assert.deepEqual(await checkAgreement('examples', ROOT), { blocked: 3 });
  });
  it('a generated cluster with cross-namespace references', async () => {
    const dir = tmp({}, 'kn-graph-');
    const docs: string[] = [];
    for (let i = 0; i < 40; i++) {
      const ns = `team-${i % 4}`;
      const j = (i * 7 + 3) % 40;
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}, tier: t${i % 3}}}
    spec:
      containers:
        - name: main
          image: example/app:1
          ports: [{name: http, containerPort: 8080}]
          env: [{name: UPSTREAM_URL, value: "http://app-${j}.team-${j % 4}.svc.cluster.local:80"}]
---
apiVersion: v1
kind: Service
metadata: {name: app-${i}, namespace: ${ns}}
spec:
  selector: {app: app-${i}}
  ports: [{name: http, port: 80, targetPort: http}]
`);
    }
    for (let n = 0; n < 4; n++) {
      docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-tier, namespace: team-${n}}
spec:
  podSelector: {matchLabels: {tier: t${n % 3}}}
  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {tier: t${n % 3}}}}], ports: [{port: http}]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: edge, namespace: team-${n}}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app-${n}, port: {number: 80}}}}]}}]
`);
    }
    writeFileSync(path.join(dir, 'cluster.yaml'), docs.join('---\n'));
    const { blocked } = await checkAgreement('.', dir);
    assert.ok(blocked > 5, `the generated cluster has red edges (${blocked})`);
  });
});

describe('dot and mermaid', () => {
  let data: ReportData;
  before(async () => {
    data = reportOf(await load('app'), 'kube-netlint graph app');
  });
  it('dot golden', () => golden('expected.dot', renderDot(data)));
  it('mermaid golden', () => golden('expected.mmd', renderMermaid(data)));
  it('the graph command writes them; the default format follows -o', async () => {
    const run = io(FIXTURES);
    assert.equal(await COMMANDS.graph.run(['app', '--no-config', '--title', 'kube-netlint graph app'], run), 0);
    assert.equal(run.out(), renderDot(data));
    const m = io(FIXTURES);
    await COMMANDS.graph.run(['app', '--no-config', '-f', 'mermaid', '--title', 'kube-netlint graph app'], m);
    assert.equal(m.out(), renderMermaid(data));
    assert.equal(graphFormat(undefined, 'out/report.HTML'), 'html');
    assert.equal(graphFormat(undefined, 'net.dot'), 'dot');
    assert.equal(graphFormat(undefined, undefined), 'dot');
    assert.equal(graphFormat('mermaid', 'x.html'), 'mermaid');
    assert.throws(
      () => graphFormat('svg', undefined),
      (e: unknown) =>
        e instanceof CommandUsageError &&
        /unknown format "svg" \(available: html, dot, mermaid, json\)/.test(e.message),
    );
  });
  it('json is the data behind the picture', async () => {
    const run = io(FIXTURES);
    await COMMANDS.graph.run(['app', '--no-config', '-f', 'json', '--title', 'kube-netlint graph app'], run);
    assert.deepEqual(JSON.parse(run.out()), JSON.parse(JSON.stringify(data)));
  });
});

describe('findings on the nodes they are about', () => {
  it('a policy finding marks the policies node only, a finding on no drawn object the cluster node', async () => {
    const dir = tmp({}, 'kn-graph-');
    const pods = [1, 2, 3].map(
      (i) => `apiVersion: v1
kind: Pod
metadata: {name: p${i}, namespace: shop, labels: {app: p${i}}}
spec: {containers: [{name: c, image: x}]}
`,
    );
    writeFileSync(
      path.join(dir, 'app.yaml'),
      [
        ...pods,
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all, namespace: shop}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {matchLabels: {app: nobody}}}]}]
`,
      ].join('---\n'),
    );
    writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n');
    const data = reportOf(await loadVersion(['.'], io(dir), { 'no-config': true }), 'f');
    const marked = data.nodes
      .filter((n) => n.findings.length > 0)
      .map((n) => `${n.id} ${[...new Set(n.findings.map((i) => data.findings[i].ruleId))].join(',')}`);
    assert.deepEqual(marked, ['cluster: yaml-syntax', 'policies:shop netpol-peer-selects-nothing']);
    const holder = data.nodes.find((n) => n.id === 'policies:shop')!;
    assert.equal(holder.parent, 'ns:shop');
    assert.ok(
      holder.info.some((i) => i.includes('"all"')),
      'names the policy',
    );
    for (const f of data.findings) assert.ok(f.nodes.length > 0, `${f.ruleId} is listed under a node`);
    // The dot and mermaid outputs draw the holders too.
    assert.match(renderDot(data), /"policies:shop" \[label="policies\\nNetworkPolicies", shape=note/);
    assert.match(renderMermaid(data), /classDef policiesFinding/);
    assert.doesNotMatch(renderMermaid(reportOf(await load('hostile'), 'h')), /classDef (policies|cluster)/);
  });
});
