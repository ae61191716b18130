/// <reference lib="dom" />
/**
 * The report page's script (runs in the browser; compiled by the repo's tsc and inlined into the
 * HTML by src/report/html.ts). It reads the embedded JSON, draws it with cytoscape (inlined before
 * this script) at the positions computed in Node, and wires the side panel, search, namespace
 * filter and findings table.
 *
 * Everything that comes from manifests (names, messages, explanations) reaches the page through
 * `textContent` or cytoscape's canvas labels, never as HTML.
 */
import type cytoscapeNs from 'cytoscape';
import type { ReportData, ReportEdge, ReportNode } from '../model.js';
import { namespaceSummary, visibleEdges } from './overview.js';
import type { SummaryEdge } from './overview.js';
import { byId, h } from './dom.js';
import type { Child } from './dom.js';
import { edgeDetails, findingItem, policyList, STATUS_TEXT, where } from './panel.js';
import { pictureStyle } from './style.js';
import { fillTables, headerStats } from './tables.js';
import type { StyleSettings } from './style.js';

interface Payload {
  data: ReportData;
  sizes: Record<string, { width: number; height: number }>;
  label: StyleSettings['label'];
  title: StyleSettings['title'];
  overviewAbove: number;
}

type Cy = cytoscapeNs.Core;

const win = window as unknown as { cytoscape: typeof cytoscapeNs; knReport?: unknown };
const cytoscape = win.cytoscape;
const started = performance.now();

const payload = JSON.parse(byId('kn-data').textContent ?? '{}') as Payload;
const data = payload.data;
const nodesById = new Map(data.nodes.map((n) => [n.id, n]));
const edgesById = new Map(data.edges.map((e) => [e.id, e]));

function severityClass(n: ReportNode): string {
  let worst = '';
  for (const i of n.findings) {
    const s = data.findings[i]?.severity;
    if (s === 'error') return 'has-error';
    if (s === 'warning') worst = 'has-warning';
  }
  return worst;
}

function nodeName(id: string): string {
  const n = nodesById.get(id);
  if (!n) return id;
  return n.namespace ? `${n.namespace}/${n.label}` : n.label;
}

// ---------------------------------------------------------------- the picture

const diffMode = data.mode === 'diff';
/** Large reports open on the namespaces only (see src/report/client/overview.ts). */
const overview = data.nodes.length > payload.overviewAbove;
/** Members of each namespace box, and the namespaces open in the overview (all of them otherwise). */
const membersOf = new Map<string, ReportNode[]>();
for (const n of data.nodes) {
  if (n.kind === 'namespace' || !n.parent || nodesById.get(n.parent)?.kind !== 'namespace') continue;
  const list = membersOf.get(n.parent);
  if (list) list.push(n);
  else membersOf.set(n.parent, [n]);
}
const opened = new Set<string>(overview ? [] : membersOf.keys());
/** Diff view: nodes on a changed edge (the others are faded). */
const changedEnds = new Set(
  data.edges.filter((e) => e.diff && e.diff !== 'unchanged').flatMap((e) => [e.source, e.target]),
);

function boxElement(n: ReportNode): cytoscapeNs.ElementDefinition {
  // A box behind the namespace's nodes, laid out in Node (cheaper to draw than a compound node).
  const closed = !opened.has(n.id);
  const summary = closed ? namespaceSummary(data, n, membersOf.get(n.id) ?? []) : undefined;
  return {
    group: 'nodes',
    data: {
      id: n.id,
      label: summary ? summary.text : `namespace ${n.label}`,
      kind: n.kind,
      w: n.size!.width,
      h: n.size!.height,
      textWidth: `${Math.max(60, n.size!.width - 16)}px`,
    },
    position: { x: n.position!.x, y: n.position!.y },
    classes: ['namespace', closed ? `closed ${summary!.severity}` : ''].join(' ').trim(),
    grabbable: false,
  };
}

function nodeElement(n: ReportNode): cytoscapeNs.ElementDefinition {
  const size = payload.sizes[n.kind] ?? { width: 30, height: 30 };
  const quiet = diffMode && changedEnds.size > 0 && !changedEnds.has(n.id) ? 'quiet' : '';
  const classes = [
    n.kind,
    severityClass(n),
    n.presence ? `presence-${n.presence}` : '',
    n.ingressController ? 'ingress-controller' : '',
    quiet,
  ]
    .filter(Boolean)
    .join(' ');
  return {
    group: 'nodes',
    data: { id: n.id, label: n.label, kind: n.kind, w: size.width, h: size.height, ns: n.parent ?? '' },
    position: n.position ? { x: n.position.x, y: n.position.y } : undefined,
    classes,
  };
}

