/**
 * The HTML report in a real headless browser: Debian's chromium driven by playwright-core.
 *
 * Opens the reports of the fixture app (test-fixtures/graph-report), of a hostile manifest, of two
 * diffs, of examples/ and of generated clusters (30, 1,000 and 1,600 workloads: the last opens on
 * the overview of namespaces); clicks nodes and edges, uses the search box, the namespace filter
 * and the findings table; checks with the positions cytoscape reports (not pixels) that labels and
 * namespace boxes do not overlap; asserts that no request leaves the page; saves screenshots and
 * timings under test-artifacts/ (git-ignored).
 *
 * Skipped, with a message, when chromium is not installed (`apt-get install chromium`; .ci/run
 * installs it). CHROMIUM_PATH overrides /usr/bin/chromium. UPDATE_DOCS_SCREENSHOT=1 also copies the
 * screenshot of examples/ to docs/report-examples.png. Helpers in test/support/browser.ts.
 */
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateCluster } from '../support/report-cluster.js';
import { ROOT, tmp } from '../support/util.js';
import {
  ARTIFACTS,
  FIXTURES,
  assertNoOverlap,
  assertSelfContained,
  click,
  close,
  inPage,
  launch,
  open,
  panelHas,
  render,
  skip,
} from '../support/browser.js';

