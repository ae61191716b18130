/**
 * Helpers of the browser test of the HTML report (test/report/browser.test.ts): Debian's chromium
 * driven by playwright-core, offline; reports rendered under test-artifacts/; pages opened with
 * their requests, dialogs and problems recorded; clicks as a person makes them; and the positions
 * cytoscape reports, to check that labels and namespace boxes do not overlap.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type cytoscape from 'cytoscape';
import type { Core } from 'cytoscape';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { COMMANDS } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/main.js';
import { ROOT } from './util.js';

export const FIXTURES = path.join(ROOT, 'test-fixtures/graph-report');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const LAUNCH_ARGS = [
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
export const READY_BOUND_1000_MS = 60_000;
export const skip = existsSync(CHROMIUM)
  ? false
  : `chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): browser tests skipped`;
if (skip) process.stderr.write(`note: ${skip}\n`);

export interface KnReport {
  cy: Core;
  readyMs: number;
  scriptMs: number;
}
/** Run `fn` in the page with the report's handle (set when the page is ready). */
export async function inPage<T, A = null>(page: Page, fn: (report: KnReport, arg: A) => T, arg?: A): Promise<T> {
  return (await page.evaluate(`(${fn.toString()})(globalThis.knReport, ${JSON.stringify(arg ?? null)})`)) as T;
}

export function quietIo(cwd: string): Io {
  const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
  return { stdout: sink(), stderr: sink(), stdin: Readable.from([]), cwd, env: {} };
}

export interface Opened {
  page: Page;
  requests: string[];
  dialogs: string[];
  problems: string[];
  readyMs: number;
}

let context: BrowserContext;
let userDataDir: string;

/** Start chromium (a persistent context of its own, offline, that refuses every request but files). */
export async function launch(): Promise<void> {
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
}

export async function close(): Promise<void> {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
}

export async function open(file: string, hash = ''): Promise<Opened> {
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
export function assertSelfContained(o: Opened, file: string): void {
  const own = pathToFileURL(file).href;
  assert.deepEqual(
    o.requests.filter((u) => u.split('#')[0] !== own && !u.startsWith('data:') && !u.startsWith('blob:')),
    [],
    'requests that left the page',
  );
  assert.deepEqual(o.problems, [], 'errors or warnings in the page');
}

/** Bring an element into view and click it with the mouse, as a person would. */
export async function click(page: Page, id: string): Promise<void> {
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

export async function panelHas(page: Page, text: string): Promise<void> {
  await page.locator('#kn-panel', { hasText: text }).waitFor({ timeout: 30_000 });
}

export async function render(args: string[], cwd: string, command: 'graph' | 'diff' = 'graph'): Promise<string> {
  const out = path.join(ARTIFACTS, args[args.length - 1]);
  const code = await COMMANDS[command].run(
    [...args.slice(0, -1), '--no-config', '-f', 'html', '-o', out],
    quietIo(cwd),
  );
  assert.ok(code === 0 || code === 1, `${command} exit code ${code}`);
  return out;
}

export interface Box {
  id: string;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
}
export const meets = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/**
 * Where cytoscape draws things (model coordinates): each node with its label, and each namespace
 * box with its title.
 */
export async function drawn(page: Page): Promise<{ nodes: (Box & { ns: string; labelled: boolean })[]; boxes: Box[] }> {
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
export async function assertNoOverlap(page: Page, what: string): Promise<void> {
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
