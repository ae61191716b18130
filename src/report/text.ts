/**
 * The network picture as Graphviz dot and as a Mermaid flowchart, for docs and PR comments.
 * Namespaces are clusters (subgraphs); blocked edges are red and labelled "blocked".
 */
import { dotString, mermaidText } from '../format/escape.js';
import type { EdgeStatus, ReportData, ReportEdge, ReportNode } from './model.js';

const COLORS: Record<EdgeStatus, string> = {
  allowed: '#546e7a',
  blocked: '#d32f2f',
  partial: '#ef6c00',
  unresolved: '#9e9e9e',
  none: '#b0bec5',
};
const DIFF_COLORS: Record<string, string> = {
  added: '#2e7d32',
  removed: '#d32f2f',
  changed: '#ef6c00',
  unchanged: '#cfd8dc',
};

function edgeColor(e: ReportEdge): string {
  return e.diff ? DIFF_COLORS[e.diff] : COLORS[e.status];
}

/** The words an edge is labelled with: its ports, and what went wrong. */
function edgeText(e: ReportEdge): string {
  const parts: string[] = [];
  if (e.diff && e.diff !== 'unchanged') parts.push(e.diff);
  if (e.status === 'blocked') parts.push('blocked');
  else if (e.status === 'partial') parts.push('partly blocked');
  if (e.label) parts.push(e.label);
  return parts.join(' ');
}

function nodeText(n: ReportNode): string {
  return `${n.label}\n${n.subtitle}`;
}

function groups(data: ReportData): { ns: string | undefined; nodes: ReportNode[] }[] {
  const byNs = new Map<string | undefined, ReportNode[]>();
  for (const n of data.nodes) {
    if (n.kind === 'namespace') continue;
    const ns = n.parent ? n.namespace : undefined;
    const list = byNs.get(ns);
    if (list) list.push(n);
    else byNs.set(ns, [n]);
  }
  const out: { ns: string | undefined; nodes: ReportNode[] }[] = [];
  if (byNs.has(undefined)) out.push({ ns: undefined, nodes: byNs.get(undefined)! });
  for (const ns of [...byNs.keys()].filter((k): k is string => k !== undefined).sort())
    out.push({ ns, nodes: byNs.get(ns)! });
  return out;
}

// ------------------------------------------------------------------------------------------ dot

const DOT_SHAPE: Record<string, string> = {
  workload: 'shape=box, style="rounded,filled", fillcolor="#e3f2fd"',
  service: 'shape=ellipse, style=filled, fillcolor="#e0f2f1"',
  ingress: 'shape=cds, style=filled, fillcolor="#f3e5f5"',
  controller: 'shape=octagon, style=filled, fillcolor="#ede7f6"',
  missing: 'shape=ellipse, style=dashed, color="#757575"',
  external: 'shape=parallelogram, style=filled, fillcolor="#efebe9"',
  policies: 'shape=note, style=filled, fillcolor="#fff8e1"',
  cluster: 'shape=folder, style=filled, fillcolor="#eceff1"',
};

