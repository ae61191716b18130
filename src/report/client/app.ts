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
import type { ReportData, ReportEdge, ReportFinding, ReportNode } from '../model.js';

interface Payload {
  data: ReportData;
  sizes: Record<string, { width: number; height: number }>;
}

type Cy = cytoscapeNs.Core;
type Child = Node | string | null | undefined | false;

const win = window as unknown as { cytoscape: typeof cytoscapeNs; knReport?: unknown };
const cytoscape = win.cytoscape;
const started = performance.now();

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

const payload = JSON.parse(byId('kn-data').textContent ?? '{}') as Payload;
const data = payload.data;
const nodesById = new Map(data.nodes.map((n) => [n.id, n]));
const edgesById = new Map(data.edges.map((e) => [e.id, e]));
const big = data.nodes.length + data.edges.length > 1500;

const STATUS_TEXT: Record<string, string> = {
  allowed: 'allowed by the NetworkPolicies',
  blocked: 'BLOCKED by the NetworkPolicies',
  partial: 'blocked for some of the pods',
  unresolved: 'unresolved (no traffic to evaluate)',
  none: 'structural (no traffic evaluated)',
};
const DIFF_TEXT: Record<string, string> = {
  added: 'connection added',
  removed: 'connection removed',
  changed: 'connection changed',
  unchanged: 'unchanged',
};
const KIND_TEXT: Record<string, string> = {
  serves: 'the ingress controller serves this Ingress',
  backend: 'Ingress backend: the ingress controller → the Service’s pods on the target port',
  selects: 'the Service selects these pods',
  reference: 'service reference: the workload → the Service’s pods on the target port',
  connection: 'a connection of `kube-netlint diff` that no other edge stands for',
};

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

function where(p: { file: string; line: number; column: number } | undefined): string {
  return p ? `${p.file}:${p.line}:${p.column}` : '';
}

// ---------------------------------------------------------------- the graph

const elements: cytoscapeNs.ElementDefinition[] = [];
for (const n of data.nodes) {
  if (n.kind === 'namespace') {
    // A box behind the namespace's nodes, laid out in Node (cheaper to draw than a compound node).
    if (!n.position || !n.size) continue;
    elements.push({
      group: 'nodes',
      data: { id: n.id, label: `namespace ${n.label}`, kind: n.kind, w: n.size.width, h: n.size.height },
      position: { x: n.position.x, y: n.position.y },
      classes: 'namespace',
      grabbable: false,
    });
    continue;
  }
  const size = payload.sizes[n.kind] ?? { width: 30, height: 30 };
  const classes = [n.kind, severityClass(n), n.presence ? `presence-${n.presence}` : '', n.ingressController ? 'ingress-controller' : ''].filter(Boolean).join(' ');
  elements.push({
    group: 'nodes',
    data: { id: n.id, label: n.label, kind: n.kind, w: size.width, h: size.height, ns: n.parent ?? '' },
    position: n.position ? { x: n.position.x, y: n.position.y } : undefined,
    classes,
  });
}
for (const e of data.edges) {
  if (!nodesById.has(e.source) || !nodesById.has(e.target)) continue;
  const classes = [`kind-${e.kind}`, `status-${e.status}`, e.diff ? `diff-${e.diff}` : '', e.presence ? `presence-${e.presence}` : ''].filter(Boolean).join(' ');
  elements.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, label: e.label }, classes });
}

