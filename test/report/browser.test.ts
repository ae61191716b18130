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
 * screenshot of examples/ to docs/report-examples.png.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type cytoscape from 'cytoscape';
import type { Core } from 'cytoscape';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { COMMANDS } from '../../src/cli/main.js';
import { generateCluster } from '../support/report-cluster.js';
import type { Io } from '../../src/cli/main.js';
import { ROOT } from '../support/util.js';

const FIXTURES = path.join(ROOT, 'test-fixtures/graph-report');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/**
 * Hang guard for the 1,000-workload page to become interactive (measured about 3-4 s on a 2-core
 * machine; the test reports the times and does not assert on them: a freeze still fails it).
 */
const READY_BOUND_1000_MS = 60_000;
const skip = existsSync(CHROMIUM)
  ? false
  : `chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): browser tests skipped`;
if (skip) process.stderr.write(`note: ${skip}\n`);

interface KnReport {
  cy: Core;
  readyMs: number;
  scriptMs: number;
}
/** Run `fn` in the page with the report's handle (set when the page is ready). */
async function inPage<T, A = null>(page: Page, fn: (report: KnReport, arg: A) => T, arg?: A): Promise<T> {
  return (await page.evaluate(`(${fn.toString()})(globalThis.knReport, ${JSON.stringify(arg ?? null)})`)) as T;
}

function quietIo(cwd: string): Io {
  const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
  return { stdout: sink(), stderr: sink(), stdin: Readable.from([]), cwd, env: {} };
}

interface Opened {
  page: Page;
  requests: string[];
  dialogs: string[];
  problems: string[];
  readyMs: number;
}

let context: BrowserContext;
let userDataDir: string;
const tmpDirs: string[] = [];

async function open(file: string, hash = ''): Promise<Opened> {
  const page = await context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  const start = Date.now();
  await page.goto(pathToFileURL(file).href + hash);
  await page.waitForSelector('html[data-ready="true"]', { timeout: READY_BOUND_1000_MS * 2 });
  return { page, requests, dialogs, problems, readyMs: Date.now() - start };
}

/** Nothing but the report itself was requested, and nothing went wrong in the page. */
function assertSelfContained(o: Opened, file: string): void {
  const own = pathToFileURL(file).href;
  assert.deepEqual(
    o.requests.filter((u) => u.split('#')[0] !== own && !u.startsWith('data:') && !u.startsWith('blob:')),
    [],
    'requests that left the page',
  );
  assert.deepEqual(o.problems, [], 'errors or warnings in the page');
}

/** Bring an element into view and click it with the mouse, as a person would. */
async function click(page: Page, id: string): Promise<void> {
  const at = await inPage(
    page,
    ({ cy }, id) => {
      const el = cy.getElementById(id);
      if (el.empty()) throw new Error(`no element ${id}`);
      const edge = el as unknown as cytoscape.EdgeSingular;
      cy.fit(el.isNode() ? el.closedNeighborhood() : edge.connectedNodes(), 120);
      const p = el.isNode() ? el.renderedPosition() : edge.renderedMidpoint();
      const box = (cy.container() as HTMLElement).getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    },
    id,
  );
  await page.mouse.click(at.x, at.y);
}

async function panelHas(page: Page, text: string): Promise<void> {
  await page.locator('#kn-panel', { hasText: text }).waitFor({ timeout: 30_000 });
}

async function render(args: string[], cwd: string, command: 'graph' | 'diff' = 'graph'): Promise<string> {
  const out = path.join(ARTIFACTS, args[args.length - 1]);
  const code = await COMMANDS[command].run(
    [...args.slice(0, -1), '--no-config', '-f', 'html', '-o', out],
    quietIo(cwd),
  );
  assert.ok(code === 0 || code === 1, `${command} exit code ${code}`);
  return out;
}

interface Box {
  id: string;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
}
const meets = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/**
 * Where cytoscape draws things (model coordinates): each node with its label, and each namespace
 * box with its title.
 */
async function drawn(page: Page): Promise<{ nodes: (Box & { ns: string; labelled: boolean })[]; boxes: Box[] }> {
  return inPage(page, ({ cy }) => {
    const box = (id: string, b: { x1: number; x2: number; y1: number; y2: number }) => ({
      id,
      x1: b.x1,
      x2: b.x2,
      y1: b.y1,
      y2: b.y2,
    });
    const visible = cy.nodes().filter((n) => !n.hasClass('hidden'));
    return {
      nodes: visible
        .filter((n) => !n.hasClass('namespace'))
        .map((n) => {
          const withLabel = n.boundingBox({ includeLabels: true, includeOverlays: false });
          const body = n.boundingBox({ includeLabels: false, includeOverlays: false });
          return { ...box(n.id(), withLabel), ns: n.data('ns') as string, labelled: withLabel.h > body.h + 5 };
        }),
      boxes: visible
        .filter((n) => n.hasClass('namespace'))
        .map((n) => box(n.id(), n.boundingBox({ includeLabels: true, includeOverlays: false }))),
    };
  });
}

/** No two labelled nodes overlap, no two namespace boxes, and every node lies in its own box only. */
async function assertNoOverlap(page: Page, what: string): Promise<void> {
  const { nodes, boxes } = await drawn(page);
  assert.ok(
    nodes.length > 0 && nodes.every((n) => n.labelled || n.id.startsWith('ns:')),
    `${what}: positions include the labels`,
  );
  const sorted = [...nodes].sort((a, b) => a.x1 - b.x1);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].x1 < sorted[i].x2; j++) {
      assert.ok(!meets(sorted[i], sorted[j]), `${what}: ${sorted[i].id} and ${sorted[j].id} overlap`);
    }
  }
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++)
      assert.ok(!meets(boxes[i], boxes[j]), `${what}: boxes ${boxes[i].id} and ${boxes[j].id} overlap`);
  for (const n of nodes) {
    for (const b of boxes)
      assert.equal(
        meets(n, b),
        n.ns === b.id,
        `${what}: ${n.id} ${n.ns === b.id ? 'outside its' : 'inside the'} box ${b.id}`,
      );
  }
}

describe('HTML report in headless chromium', { skip, timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = mkdtempSync(path.join(tmpdir(), 'kn-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH_ARGS,
      viewport: { width: 1400, height: 900 },
      offline: true,
    });
    // Anything but the report file itself is refused (and would be reported by the page's request list).
    await context.route(/^(?!file:)/, (route) => route.abort());
  });
  after(async () => {
    await context?.close();
    for (const d of [userDataDir, ...tmpDirs]) if (d) rmSync(d, { recursive: true, force: true });
  });

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
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-diff-'));
    tmpDirs.push(dir);
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
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-30-'));
    tmpDirs.push(dir);
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
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-overview-'));
    tmpDirs.push(dir);
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
    const dir = mkdtempSync(path.join(tmpdir(), 'kn-1000-'));
    tmpDirs.push(dir);
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