export function renderDot(data: ReportData): string {
  const lines = [
    `digraph ${dotString(data.title)} {`,
    '  rankdir=LR;',
    '  compound=true;',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  let i = 0;
  for (const g of groups(data)) {
    const indent = g.ns === undefined ? '  ' : '    ';
    if (g.ns !== undefined)
      lines.push(
        `  subgraph cluster_${i++} {`,
        `    label=${dotString(`namespace ${g.ns}`)};`,
        '    style="rounded,dashed";',
        '    color="#90a4ae";',
      );
    for (const n of g.nodes) {
      const extra = n.findings.length ? ', penwidth=2, color="#d32f2f"' : '';
      lines.push(
        `${indent}${dotString(n.id)} [label=${dotString(nodeText(n))}, ${DOT_SHAPE[n.kind] ?? 'shape=box'}${extra}];`,
      );
    }
    if (g.ns !== undefined) lines.push('  }');
  }
  for (const e of data.edges) {
    const attrs = [`color=${dotString(edgeColor(e))}`];
    const text = edgeText(e);
    if (text) attrs.push(`label=${dotString(text)}`, `fontcolor=${dotString(edgeColor(e))}`);
    if (e.status === 'blocked' || (e.diff && e.diff !== 'unchanged')) attrs.push('penwidth=2.5');
    if (e.kind === 'serves') attrs.push('style=dotted');
    else if (e.status === 'unresolved' || e.presence === 'old') attrs.push('style=dashed');
    lines.push(`  ${dotString(e.source)} -> ${dotString(e.target)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

// -------------------------------------------------------------------------------------- mermaid

const MERMAID_SHAPE: Record<string, [string, string]> = {
  workload: ['[', ']'],
  service: ['([', '])'],
  ingress: ['[/', '/]'],
  controller: ['{{', '}}'],
  missing: ['((', '))'],
  external: ['[\\', '\\]'],
  policies: ['[[', ']]'],
  cluster: ['[(', ')]'],
};

const MERMAID_CLASS: Record<string, string> = {
  workload: 'fill:#e3f2fd,stroke:#1e88e5',
  service: 'fill:#e0f2f1,stroke:#00897b',
  ingress: 'fill:#f3e5f5,stroke:#8e24aa',
  controller: 'fill:#ede7f6,stroke:#5e35b1',
  missing: 'fill:#ffffff,stroke:#757575,stroke-dasharray:4 3',
  external: 'fill:#efebe9,stroke:#6d4c41',
};

/** Classes of the finding holders, defined only when drawn (other diagrams stay as they were). */
const MERMAID_HOLDER_CLASS: Record<string, string> = {
  policies: 'fill:#fff8e1,stroke:#f9a825',
  cluster: 'fill:#eceff1,stroke:#546e7a',
};

export function renderMermaid(data: ReportData): string {
  const ids = new Map<string, string>();
  data.nodes.forEach((n, i) => ids.set(n.id, `n${i}`));
  const lines = ['flowchart LR'];
  let g = 0;
  for (const group of groups(data)) {
    const indent = group.ns === undefined ? '  ' : '    ';
    if (group.ns !== undefined) lines.push(`  subgraph ns${g++}[${mermaidText(`namespace ${group.ns}`)}]`);
    for (const n of group.nodes) {
      const [open, close] = MERMAID_SHAPE[n.kind] ?? ['[', ']'];
      lines.push(
        `${indent}${ids.get(n.id)}${open}${mermaidText(nodeText(n))}${close}:::${n.kind}${n.findings.length ? 'Finding' : ''}`,
      );
    }
    if (group.ns !== undefined) lines.push('  end');
  }
  const styles: string[] = [];
  let index = 0;
  for (const e of data.edges) {
    const from = ids.get(e.source);
    const to = ids.get(e.target);
    if (!from || !to) continue;
    const text = edgeText(e);
    const arrow =
      e.kind === 'serves' || e.status === 'unresolved' || e.presence === 'old'
        ? '-.->'
        : e.status === 'blocked'
          ? '--x'
          : '-->';
    lines.push(`  ${from} ${arrow}${text ? `|${mermaidText(text)}|` : ''} ${to}`);
    styles.push(
      `  linkStyle ${index++} stroke:${edgeColor(e)},stroke-width:${e.status === 'blocked' || (e.diff && e.diff !== 'unchanged') ? 3 : 1.5}px`,
    );
  }
  lines.push(...styles);
  const holders = Object.entries(MERMAID_HOLDER_CLASS).filter(([kind]) => data.nodes.some((n) => n.kind === kind));
  for (const [kind, style] of [...Object.entries(MERMAID_CLASS), ...holders]) {
    lines.push(
      `  classDef ${kind} ${style}`,
      `  classDef ${kind}Finding ${style.replace(/stroke:[^,]+/, 'stroke:#d32f2f')},stroke-width:3px`,
    );
  }
  return `${lines.join('\n')}\n`;
}
