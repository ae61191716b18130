/// <reference lib="dom" />
/**
 * The overview of a large report (inlined into the page before src/report/client/app.ts, see
 * src/report/html.ts): above a size the page opens on the namespaces only, each one closed box
 * with its counts, and the edges between them merged. This module computes what a closed
 * namespace shows and which edges are drawn for a set of open namespaces.
 */
import type { EdgeStatus, ReportData, ReportEdge, ReportNode } from '../model.js';

/** A merged edge: every edge between the same two drawn ends (a closed box or a node). */
export interface SummaryEdge {
  id: string;
  source: string;
  target: string;
  status: EdgeStatus;
  /** Ids of the edges it stands for. */
  edges: string[];
}

const WORST: EdgeStatus[] = ['blocked', 'partial', 'allowed', 'unresolved', 'none'];

const KIND_WORDS: [string, string][] = [
  ['workload', 'workload'],
  ['service', 'Service'],
  ['ingress', 'Ingress'],
  ['missing', 'missing Service'],
  ['controller', 'controller'],
  ['policies', 'policy holder'],
];

/** The text inside a closed namespace box, and its outline class (errors, warnings). */
export function namespaceSummary(
  data: ReportData,
  ns: ReportNode,
  members: readonly ReportNode[],
): { text: string; severity: string } {
  const counts = new Map<string, number>();
  let errors = 0;
  let warnings = 0;
  for (const n of members) {
    counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
    for (const i of n.findings) {
      const s = data.findings[i]?.severity;
      if (s === 'error') errors++;
      else if (s === 'warning') warnings++;
    }
  }
  const parts = KIND_WORDS.filter(([k]) => counts.get(k)).map(
    ([k, word]) => `${counts.get(k)} ${word}${counts.get(k) === 1 || word.endsWith('s') ? '' : 's'}`,
  );
  const problems =
    errors || warnings
      ? `\n${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
      : '';
  return {
    text: `namespace ${ns.label}\n${parts.join(' · ') || 'empty'}${problems}\n(click to open)`,
    severity: errors ? 'has-error' : warnings ? 'has-warning' : '',
  };
}

/**
 * The edges to draw when `endOf` maps each node to what is drawn for it (itself, or the box of
 * its closed namespace): edges between two drawn nodes as they are, the others merged per pair
 * of ends (an edge inside one closed box is not drawn).
 */
export function visibleEdges(
  edges: readonly ReportEdge[],
  endOf: (id: string) => string | undefined,
): { direct: ReportEdge[]; merged: SummaryEdge[] } {
  const direct: ReportEdge[] = [];
  const merged = new Map<string, SummaryEdge>();
  for (const e of edges) {
    const s = endOf(e.source);
    const t = endOf(e.target);
    if (s === undefined || t === undefined) continue;
    if (s === e.source && t === e.target) {
      direct.push(e);
      continue;
    }
    if (s === t) continue;
    const id = `summary:${s}->${t}`;
    let m = merged.get(id);
    if (!m) merged.set(id, (m = { id, source: s, target: t, status: 'none', edges: [] }));
    m.edges.push(e.id);
    if (WORST.indexOf(e.status) < WORST.indexOf(m.status)) m.status = e.status;
  }
  return { direct, merged: [...merged.values()] };
}
