/**
 * The network picture (`kube-netlint graph`, `diff --format html`): the graph model built from the
 * fixture app of test-fixtures/graph-report/app (nodes, edges and their colours, findings on nodes),
 * its agreement with the rules netpol-blocks-ingress-backend and netpol-blocks-service-reference,
 * the dot and mermaid goldens, and the HTML's self-containment and escaping.
 *
 * After an intended change of the dot or mermaid output, regenerate the goldens with
 *   npx tsc -p . && UPDATE_GOLDEN=1 node --test dist/test/report/graph-report.test.js
 * and review the diff. The browser behaviour is tested in test/report/browser.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { graphFormat, loadVersion, renderReport, reportOf } from '../../src/cli/graph.js';
import type { LoadedVersion } from '../../src/cli/graph.js';
import { COMMANDS } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/main.js';
import { UsageError as CommandUsageError } from '../../src/cli/io.js';
import { positionOf } from '../../src/engine/runner.js';
import { diffConnectivity } from '../../src/policy/report.js';
import { buildDiffData } from '../../src/report/diff.js';
import { CLIENT_MODULES, joinable, renderHtml, scriptJson } from '../../src/report/html.js';
import { OVERVIEW_ABOVE, layoutReport, separate } from '../../src/report/layout.js';
import type { ReportData, ReportEdge } from '../../src/report/model.js';
import { renderDot, renderMermaid } from '../../src/report/text.js';
import { generateCluster } from '../support/report-cluster.js';
import { ROOT, collector } from '../support/util.js';

const FIXTURES = path.join(ROOT, 'test-fixtures/graph-report');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function io(cwd: string): Io & { out: () => string; err: () => string } {
  const out = collector();
  const err = collector();
  return {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([]),
    cwd,
    env: {},
    out: out.text,
    err: err.text,
  };
}

async function load(dir: string, cwd = FIXTURES): Promise<LoadedVersion> {
  return loadVersion([dir], io(cwd), { 'no-config': true });
}

function golden(file: string, actual: string): void {
  const abs = path.join(FIXTURES, file);
  if (UPDATE) {
    writeFileSync(abs, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(abs, 'utf8');
  } catch {
    assert.fail(`${path.relative(ROOT, abs)} is missing (UPDATE_GOLDEN=1 writes it; review it by hand)`);
  }
  assert.equal(actual, expected, `output differs from ${path.relative(ROOT, abs)}`);
}

const edgeMap = (d: ReportData) => new Map(d.edges.map((e) => [e.id, e]));
const at = (e: ReportEdge | undefined) => (e?.at ? `${e.at.file}:${e.at.line}:${e.at.column}` : undefined);

const tmpDirs: string[] = [];
after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

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
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-graph-'));
    tmpDirs.push(dir);
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
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-graph-'));
    tmpDirs.push(dir);
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
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-graph-'));
    tmpDirs.push(dir);
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

/** Like assert.doesNotMatch, without printing a whole page. */
function assertNo(text: string, re: RegExp, what: string): void {
  const m = re.exec(text);
  assert.ok(!m, `${what}: ${m ? text.slice(Math.max(0, m.index - 60), m.index + 60) : ''}`);
}

/** Text of the `<script>` elements and what lies outside them. */
function scripts(html: string): { attrs: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1], body: m[2] }));
}