/** What is drawn for a node: itself, or the box of its closed namespace. */
function drawnAs(id: string): string | undefined {
  const n = nodesById.get(id);
  if (!n) return undefined;
  return n.parent && membersOf.has(n.parent) && !opened.has(n.parent) ? n.parent : id;
}

/** Merged edges of the overview, by id. */
const summaries = new Map<string, SummaryEdge>();

function edgeElements(): cytoscapeNs.ElementDefinition[] {
  const { direct, merged } = visibleEdges(data.edges, drawnAs);
  summaries.clear();
  const out: cytoscapeNs.ElementDefinition[] = direct.map((e) => {
    const classes = [
      `kind-${e.kind}`,
      `status-${e.status}`,
      e.diff ? `diff-${e.diff}` : '',
      e.presence ? `presence-${e.presence}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return { group: 'edges', data: { id: e.id, source: e.source, target: e.target, label: e.label }, classes };
  });
  for (const m of merged) {
    summaries.set(m.id, m);
    const label = `${m.edges.length} edge${m.edges.length === 1 ? '' : 's'}`;
    out.push({
      group: 'edges',
      data: {
        id: m.id,
        source: m.source,
        target: m.target,
        label,
        width: Math.min(8, 1.5 + Math.log2(m.edges.length)),
      },
      classes: `summary status-${m.status}`,
    });
  }
  return out;
}

const elements: cytoscapeNs.ElementDefinition[] = [];
for (const n of data.nodes) {
  if (n.kind === 'namespace') {
    if (n.position && n.size) elements.push(boxElement(n));
  } else if (drawnAs(n.id) === n.id) elements.push(nodeElement(n));
}
elements.push(...edgeElements());
const big = elements.length > 1500;

const cy: Cy = cytoscape({
  container: byId('kn-picture'),
  elements,
  style: pictureStyle({ diff: diffMode, big, label: payload.label, title: payload.title }),
  layout: { name: 'preset', fit: true, padding: 30 },
  minZoom: 0.02,
  maxZoom: 5,
  boxSelectionEnabled: false,
  selectionType: 'single',
  textureOnViewport: big,
  hideEdgesOnViewport: big,
  motionBlur: false,
  pixelRatio: big ? 1 : 'auto',
});

/** Open (or close) namespaces of the overview: their nodes are drawn, the edges drawn again. */
function setOpen(ids: Iterable<string>, open: boolean): void {
  let changed = false;
  for (const id of ids) {
    if (!membersOf.has(id) || opened.has(id) === open) continue;
    changed = true;
    if (open) opened.add(id);
    else opened.delete(id);
  }
  if (!changed) return;
  cy.batch(() => {
    cy.edges().remove();
    for (const [id, list] of membersOf) {
      const box = cy.getElementById(id);
      const ns = nodesById.get(id)!;
      if (box.nonempty() && ns.position && ns.size) {
        const el = boxElement(ns);
        box.data('label', el.data.label as string);
        box.classes(el.classes as string);
      }
      const shown = cy.getElementById(list[0].id).nonempty();
      if (opened.has(id) && !shown) cy.add(list.map(nodeElement));
      else if (!opened.has(id) && shown) {
        const gone = new Set(list.map((n) => n.id));
        cy.remove(cy.nodes().filter((n) => gone.has(n.id())));
      }
    }
    cy.add(edgeElements());
  });
}

// ---------------------------------------------------------------- the side panel

const panel = byId('kn-panel');

function setPanel(...children: Child[]): void {
  panel.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
  panel.scrollTop = 0;
}

function edgeButton(e: ReportEdge, fromId: string): HTMLElement {
  const other = e.source === fromId ? `→ ${nodeName(e.target)}` : `← ${nodeName(e.source)}`;
  const b = h(
    'button',
    { type: 'button', class: `link status-${e.status}${e.diff ? ` diff-${e.diff}` : ''}` },
    `${e.kind} ${other}${e.label ? ` (${e.label})` : ''}`,
  );
  b.addEventListener('click', () => focusEdge(e.id));
  return b;
}

function showNode(id: string): void {
  const n = nodesById.get(id);
  if (!n) return;
  const findings = n.findings.map((i) => findingItem(data.findings[i], i));
  const policies = n.policies;
  const connected = data.edges.filter((e) => e.source === id || e.target === id);
  let toggle: HTMLElement | null = null;
  if (membersOf.has(id) && overview) {
    const open = opened.has(id);
    toggle = h(
      'button',
      { type: 'button', id: 'kn-toggle-namespace' },
      open ? 'Close this namespace' : `Open this namespace (${membersOf.get(id)!.length} nodes)`,
    );
    toggle.addEventListener('click', () => {
      setOpen([id], !open);
      showNode(id);
    });
  }
  const held = n.kind === 'namespace' ? (membersOf.get(id) ?? []).reduce((sum, m) => sum + m.findings.length, 0) : 0;
  setPanel(
    h('h2', { id: 'kn-panel-title' }, n.namespace && n.kind !== 'namespace' ? `${n.namespace}/${n.label}` : n.label),
    h(
      'p',
      { class: 'subtitle' },
      n.subtitle,
      n.presence === 'new' ? ' — only in the new version' : n.presence === 'old' ? ' — only in the old version' : '',
    ),
    n.at ? h('p', { class: 'loc' }, where(n.at)) : null,
    n.info.length ? h('ul', { class: 'info' }, ...n.info.map((i) => h('li', {}, i))) : null,
    toggle ? h('p', {}, toggle) : null,
    held ? h('p', { class: 'muted' }, `${held} finding${held === 1 ? '' : 's'} on its nodes`) : null,
    h('h3', {}, `Findings (${n.findings.length})`),
    findings.length
      ? h('ul', { class: 'findings', id: 'kn-node-findings' }, ...findings)
      : h('p', { class: 'muted' }, 'none'),
    policies ? h('h3', {}, 'NetworkPolicies selecting these pods') : null,
    policies ? policyList('ingress', policies.ingress) : null,
    policies ? policyList('egress', policies.egress) : null,
    connected.length ? h('h3', {}, `Edges (${connected.length})`) : null,
    connected.length
      ? h('ul', { class: 'edges' }, ...connected.slice(0, 200).map((e) => h('li', {}, edgeButton(e, id))))
      : null,
  );
}

/** A merged edge of the overview: the edges it stands for. */
function showSummary(id: string): void {
  const m = summaries.get(id);
  if (!m) return;
  const list = m.edges.map((e) => edgesById.get(e)!).filter(Boolean);
  setPanel(
    h('h2', { id: 'kn-panel-title' }, `${nodeName(m.source)} → ${nodeName(m.target)}`),
    h(
      'p',
      { class: 'subtitle' },
      `${list.length} edge${list.length === 1 ? '' : 's'} between closed namespaces (click one to open its ends)`,
    ),
    h(
      'p',
      {},
      h('span', { class: `badge status-${m.status}` }, STATUS_TEXT[m.status] ?? m.status),
      ' (the worst of them)',
    ),
    h('ul', { class: 'edges' }, ...list.slice(0, 200).map((e) => h('li', {}, edgeButton(e, e.source)))),
    list.length > 200 ? h('p', { class: 'muted' }, `and ${list.length - 200} more`) : null,
  );
}

function showEdge(id: string): void {
  if (summaries.has(id)) return showSummary(id);
  const e = edgesById.get(id);
  if (!e) return;
  setPanel(...edgeDetails(e, nodeName, diffMode));
}

/** Open the namespaces that hold these nodes (overview). */
function reveal(...ids: string[]): void {
  setOpen(
    ids.map((id) => nodesById.get(id)?.parent ?? '').filter((p) => membersOf.has(p)),
    true,
  );
}

function focusNode(id: string): void {
  reveal(id);
  const el = cy.getElementById(id);
  if (el.empty()) return;
  if (el.hasClass('hidden')) resetNamespace();
  cy.elements().unselect();
  el.select();
  cy.animate({ center: { eles: el }, zoom: Math.max(cy.zoom(), 1.1) }, { duration: big ? 0 : 250 });
  showNode(id);
}

function focusEdge(id: string): void {
  const e = edgesById.get(id);
  if (e) reveal(e.source, e.target);
  const el = cy.getElementById(id);
  if (el.empty()) return;
  if (el.hasClass('hidden')) resetNamespace();
  cy.elements().unselect();
  el.select();
  cy.animate({ center: { eles: el } }, { duration: big ? 0 : 250 });
  showEdge(id);
}

cy.on('tap', 'node', (ev) => showNode(ev.target.id() as string));
cy.on('dbltap', 'node.namespace.closed', (ev) => {
  setOpen([ev.target.id() as string], true);
  showNode(ev.target.id() as string);
});
cy.on('tap', 'edge', (ev) => showEdge(ev.target.id() as string));
cy.on('tap', (ev) => {
  if (ev.target === cy) setPanel(h('p', { class: 'muted' }, 'Click a node or an edge for details.'));
});

/** The namespace boxes of some nodes. */
function boxesOf(nodes: cytoscapeNs.NodeCollection | cytoscapeNs.CollectionReturnValue): cytoscapeNs.NodeCollection {
  const ids = new Set(nodes.map((n) => n.data('ns') as string).filter(Boolean));
  return cy.nodes().filter((n) => ids.has(n.id()));
}

// ---------------------------------------------------------------- search

const search = byId<HTMLInputElement>('kn-search');
const searchCount = byId('kn-search-count');
let matches: string[] = [];
let matchIndex = -1;

function runSearch(): void {
  const q = search.value.trim().toLowerCase();
  cy.batch(() => {
    cy.elements().removeClass('match faded');
    matches = [];
    matchIndex = -1;
    if (!q) return;
    const hits = cy.nodes().filter((n) => {
      if (n.hasClass('namespace') || n.hasClass('hidden')) return false;
      const node = nodesById.get(n.id());
      return !!node && (node.label.toLowerCase().includes(q) || nodeName(node.id).toLowerCase().includes(q));
    });
    matches = hits.map((n) => n.id());
    // In the overview, nodes of closed namespaces are found in the data; their boxes light up.
    const closedHits = overview
      ? data.nodes
          .filter(
            (n) =>
              n.kind !== 'namespace' &&
              drawnAs(n.id) !== n.id &&
              (n.label.toLowerCase().includes(q) || nodeName(n.id).toLowerCase().includes(q)),
          )
          .map((n) => n.id)
      : [];
    matches.push(...closedHits);
    if (matches.length === 0) return;
    const lit0 = new Set(closedHits.map((id) => drawnAs(id)!));
    const boxes = cy.nodes().filter((n) => lit0.has(n.id()));
    const lit = hits.union(boxes);
    lit.addClass('match');
    cy.elements().not(lit).not(boxesOf(hits)).not(hits.connectedEdges()).addClass('faded');
  });
  searchCount.textContent = q ? `${matches.length} match${matches.length === 1 ? '' : 'es'}` : '';
}

search.addEventListener('input', runSearch);
search.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter') {
    if (matches.length === 0) runSearch();
    if (matches.length === 0) return;
    matchIndex = (matchIndex + 1) % matches.length;
    focusNode(matches[matchIndex]);
  } else if (ev.key === 'Escape') {
    search.value = '';
    runSearch();
  }
});

// ---------------------------------------------------------------- namespace filter

const nsSelect = byId<HTMLSelectElement>('kn-namespace');
const neighbours = byId<HTMLInputElement>('kn-neighbours');
for (const ns of data.namespaces) nsSelect.append(h('option', { value: ns }, ns));

function applyNamespace(): void {
  const ns = nsSelect.value;
  if (ns) setOpen([`ns:${ns}`], true);
  cy.batch(() => {
    cy.elements().removeClass('hidden');
    if (!ns) return;
    const keep = cy.nodes().filter((n) => nodesById.get(n.id())?.namespace === ns);
    let shown = keep.union(boxesOf(keep));
    if (neighbours.checked) {
      const near = keep.neighborhood().nodes();
      shown = shown.union(near).union(boxesOf(near));
    }
    cy.nodes().not(shown).addClass('hidden');
    cy.edges()
      .filter((e) => e.source().hasClass('hidden') || e.target().hasClass('hidden'))
      .addClass('hidden');
  });
  const visible = cy.elements().not('.hidden');
  if (visible.nonempty()) cy.fit(visible, 30);
  for (const [row, list] of rowNamespaces) row.hidden = !!ns && list.length > 0 && !list.includes(ns);
  runSearch();
}

function resetNamespace(): void {
  nsSelect.value = '';
  applyNamespace();
}

nsSelect.addEventListener('change', applyNamespace);
neighbours.addEventListener('change', applyNamespace);
byId('kn-fit').addEventListener('click', () => cy.fit(cy.elements().not('.hidden'), 30));

// ---------------------------------------------------------------- tables, header

const rowNamespaces = fillTables(data, {
  focusNode,
  focusEdge,
  nodeName,
  show: () => byId('kn-picture').scrollIntoView({ block: 'nearest' }),
});
byId('kn-stats').textContent = headerStats(data);

function followHash(): void {
  const m = /^#(node|edge)=(.+)$/.exec(location.hash);
  if (!m) return;
  let id: string;
  try {
    id = decodeURIComponent(m[2]);
  } catch {
    return;
  }
  if (m[1] === 'node') focusNode(id);
  else focusEdge(id);
}
window.addEventListener('hashchange', followHash);

cy.ready(() => {
  followHash();
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const readyMs = Math.round(performance.now());
      win.knReport = {
        cy,
        readyMs,
        scriptMs: Math.round(readyMs - started),
        nodes: cy.nodes().length,
        edges: cy.edges().length,
      };
      document.documentElement.dataset.ready = 'true';
    }),
  );
});