describe('HTML report in headless chromium', { skip, timeout: 300_000 }, () => {
  before(launch);
  after(close);

  it('shows the fixture app: nodes, red edges, findings, explanations, search and namespace filter', async () => {
    const file = await render(['app', 'browser-app.html'], FIXTURES);
    const o = await open(file);
    const { page } = o;
    const ids = await inPage(page, ({ cy }) => cy.nodes().map((n) => n.id()));
    for (const id of [
      'ctrl:{ingress-controller}',
      'ns:api',
      'ing:api/admin',
      'svc:api/api',
      'wl:api/orders[Deployment]',
      'wl:data/db[StatefulSet]',
      'missing:web/legacy',
    ]) {
      assert.ok(ids.includes(id), `node ${id}`);
    }
    const red = await inPage(page, ({ cy }) =>
      cy
        .edges()
        .filter((e) => e.style('line-color') === 'rgb(211,47,47)')
        .map((e) => e.id())
        .sort(),
    );
    assert.deepEqual(red, [
      'backend:ing:api/admin->svc:api/api',
      'reference:wl:api/orders[Deployment]->svc:data/db',
      'selects:svc:api/api->wl:api/api[Deployment]',
    ]);

    // A node: its finding with file:line, and the policies that select it.
    await click(page, 'wl:api/orders[Deployment]');
    await panelHas(page, 'netpol-blocks-service-reference');
    await panelHas(page, 'app/api.yaml:60:22');
    await click(page, 'wl:data/db[StatefulSet]');
    await panelHas(page, 'data/db-ingress');
    await panelHas(page, 'app/policies.yaml:4:9');

    // An edge: its explain result.
    await click(page, 'reference:wl:api/orders[Deployment]->svc:data/db');
    await panelHas(page, 'api/orders[Deployment] => data/db[StatefulSet] (TCP 5432): BLOCKED');
    await panelHas(page, 'no rule admits api/orders[Deployment]');

    // The search box finds a workload.
    await page.fill('#kn-search', 'orders');
    await page.locator('#kn-search-count', { hasText: '2 matches' }).waitFor({ timeout: 30_000 });
    await page.press('#kn-search', 'Enter');
    await page.locator('#kn-panel-title', { hasText: 'api/orders' }).waitFor({ timeout: 30_000 });
    assert.deepEqual(await inPage(page, ({ cy }) => cy.nodes('.match').map((n) => n.id())), [
      'svc:api/orders',
      'wl:api/orders[Deployment]',
    ]);
    await page.fill('#kn-search', '');
    await page.press('#kn-search', 'Escape');

    // The namespace filter hides the rest, graph and findings table.
    const visible = () =>
      inPage(page, ({ cy }) =>
        cy
          .nodes()
          .filter((n) => !n.hasClass('hidden') && !n.hasClass('namespace'))
          .map((n) => n.id())
          .sort(),
      );
    const rows = () => page.locator('#kn-findings-body tr:visible').count();
    await page.selectOption('#kn-namespace', 'data');
    assert.deepEqual(await visible(), ['svc:data/db', 'wl:data/db[StatefulSet]']);
    assert.equal(await rows(), 0);
    await page.selectOption('#kn-namespace', 'api');
    assert.deepEqual(await visible(), [
      'ing:api/admin',
      'policies:api',
      'svc:api/api',
      'svc:api/orders',
      'wl:api/api[Deployment]',
      'wl:api/orders[Deployment]',
    ]);
    assert.equal(await rows(), 2);
    await page.check('#kn-neighbours');
    assert.ok((await visible()).includes('svc:data/db'), 'with neighbours: the Service api/orders calls');
    await page.uncheck('#kn-neighbours');
    await page.selectOption('#kn-namespace', '');
    assert.equal((await visible()).length, 13);
    assert.equal(await rows(), 3);

    // Outlines mark the nodes the findings are about: the policy finding is on the policies node.
    const outlined = await inPage(page, ({ cy }) =>
      cy
        .nodes('.has-error, .has-warning')
        .map((n) => n.id())
        .sort(),
    );
    assert.deepEqual(outlined, ['ing:web/shop', 'policies:api', 'wl:api/orders[Deployment]']);
    await click(page, 'policies:api');
    await panelHas(page, 'netpol-blocks-ingress-backend');
    await panelHas(page, 'app/policies.yaml:27:3');
    await assertNoOverlap(page, 'fixture app');

    // The findings table links each finding to its node.
    await page.locator('#kn-findings-body a.node-link', { hasText: 'web/shop' }).click();
    await page.locator('#kn-panel-title', { hasText: 'web/shop' }).waitFor({ timeout: 30_000 });
    await panelHas(page, 'ingress-backend-missing');
    assert.deepEqual(await inPage(page, ({ cy }) => cy.$(':selected').map((n) => n.id())), ['ing:web/shop']);

    await click(page, 'wl:api/orders[Deployment]');
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-app.png') });
    assertSelfContained(o, file);
    assert.deepEqual(o.dialogs, []);
    await page.close();

    // A deep link opens on an edge.
    const linked = await open(file, `#edge=${encodeURIComponent('backend:ing:api/admin->svc:api/api')}`);
    await panelHas(linked.page, '{ingress-controller} => api/api[Deployment] (TCP 8080): BLOCKED');
    assertSelfContained(linked, file);
    await linked.page.close();
  });

  it('renders a hostile manifest as text', async () => {
    const file = await render(['hostile', 'browser-hostile.html'], FIXTURES);
    const o = await open(file);
    const { page } = o;
    assert.equal(await page.locator('script').count(), 3);
    assert.equal(await page.locator('img, iframe, object, embed').count(), 0);
    await page.fill('#kn-search', 'alert(1)');
    await page.press('#kn-search', 'Enter');
    await page
      .locator('#kn-panel-title', { hasText: '</script><script>alert(1)</script>' })
      .waitFor({ timeout: 30_000 });
    await page.selectOption('#kn-namespace', 'evil"ns<img src=x onerror=alert(2)>');
    assert.ok(
      (await page.locator('#kn-findings-body tr:visible').count()) > 0,
      'the findings of that namespace stay listed',
    );
    await page.locator('#kn-findings-body a.node-link').first().click();
    await page.waitForTimeout(300);
    assert.deepEqual(o.dialogs, [], 'no script of the manifest ran');
    assertSelfContained(o, file);
    await page.close();
  });

  it('shows a diff: added edges green, removed red', async () => {
    const file = await render(['app', 'app-v2', 'browser-diff.html'], FIXTURES, 'diff');
    const o = await open(file);
    const { page } = o;
    const colour = (id: string) =>
      inPage(page, ({ cy }, id) => cy.getElementById(id).style('line-color') as string, id);
    assert.equal(await colour('reference:wl:api/orders[Deployment]->svc:data/db'), 'rgb(46,125,50)');
    assert.equal(await colour('reference:wl:web/frontend[Deployment]->svc:api/api'), 'rgb(211,47,47)');
    // Only the changed edges stand out: unchanged ones are faded and thinner.
    const look = (id: string) =>
      inPage(
        page,
        ({ cy }, id) => ({
          opacity: Number(cy.getElementById(id).style('opacity')),
          width: parseFloat(cy.getElementById(id).style('width') as string),
        }),
        id,
      );
    const unchanged = await look('reference:wl:api/api[Deployment]->svc:data/db');
    const added = await look('reference:wl:api/orders[Deployment]->svc:data/db');
    assert.ok(
      unchanged.opacity < 0.5 && added.opacity === 1,
      `opacity ${unchanged.opacity} (unchanged), ${added.opacity} (added)`,
    );
    assert.ok(unchanged.width < added.width, 'unchanged edges are thinner');
    const changedEdges = await inPage(page, ({ cy }) =>
      cy
        .edges()
        .filter((e) => Number(e.style('opacity')) === 1)
        .map((e) => e.id())
        .sort(),
    );
    assert.deepEqual(changedEdges, [
      'reference:wl:api/orders[Deployment]->svc:data/db',
      'reference:wl:web/frontend[Deployment]->svc:api/api',
    ]);
    assert.equal(await page.locator('#kn-changes-body tr').count(), 2);
    await page.locator('#kn-changes-body a.edge-link').first().click();
    await panelHas(page, 'connection added');
    await panelHas(page, 'explain (old version)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-diff.png') });
    assertSelfContained(o, file);
    await page.close();
  });

  it('draws the external ranges of a diff outside every namespace', async () => {
    const dir = tmp({}, 'kn-diff-');
    const pods = ['a', 'b', 'c'].map(
      (p) => `apiVersion: v1
kind: Pod
metadata: {name: ${p}, namespace: shop, labels: {app: ${p}}}
spec: {containers: [{name: ${p}, image: x, ports: [{containerPort: 80}]}]}
`,
    );
    writeFileSync(path.join(dir, 'old.yaml'), pods.join('---\n'));
    writeFileSync(
      path.join(dir, 'new.yaml'),
      [
        ...pods,
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]
`,
      ].join('---\n'),
    );
    const file = await render(['old.yaml', 'new.yaml', 'browser-diff-external.html'], dir, 'diff');
    const o = await open(file);
    const externals = await inPage(o.page, ({ cy }) => cy.nodes('.external').map((n) => n.id()));
    assert.ok(externals.length >= 2, `external ranges drawn: ${externals.join(', ')}`);
    assert.ok(
      externals.includes('ext:0.0.0.0-9.255.255.255') || externals.some((e) => e.startsWith('ext:0.0.0.0')),
      externals.join(', '),
    );
    await assertNoOverlap(o.page, 'diff with external ranges');
    await o.page.screenshot({ path: path.join(ARTIFACTS, 'browser-diff-external.png') });
    assertSelfContained(o, file);
    await o.page.close();
  });

  it('shows a 30-workload app without overlapping labels (the screenshot in docs/report.md)', async () => {
    const dir = tmp({}, 'kn-30-');
    generateCluster(dir, { workloads: 30, perNamespace: 15 });
    const file = await render(['.', 'report-30-workloads.html'], dir);
    const o = await open(file);
    const { page } = o;
    assert.equal(await inPage(page, ({ cy }) => cy.nodes('.workload').length), 30);
    await assertNoOverlap(page, '30 workloads');
    // Zoomed in far enough for the labels to be drawn, they still do not overlap (positions are in model coordinates).
    await click(page, 'wl:team-0/app-9[Deployment]');
    await panelHas(page, 'netpol-blocks-service-reference');
    await assertNoOverlap(page, '30 workloads, zoomed in');
    await inPage(page, ({ cy }) => void cy.fit(undefined, 20));
    const shot = path.join(ARTIFACTS, 'report-30-workloads.png');
    await page.screenshot({ path: shot });
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(shot, path.join(ROOT, 'docs/report-30-workloads.png'));
    assertSelfContained(o, file);
    await page.close();
  });

  it('opens a large report on its namespaces, and opens one on a click or a search', async () => {
    const dir = tmp({}, 'kn-overview-');
    generateCluster(dir, { workloads: 1600, perNamespace: 100 });
    const file = await render(['.', 'browser-overview.html'], dir);
    const o = await open(file);
    const { page } = o;
    const shown = () =>
      inPage(page, ({ cy }) => ({
        boxes: cy.nodes('.namespace.closed').length,
        nodes: cy.nodes().not('.namespace').length,
        merged: cy.edges('.summary').length,
      }));
    const first = await shown();
    assert.equal(first.boxes, 16, 'every namespace closed');
    assert.equal(first.nodes, 1, 'only the ingress controller besides the boxes');
    assert.ok(first.merged > 0, 'edges between namespaces merged');
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-overview.png') });
    // A click on a box, then its button, opens it.
    await click(page, 'ns:team-3');
    await page.locator('#kn-toggle-namespace').click();
    const opened = await shown();
    assert.equal(opened.boxes, 15);
    assert.equal(opened.nodes, 1 + 201 + 1, 'the namespace’s workloads, Services, Ingress and policies node');
    await assertNoOverlap(page, 'an open namespace');
    // The search finds a node of a closed namespace and opens it.
    await page.fill('#kn-search', 'app-1234');
    await page.locator('#kn-search-count', { hasText: '2 matches' }).waitFor({ timeout: 30_000 });
    await page.press('#kn-search', 'Enter');
    await page.locator('#kn-panel-title', { hasText: 'team-12/app-1234' }).waitFor({ timeout: 30_000 });
    assert.equal((await shown()).boxes, 14);
    assertSelfContained(o, file);
    await page.close();
  });

  it('shows examples/ (the screenshot in docs/report.md)', async () => {
    const file = await render(['examples', 'report-examples.html'], ROOT);
    const o = await open(file);
    const { page } = o;
    await assertNoOverlap(page, 'examples/');
    await click(page, 'wl:bank/teller[Deployment]');
    await panelHas(page, 'netpol-blocks-service-reference');
    await inPage(page, ({ cy }) => void cy.fit(undefined, 20));
    const shot = path.join(ARTIFACTS, 'report-examples.png');
    await page.screenshot({ path: shot });
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(shot, path.join(ROOT, 'docs/report-examples.png'));
    assertSelfContained(o, file);
    await page.close();
  });

  it('renders 1,000 workloads and stays usable', async (t) => {
    const dir = tmp({}, 'kn-1000-');
    generateCluster(dir, { workloads: 1000 });
    const genStart = Date.now();
    const file = await render(['.', 'browser-1000.html'], dir);
    const generateMs = Date.now() - genStart;
    const o = await open(file);
    const { page } = o;
    const stats = await inPage(page, ({ cy, scriptMs }) => ({
      nodes: cy.nodes().length,
      edges: cy.edges().length,
      scriptMs,
    }));
    // Workloads, Services, Ingresses, namespaces, the controller, and the policies nodes of the
    // ten namespaces whose Ingress their policy blocks.
    assert.equal(stats.nodes, 1000 + 1000 + 20 + 20 + 1 + 10);
    await assertNoOverlap(page, '1,000 workloads');

    // Pan and zoom, then measure how long the page takes to answer with a new frame.
    const box = (await page.locator('#kn-picture').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const interactStart = Date.now();
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -240);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 200, box.y + box.height / 2 + 100, { steps: 10 });
    await page.mouse.up();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    const interactMs = Date.now() - interactStart;

    await page.fill('#kn-search', 'app-999');
    await page.press('#kn-search', 'Enter');
    await page.locator('#kn-panel-title', { hasText: 'team-19/app-999' }).waitFor({ timeout: 30_000 });
    await click(page, 'wl:team-3/app-159[Deployment]');
    await panelHas(page, 'netpol-blocks-service-reference');
    await page.selectOption('#kn-namespace', 'team-7');
    assert.equal(
      await inPage(
        page,
        ({ cy }) => cy.nodes().filter((n) => !n.hasClass('hidden') && !n.hasClass('namespace')).length,
      ),
      102,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'browser-1000.png') });
    assertSelfContained(o, file);

    const timings = { workloads: 1000, ...stats, generateMs, readyMs: o.readyMs, interactMs };
    writeFileSync(path.join(ARTIFACTS, 'browser-1000-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    t.diagnostic(
      `1,000 workloads: report written in ${generateMs} ms, interactive in the browser after ${o.readyMs} ms, pan/zoom answered in ${interactMs} ms`,
    );
    await page.close();
  });
});