const diffMode = data.mode === 'diff';
const style: cytoscapeNs.StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 12,
      'font-family': 'system-ui, sans-serif',
      color: '#263238',
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'text-wrap': 'ellipsis',
      'text-max-width': '110px',
      'min-zoomed-font-size': 7,
      'border-width': 1,
      'border-color': '#37474f',
      'z-index-compare': 'manual',
      'z-index': 10,
    },
  },
  { selector: 'node[w]', style: { width: 'data(w)', height: 'data(h)' } },
  {
    selector: 'node.namespace',
    style: {
      shape: 'round-rectangle',
      'z-index': 0,
      'background-color': '#eef2f6',
      'background-opacity': 0.6,
      'border-style': 'dashed',
      'border-color': '#90a4ae',
      'border-width': 1,
      'text-valign': 'top',
      'text-halign': 'center',
      'font-size': 15,
      'font-weight': 'bold',
      color: '#455a64',
      'text-max-width': '400px',
      'text-margin-y': -4,
    },
  },
  { selector: 'node.workload', style: { shape: 'round-rectangle', 'background-color': '#1e88e5' } },
  { selector: 'node.service', style: { shape: 'ellipse', 'background-color': '#00897b' } },
  { selector: 'node.ingress', style: { shape: 'tag', 'background-color': '#8e24aa' } },
  { selector: 'node.controller', style: { shape: 'octagon', 'background-color': '#5e35b1' } },
  { selector: 'node.ingress-controller', style: { shape: 'octagon', 'background-color': '#5e35b1' } },
  { selector: 'node.missing', style: { shape: 'ellipse', 'background-color': '#ffffff', 'border-style': 'dashed', 'border-width': 2, 'border-color': '#757575' } },
  { selector: 'node.external', style: { shape: 'rhomboid', 'background-color': '#6d4c41' } },
  { selector: 'node.has-warning', style: { 'border-width': 3, 'border-color': '#f9a825' } },
  { selector: 'node.has-error', style: { 'border-width': 3, 'border-color': '#d32f2f' } },
  { selector: 'node.presence-new', style: { 'border-width': 3, 'border-color': '#2e7d32', 'border-style': 'double' } },
  { selector: 'node.presence-old', style: { opacity: 0.55, 'border-style': 'dashed', 'border-width': 3, 'border-color': '#d32f2f' } },
  {
    selector: 'edge',
    style: {
      width: 1.5,
      'curve-style': big ? 'straight' : 'bezier',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.9,
      'line-color': '#78909c',
      'target-arrow-color': '#78909c',
      'font-size': 9,
      'font-family': 'system-ui, sans-serif',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 8,
      'text-rotation': 'autorotate',
      'z-index-compare': 'manual',
      'z-index': 5,
    },
  },
  { selector: 'edge.kind-serves', style: { 'line-style': 'dotted', 'line-color': '#b39ddb', 'target-arrow-color': '#b39ddb' } },
  { selector: 'edge.status-none', style: { 'line-color': '#b0bec5', 'target-arrow-color': '#b0bec5' } },
  { selector: 'edge.status-allowed', style: { 'line-color': '#546e7a', 'target-arrow-color': '#546e7a' } },
  { selector: 'edge.status-unresolved', style: { 'line-style': 'dashed', 'line-color': '#9e9e9e', 'target-arrow-color': '#9e9e9e', label: 'data(label)', color: '#616161' } },
  { selector: 'edge.status-partial', style: { width: 2.5, 'line-color': '#ef6c00', 'target-arrow-color': '#ef6c00', label: 'data(label)', color: '#e65100' } },
  { selector: 'edge.status-blocked', style: { width: 3, 'line-color': '#d32f2f', 'target-arrow-color': '#d32f2f', label: 'data(label)', color: '#b71c1c' } },
  ...(diffMode
    ? ([
        { selector: 'edge', style: { label: '' } },
        { selector: 'edge.status-blocked, edge.status-unresolved', style: { 'line-style': 'dashed' } },
        { selector: 'edge.diff-unchanged', style: { width: 1.5, 'line-color': '#cfd8dc', 'target-arrow-color': '#cfd8dc', label: '' } },
        { selector: 'edge.diff-added', style: { width: 3.5, 'line-color': '#2e7d32', 'target-arrow-color': '#2e7d32', label: 'data(label)', color: '#1b5e20' } },
        { selector: 'edge.diff-removed', style: { width: 3.5, 'line-color': '#d32f2f', 'target-arrow-color': '#d32f2f', label: 'data(label)', color: '#b71c1c' } },
        { selector: 'edge.diff-changed', style: { width: 3, 'line-color': '#ef6c00', 'target-arrow-color': '#ef6c00', label: 'data(label)', color: '#e65100' } },
      ] as cytoscapeNs.StylesheetJson)
    : []),
  { selector: '.faded', style: { opacity: 0.15 } },
  { selector: 'node.match', style: { 'overlay-color': '#ffb300', 'overlay-opacity': 0.45, 'overlay-padding': 6 } },
  { selector: ':selected', style: { 'overlay-color': '#0277bd', 'overlay-opacity': 0.3, 'overlay-padding': 6 } },
  { selector: '.hidden', style: { display: 'none' } },
];

