/// <reference lib="dom" />
/**
 * The report page's tables (inlined into the page with the other client modules, see
 * src/report/html.ts): every finding linked to its nodes, and in the diff view every connection
 * change linked to its edge; and the header's counts.
 */
import type { ReportData } from '../model.js';
import { byId, h } from './dom.js';
import type { Child } from './dom.js';

/** What the tables link to. */
export interface Links {
  focusNode(id: string): void;
  focusEdge(id: string): void;
  nodeName(id: string): string;
  /** Bring the picture into view. */
  show(): void;
}

function nodeLinks(ids: string[], links: Links): Child {
  const { nodeName, focusNode } = links;
  if (ids.length === 0) return h('span', { class: 'muted' }, '—');
  const span = h('span', {});
  ids.slice(0, 5).forEach((id, i) => {
    if (i > 0) span.append(', ');
    const a = h('a', { href: `#node=${encodeURIComponent(id)}`, class: 'node-link', 'data-node': id }, nodeName(id));
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      focusNode(id);
      links.show();
    });
    span.append(a);
  });
  if (ids.length > 5) span.append(` and ${ids.length - 5} more`);
  return span;
}

/**
 * Fill the findings table (and the diff view's table of connection changes); returns the
 * namespaces of each findings row's nodes, for the namespace filter.
 */
export function fillTables(data: ReportData, links: Links): Map<HTMLTableRowElement, string[]> {
  const nodesById = new Map(data.nodes.map((n) => [n.id, n]));
  const rowNamespaces = new Map<HTMLTableRowElement, string[]>();
  const findingRows = data.findings.map((f) => {
    const nss = [
      ...new Set(f.nodes.map((id) => nodesById.get(id)?.namespace).filter((x): x is string => x !== undefined)),
    ];
    const row = h(
      'tr',
      { class: `sev-${f.severity}` },
      h('td', {}, h('span', { class: `sev sev-${f.severity}` }, f.severity)),
      h('td', {}, h('code', {}, f.ruleId)),
      h('td', { class: 'loc' }, `${f.file}:${f.line}:${f.column}`),
      h('td', {}, f.message),
      h('td', {}, nodeLinks(f.nodes, links)),
    );
    rowNamespaces.set(row, nss);
    return row;
  });
  byId('kn-findings-body').replaceChildren(...findingRows);
  byId('kn-findings-count').textContent = String(data.findings.length);

  if (data.mode === 'diff' && data.changes) {
    const rows = data.changes.map((c) => {
      const text =
        c.diff === 'added'
          ? `+ ${c.src} => ${c.dst} : ${c.new}`
          : c.diff === 'removed'
            ? `- ${c.src} => ${c.dst} : ${c.old}`
            : `~ ${c.src} => ${c.dst} : ${c.old} -> ${c.new}`;
      let link: Child = h('span', { class: 'muted' }, '—');
      if (c.edge) {
        const edgeId = c.edge;
        const a = h('a', { href: `#edge=${encodeURIComponent(edgeId)}`, class: 'edge-link' }, 'show');
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          links.focusEdge(edgeId);
          links.show();
        });
        link = a;
      }
      return h(
        'tr',
        { class: `diff-${c.diff}` },
        h('td', {}, h('span', { class: `badge diff-${c.diff}` }, c.diff)),
        h('td', {}, h('code', {}, text)),
        h('td', {}, link),
      );
    });
    byId('kn-changes-body').replaceChildren(...rows);
    byId('kn-changes-count').textContent = String(data.changes.length + (data.changesTruncated ?? 0));
    if (data.changesTruncated)
      byId('kn-changes-note').textContent =
        `${data.changesTruncated} more changes are left out of this page: run kube-netlint diff (txt) for all of them.`;
    byId('kn-changes').hidden = false;
  }
  return rowNamespaces;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The line in the header: what the picture holds. */
export function headerStats(data: ReportData): string {
  const counts = { workload: 0, service: 0, ingress: 0 } as Record<string, number>;
  for (const n of data.nodes) counts[n.kind] = (counts[n.kind] ?? 0) + 1;
  const blocked = data.edges.filter((e) => e.status === 'blocked' || e.status === 'partial').length;
  const errors = data.findings.filter((f) => f.severity === 'error').length;
  const warnings = data.findings.filter((f) => f.severity === 'warning').length;
  const stats = [
    `${counts.workload ?? 0} workloads`,
    `${counts.service ?? 0} Services`,
    `${counts.ingress ?? 0} Ingresses`,
    data.mode === 'diff'
      ? `${plural(data.edges.filter((e) => e.diff === 'added').length, 'edge')} added, ${data.edges.filter((e) => e.diff === 'removed').length} removed, ${data.edges.filter((e) => e.diff === 'changed').length} changed`
      : `${blocked} blocked edge${blocked === 1 ? '' : 's'}`,
    `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  ];
  return stats.join(' · ');
}