describe('HTML report', () => {
  let html: string;
  let data: ReportData;
  before(async () => {
    data = reportOf(await load('app'), 'kube-netlint graph app');
    const stats = await layoutReport(data);
    assert.equal(stats.grids, 0);
    assert.equal(stats.overview, false);
    html = renderHtml(data);
  });

  it('is one file that refers to nothing outside itself', () => {
    const list = scripts(html);
    assert.deepEqual(
      list.map((s) => s.attrs.trim()),
      ['type="application/json" id="kn-data"', '', 'type="module"'],
    );
    // The markup: no src/href to another document (http:, https:, protocol-relative, file:, relative).
    let markup = html;
    for (const s of list) markup = markup.replace(s.body, '');
    for (const m of markup.matchAll(/\b(src|href)\s*=\s*["']?([^"'\s>]*)/gi)) {
      assert.ok(m[2] === '' || m[2].startsWith('#'), `${m[1]}="${m[2]}" refers outside the page`);
    }
    assertNo(markup, /<(link|iframe|img|object|embed|base|audio|video|source)\b/i, 'elements that load resources');
    assertNo(markup, /https?:\/\//i, 'URLs in the markup');
    // Anywhere, scripts included: no URL assigned to src/href, no CSS imports, url() or web fonts.
    assertNo(html, /\b(src|href)\s*=\s*["'`]?\s*(https?:)?\/\//i, 'src/href to a URL');
    assertNo(html, /@import/i, '@import');
    assertNo(html, /\burl\s*\(/i, 'CSS url()');
    assertNo(html, /@font-face/i, 'web fonts');
    assertNo(html, /sourceMappingURL/, 'source map references');
    // The page script holds no URL; cytoscape's only ones are in its licence comments. (The data
    // block may: manifests hold URLs, as inert JSON text.)
    assert.ok(!/https?:\/\//i.test(list[2].body), 'a URL in the page script');
    assert.ok(
      !/https?:\/\//i.test(list[1].body.replace(/\/\*[\s\S]*?\*\//g, '')),
      'a URL in cytoscape outside comments',
    );
  });

  it('forbids every fetch with a Content-Security-Policy that names the hashes of its scripts', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;/g, "'");
    assert.ok(csp, 'has a CSP');
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);
    for (const s of scripts(html).filter((x) => !x.attrs.includes('application/json'))) {
      const hash = createHash('sha256').update(s.body, 'utf8').digest('base64');
      assert.ok(csp.includes(`'sha256-${hash}'`), 'inline script hash in the CSP');
    }
  });

  it('embeds the data as inert JSON with the layout positions', () => {
    const json = scripts(html)[0].body;
    const parsed = JSON.parse(json) as { data: ReportData };
    assert.equal(parsed.data.nodes.length, data.nodes.length);
    for (const n of parsed.data.nodes) if (n.kind !== 'namespace') assert.ok(n.position, `${n.id} has a position`);
    assert.equal(scriptJson({ s: '</script><!--\u2028' }), '{"s":"\\u003c/script\\u003e\\u003c!--\\u2028"}');
  });

  it('lays out deterministically', async () => {
    const again = reportOf(await load('app'), 'kube-netlint graph app');
    await layoutReport(again);
    assert.equal(renderHtml(again), html);
  });

  it('is written by graph -o report.html', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-graph-'));
    tmpDirs.push(dir);
    const run = io(FIXTURES);
    assert.equal(
      await COMMANDS.graph.run(
        ['app', '--no-config', '--title', 'kube-netlint graph app', '-o', path.join(dir, 'report.html')],
        run,
      ),
      0,
    );
    assert.equal(readFileSync(path.join(dir, 'report.html'), 'utf8'), html);
    assert.equal(run.out(), '');
  });
});

describe('hostile manifests', () => {
  let version: LoadedVersion;
  before(async () => {
    version = await load('hostile');
  });

  it('render inert in the HTML', async () => {
    const data = reportOf(version, '</title><b>x</b>');
    const html = await renderReport(data, 'html');
    const list = scripts(html);
    assert.equal(list.length, 3, 'no script element but the report’s own');
    // Outside the inert JSON block no manifest text appears at all; inside it `<` is escaped.
    const outside = html.replace(list[0].body, '');
    assertNo(outside, /alert\(\d\)/, 'manifest text outside the JSON block');
    assertNo(list[0].body, /[<>]/, 'raw < or > in the JSON block');
    assert.match(html, /<title>&#60;\/title&#62;&#60;b&#62;x&#60;\/b&#62;<\/title>/);
    const parsed = JSON.parse(list[0].body) as { data: ReportData };
    const names = parsed.data.nodes.map((n) => n.label);
    assert.ok(names.includes('</script><script>alert(1)</script>'), 'names survive as text');
    assert.ok(
      parsed.data.findings.some((f) => f.message.includes('<')),
      'messages survive as text',
    );
  });

  it('cannot break out of dot strings or mermaid labels', () => {
    const data = reportOf(version, 'x" -> y; "z');
    const dot = renderDot(data);
    for (const line of dot.split('\n')) {
      // Outside of the escaped quotes, a line holds only ids, brackets, attribute names and punctuation.
      const outside = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      assert.doesNotMatch(outside, /alert|script|evil|label=x/i, line);
    }
    const mermaid = renderMermaid(data);
    for (const line of mermaid.split('\n')) {
      const outside = line.replace(/"[^"]*"/g, '""');
      assert.doesNotMatch(outside, /alert|script|evil|click|</i, line);
      assert.doesNotMatch(line, /<(?!br>)/, `no markup but <br> in ${line}`);
    }
    assert.doesNotMatch(mermaid, /^\s*(click|end\b.*\]\])/m);
  });
});

describe('diff view', () => {
  it('marks the connections that were added and removed', async () => {
    const before = await load('app');
    const afterV = await load('app-v2');
    const changes = diffConnectivity(before.engine.connectivity(), afterV.engine.connectivity());
    const data = buildDiffData({
      before: reportOf(before, 'd'),
      after: reportOf(afterV, 'd'),
      changes,
      title: 'd',
      engines: { before: before.engine, after: afterV.engine },
    });
    const diffs = Object.fromEntries(
      data.edges.filter((e) => e.diff !== 'unchanged').map((e) => [e.id, `${e.diff} ${e.old?.status} -> ${e.status}`]),
    );
    assert.deepEqual(diffs, {
      'reference:wl:api/orders[Deployment]->svc:data/db': 'added blocked -> allowed',
      'reference:wl:web/frontend[Deployment]->svc:api/api': 'removed allowed -> blocked',
    });
    assert.deepEqual(
      data.changes?.map((c) => `${c.diff} ${c.src} ${c.dst} ${c.edge}`),
      [
        'added api/orders[Deployment] data/db[StatefulSet] reference:wl:api/orders[Deployment]->svc:data/db',
        'removed web/frontend[Deployment] api/api[Deployment] reference:wl:web/frontend[Deployment]->svc:api/api',
      ],
    );
    const removed = data.edges.find((e) => e.id === 'reference:wl:web/frontend[Deployment]->svc:api/api')!;
    assert.match(removed.explain[0].text, /BLOCKED/);
    assert.match(removed.old!.explain[0].text, /ALLOWED/);
    assert.ok(removed.details.includes('connectivity: - web/frontend[Deployment] => api/api[Deployment] : TCP 8080'));
  });

  it('draws a connection that no edge stands for, and nodes of one version only', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-graph-'));
    tmpDirs.push(dir);
    const app = (extra: string) => `apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: a}}
spec: {containers: [{name: a, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: b}}
spec: {containers: [{name: b, image: x, ports: [{containerPort: 80}]}]}
${extra}`;
    writeFileSync(path.join(dir, 'old.yaml'), app(''));
    writeFileSync(
      path.join(dir, 'new.yaml'),
      app(`---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-b}
spec: {podSelector: {matchLabels: {app: b}}}
---
apiVersion: v1
kind: Pod
metadata: {name: c, labels: {app: c}}
spec: {containers: [{name: c, image: x}]}
`),
    );
    const run = io(dir);
    assert.equal(
      await COMMANDS.diff.run(['old.yaml', 'new.yaml', '--no-config', '-f', 'html', '-o', 'diff.html'], run),
      0,
    );
    const html = readFileSync(path.join(dir, 'diff.html'), 'utf8');
    const data = (JSON.parse(scripts(html)[0].body) as { data: ReportData }).data;
    assert.equal(data.mode, 'diff');
    const conn = data.edges.find((e) => e.id === 'connection:wl:default/a[Pod]->wl:default/b[Pod]');
    assert.equal(conn?.diff, 'removed');
    assert.match(conn!.old!.explain[0].text, /ALLOWED/);
    assert.equal(data.nodes.find((n) => n.id === 'wl:default/c[Pod]')?.presence, 'new');
    assert.ok(data.changes!.length >= 3);
    // --fail-on-added: the new pod c opens connections.
    assert.equal(
      await COMMANDS.diff.run(
        ['old.yaml', 'new.yaml', '--no-config', '-f', 'html', '-o', 'diff.html', '--fail-on-added'],
        io(dir),
      ),
      1,
    );
    assert.equal(
      await COMMANDS.diff.run(
        ['new.yaml', 'new.yaml', '--no-config', '-f', 'html', '-o', 'same.html', '--fail-on-added'],
        io(dir),
      ),
      0,
    );
  });
});

describe('findings on the nodes they are about', () => {
  it('a policy finding marks the policies node only, a finding on no drawn object the cluster node', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-graph-'));
    tmpDirs.push(dir);
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

describe('layout', () => {
  const overlaps = (
    a: { x: number; y: number; w: number; h: number },
    b: { x: number; y: number; w: number; h: number },
  ) => Math.abs(a.x - b.x) * 2 < a.w + b.w - 1e-6 && Math.abs(a.y - b.y) * 2 < a.h + b.h - 1e-6;

  it('separate leaves no two rectangles overlapping', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let round = 0; round < 30; round++) {
      const items = Array.from({ length: 5 + round * 7 }, () => ({
        x: random() * 300,
        y: random() * 300,
        w: 20 + random() * 120,
        h: 20 + random() * 80,
      }));
      if (round % 5 === 0) for (const it of items) it.x = it.y = 10; // all on one point
      separate(items);
      for (let i = 0; i < items.length; i++)
        for (let j = i + 1; j < items.length; j++)
          assert.ok(!overlaps(items[i], items[j]), `round ${round}: items ${i} and ${j} overlap`);
    }
  });

  it('keeps every node inside its namespace box and outside the others', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-graph-'));
    tmpDirs.push(dir);
    generateCluster(dir, { workloads: 30, perNamespace: 12 });
    const data = reportOf(await loadVersion(['.'], io(dir), { 'no-config': true }), 'c');
    await layoutReport(data);
    const boxes = data.nodes.filter((n) => n.kind === 'namespace');
    assert.equal(boxes.length, 3);
    for (const n of data.nodes) {
      if (n.kind === 'namespace') continue;
      for (const b of boxes) {
        const inside =
          Math.abs(n.position!.x - b.position!.x) * 2 < b.size!.width &&
          Math.abs(n.position!.y - b.position!.y) * 2 < b.size!.height;
        assert.equal(inside, n.parent === b.id, `${n.id} and the box of ${b.id}`);
      }
    }
  });
});

describe('20,000 objects', () => {
  // A hang guard: before the layout was done per namespace this did not finish in 300 s.
  it('graph writes the HTML report, which opens on the namespaces', { timeout: 900_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-graph-20k-'));
    tmpDirs.push(dir);
    generateCluster(dir, { workloads: 10_000, perNamespace: 50 });
    const out = path.join(dir, 'report.html');
    assert.equal(await COMMANDS.graph.run(['.', '--no-config', '-o', out], io(dir)), 0);
    const payload = JSON.parse(scripts(readFileSync(out, 'utf8'))[0].body) as {
      data: ReportData;
      overviewAbove: number;
    };
    const { nodes } = payload.data;
    assert.ok(nodes.length > 20_000, `${nodes.length} nodes`);
    assert.equal(payload.overviewAbove, OVERVIEW_ABOVE);
    assert.ok(nodes.length > OVERVIEW_ABOVE, 'opens on the overview');
    for (const n of nodes) assert.ok(n.kind === 'namespace' ? n.size : n.position, `${n.id} is placed`);
  });
});

describe('page script', () => {
  it('joins the client modules into one module without imports or exports', () => {
    assert.equal(
      joinable("import { h } from './dom.js';\nexport function f() {}\nexport const x = 1;\nexport {};\n"),
      'function f() {}\nconst x = 1;\n',
    );
    const html = renderHtml({
      version: 1,
      mode: 'graph',
      title: 't',
      tool: { name: 'kube-netlint', version: '0' },
      namespaces: [],
      nodes: [],
      edges: [],
      findings: [],
    });
    const page = scripts(html)[2].body;
    assert.doesNotMatch(page, /^\s*(import|export)\b/m);
    for (const m of CLIENT_MODULES)
      assert.ok(existsSync(new URL(`../../src/report/client/${m}.js`, import.meta.url)), m);
  });
});