const cy: Cy = cytoscape({
  container: byId('kn-graph'),
  elements,
  style,
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

// ---------------------------------------------------------------- the side panel

const panel = byId('kn-panel');

function setPanel(...children: Child[]): void {
  panel.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
  panel.scrollTop = 0;
}

function findingItem(f: ReportFinding, index: number): HTMLElement {
  return h(
    'li',
    { class: `finding sev-${f.severity}`, 'data-finding': String(index) },
    h('span', { class: `sev sev-${f.severity}` }, f.severity),
    ' ',
    h('code', { class: 'rule' }, f.ruleId),
    ' ',
    h('span', { class: 'loc' }, `${f.file}:${f.line}:${f.column}`),
    h('div', { class: 'msg' }, f.message),
  );
}

function edgeButton(e: ReportEdge, fromId: string): HTMLElement {
  const other = e.source === fromId ? `→ ${nodeName(e.target)}` : `← ${nodeName(e.source)}`;
  const b = h('button', { type: 'button', class: `link status-${e.status}${e.diff ? ` diff-${e.diff}` : ''}` }, `${e.kind} ${other}${e.label ? ` (${e.label})` : ''}`);
  b.addEventListener('click', () => focusEdge(e.id));
  return b;
}

function showNode(id: string): void {
  const n = nodesById.get(id);
  if (!n) return;
  const findings = n.findings.map((i) => findingItem(data.findings[i], i));
  const policies = n.policies;
  const policyList = (title: string, list: { name: string; file: string; line: number; column: number }[]) =>
    h(
      'div',
      { class: 'policies' },
      h('h4', {}, title),
      list.length === 0
        ? h('p', { class: 'muted' }, 'not isolated: no NetworkPolicy selects these pods for this direction (all allowed)')
        : h('ul', {}, ...list.map((p) => h('li', {}, h('code', {}, p.name), ' ', h('span', { class: 'loc' }, where(p))))),
    );
  const connected = data.edges.filter((e) => e.source === id || e.target === id);
  setPanel(
    h('h2', { id: 'kn-panel-title' }, n.namespace && n.kind !== 'namespace' ? `${n.namespace}/${n.label}` : n.label),
    h('p', { class: 'subtitle' }, n.subtitle, n.presence === 'new' ? ' — only in the new version' : n.presence === 'old' ? ' — only in the old version' : ''),
    n.at ? h('p', { class: 'loc' }, where(n.at)) : null,
    n.info.length ? h('ul', { class: 'info' }, ...n.info.map((i) => h('li', {}, i))) : null,
    h('h3', {}, `Findings (${n.findings.length})`),
    findings.length ? h('ul', { class: 'findings', id: 'kn-node-findings' }, ...findings) : h('p', { class: 'muted' }, 'none'),
    policies ? h('h3', {}, 'NetworkPolicies selecting these pods') : null,
    policies ? policyList('ingress', policies.ingress) : null,
    policies ? policyList('egress', policies.egress) : null,
    connected.length ? h('h3', {}, `Edges (${connected.length})`) : null,
    connected.length ? h('ul', { class: 'edges' }, ...connected.slice(0, 200).map((e) => h('li', {}, edgeButton(e, id)))) : null,
  );
}

function explainBlock(title: string, list: { text: string; allowed: boolean }[]): HTMLElement[] {
  if (list.length === 0) return [];
  return [h('h3', {}, title), ...list.map((x) => h('pre', { class: `explain ${x.allowed ? 'allowed' : 'blocked'}` }, x.text))];
}

function showEdge(id: string): void {
  const e = edgesById.get(id);
  if (!e) return;
  setPanel(
    h('h2', { id: 'kn-panel-title' }, `${nodeName(e.source)} → ${nodeName(e.target)}`),
    h('p', { class: 'subtitle' }, KIND_TEXT[e.kind] ?? e.kind),
    h('p', {}, h('span', { class: `badge status-${e.status}` }, STATUS_TEXT[e.status] ?? e.status), e.label ? ` ${e.label}` : ''),
    e.diff ? h('p', {}, h('span', { class: `badge diff-${e.diff}` }, DIFF_TEXT[e.diff]), e.old ? ` (was: ${STATUS_TEXT[e.old.status] ?? e.old.status}${e.old.label ? ` ${e.old.label}` : ''})` : e.presence === 'new' ? ' (new edge)' : '') : null,
    e.at ? h('p', { class: 'loc' }, where(e.at)) : null,
    e.details.length ? h('ul', { class: 'info' }, ...e.details.map((d) => h('li', {}, d))) : null,
    ...explainBlock(diffMode ? 'explain (new version)' : 'explain', e.explain),
    ...(diffMode && e.old ? explainBlock('explain (old version)', e.old.explain) : []),
    e.explain.length === 0 && !(e.old && e.old.explain.length) ? h('p', { class: 'muted' }, 'No NetworkPolicy evaluation: this edge carries no traffic that could be evaluated.') : null,
  );
}

function focusNode(id: string): void {
  const el = cy.getElementById(id);
  if (el.empty()) return;
  if (el.hasClass('hidden')) resetNamespace();
  cy.elements().unselect();
  el.select();
  cy.animate({ center: { eles: el }, zoom: Math.max(cy.zoom(), 1.1) }, { duration: big ? 0 : 250 });
  showNode(id);
}

function focusEdge(id: string): void {
  const el = cy.getElementById(id);
  if (el.empty()) return;
  if (el.hasClass('hidden')) resetNamespace();
  cy.elements().unselect();
  el.select();
  cy.animate({ center: { eles: el } }, { duration: big ? 0 : 250 });
  showEdge(id);
}

cy.on('tap', 'node', (ev) => showNode(ev.target.id() as string));
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
    if (hits.empty()) return;
    hits.addClass('match');
    cy.elements().not(hits).not(boxesOf(hits)).not(hits.connectedEdges()).addClass('faded');
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
    cy.edges().filter((e) => e.source().hasClass('hidden') || e.target().hasClass('hidden')).addClass('hidden');
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

// ---------------------------------------------------------------- tables

function nodeLinks(ids: string[]): Child {
  if (ids.length === 0) return h('span', { class: 'muted' }, '—');
  const span = h('span', {});
  ids.slice(0, 5).forEach((id, i) => {
    if (i > 0) span.append(', ');
    const a = h('a', { href: `#node=${encodeURIComponent(id)}`, class: 'node-link', 'data-node': id }, nodeName(id));
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      focusNode(id);
      byId('kn-graph').scrollIntoView({ block: 'nearest' });
    });
    span.append(a);
  });
  if (ids.length > 5) span.append(` and ${ids.length - 5} more`);
  return span;
}

/** The namespaces of each findings row's nodes, for the namespace filter. */
const rowNamespaces = new Map<HTMLTableRowElement, string[]>();
const findingRows = data.findings.map((f) => {
  const nss = [...new Set(f.nodes.map((id) => nodesById.get(id)?.namespace).filter((x): x is string => x !== undefined))];
  const row = h(
    'tr',
    { class: `sev-${f.severity}` },
    h('td', {}, h('span', { class: `sev sev-${f.severity}` }, f.severity)),
    h('td', {}, h('code', {}, f.ruleId)),
    h('td', { class: 'loc' }, `${f.file}:${f.line}:${f.column}`),
    h('td', {}, f.message),
    h('td', {}, nodeLinks(f.nodes)),
  );
  rowNamespaces.set(row, nss);
  return row;
});
byId('kn-findings-body').replaceChildren(...findingRows);
byId('kn-findings-count').textContent = String(data.findings.length);

if (diffMode && data.changes) {
  const rows = data.changes.map((c) => {
    const text = c.diff === 'added' ? `+ ${c.src} => ${c.dst} : ${c.new}` : c.diff === 'removed' ? `- ${c.src} => ${c.dst} : ${c.old}` : `~ ${c.src} => ${c.dst} : ${c.old} -> ${c.new}`;
    let link: Child = h('span', { class: 'muted' }, '—');
    if (c.edge) {
      const edgeId = c.edge;
      const a = h('a', { href: `#edge=${encodeURIComponent(edgeId)}`, class: 'edge-link' }, 'show');
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        focusEdge(edgeId);
        byId('kn-graph').scrollIntoView({ block: 'nearest' });
      });
      link = a;
    }
    return h('tr', { class: `diff-${c.diff}` }, h('td', {}, h('span', { class: `badge diff-${c.diff}` }, c.diff)), h('td', {}, h('code', {}, text)), h('td', {}, link));
  });
  byId('kn-changes-body').replaceChildren(...rows);
  byId('kn-changes-count').textContent = String(data.changes.length + (data.changesTruncated ?? 0));
  if (data.changesTruncated) byId('kn-changes-note').textContent = `${data.changesTruncated} more changes are left out of this page: run kube-netlint diff (txt) for all of them.`;
  byId('kn-changes').hidden = false;
}

// ---------------------------------------------------------------- header, deep links, readiness

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const counts = { workload: 0, service: 0, ingress: 0 } as Record<string, number>;
for (const n of data.nodes) counts[n.kind] = (counts[n.kind] ?? 0) + 1;
const blocked = data.edges.filter((e) => e.status === 'blocked' || e.status === 'partial').length;
const errors = data.findings.filter((f) => f.severity === 'error').length;
const warnings = data.findings.filter((f) => f.severity === 'warning').length;
const stats = [
  `${counts.workload ?? 0} workloads`,
  `${counts.service ?? 0} Services`,
  `${counts.ingress ?? 0} Ingresses`,
  diffMode
    ? `${plural(data.edges.filter((e) => e.diff === 'added').length, 'edge')} added, ${data.edges.filter((e) => e.diff === 'removed').length} removed, ${data.edges.filter((e) => e.diff === 'changed').length} changed`
    : `${blocked} blocked edge${blocked === 1 ? '' : 's'}`,
  `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
];
byId('kn-stats').textContent = stats.join(' · ');

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
      win.knReport = { cy, readyMs, scriptMs: Math.round(readyMs - started), nodes: cy.nodes().length, edges: cy.edges().length };
      document.documentElement.dataset.ready = 'true';
    }),
  );
});
