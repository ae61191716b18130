/// <reference lib="dom" />
/**
 * The side panel's pieces of the report page (inlined into the page with the other client modules,
 * see src/report/html.ts): the words for an edge's status, kind and change, a finding's list item,
 * a node's NetworkPolicy list, the `explain` blocks and the whole account of one edge.
 */
import type { ReportEdge, ReportFinding } from '../model.js';
import { h } from './dom.js';
import type { Child } from './dom.js';

export const STATUS_TEXT: Record<string, string> = {
  allowed: 'allowed by the NetworkPolicies',
  blocked: 'BLOCKED by the NetworkPolicies',
  partial: 'blocked for some of the pods',
  unresolved: 'unresolved (no traffic to evaluate)',
  none: 'structural (no traffic evaluated)',
};
export const DIFF_TEXT: Record<string, string> = {
  added: 'connection added',
  removed: 'connection removed',
  changed: 'connection changed',
  unchanged: 'unchanged',
};
export const KIND_TEXT: Record<string, string> = {
  serves: 'the ingress controller serves this Ingress',
  backend: 'Ingress backend: the ingress controller → the Service’s pods on the target port',
  selects: 'the Service selects these pods',
  reference: 'service reference: the workload → the Service’s pods on the target port',
  connection: 'a connection of `kube-netlint diff` that no other edge stands for',
};

export function where(p: { file: string; line: number; column: number } | undefined): string {
  return p ? `${p.file}:${p.line}:${p.column}` : '';
}

export function findingItem(f: ReportFinding, index: number): HTMLElement {
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

/** The NetworkPolicies that select a node's pods for one direction (none: not isolated). */
export function policyList(
  title: string,
  list: { name: string; file: string; line: number; column: number }[],
): HTMLElement {
  return h(
    'div',
    { class: 'policies' },
    h('h4', {}, title),
    list.length === 0
      ? h('p', { class: 'muted' }, 'not isolated: no NetworkPolicy selects these pods for this direction (all allowed)')
      : h('ul', {}, ...list.map((p) => h('li', {}, h('code', {}, p.name), ' ', h('span', { class: 'loc' }, where(p))))),
  );
}

export function explainBlock(title: string, list: { text: string; allowed: boolean }[]): HTMLElement[] {
  if (list.length === 0) return [];
  return [
    h('h3', {}, title),
    ...list.map((x) => h('pre', { class: `explain ${x.allowed ? 'allowed' : 'blocked'}` }, x.text)),
  ];
}

/** The panel's account of one edge: its ends, kind, status, change, place, details and explanations. */
export function edgeDetails(e: ReportEdge, nodeName: (id: string) => string, diffMode: boolean): Child[] {
  return [
    h('h2', { id: 'kn-panel-title' }, `${nodeName(e.source)} → ${nodeName(e.target)}`),
    h('p', { class: 'subtitle' }, KIND_TEXT[e.kind] ?? e.kind),
    h(
      'p',
      {},
      h('span', { class: `badge status-${e.status}` }, STATUS_TEXT[e.status] ?? e.status),
      e.label ? ` ${e.label}` : '',
    ),
    e.diff
      ? h(
          'p',
          {},
          h('span', { class: `badge diff-${e.diff}` }, DIFF_TEXT[e.diff]),
          e.old
            ? ` (was: ${STATUS_TEXT[e.old.status] ?? e.old.status}${e.old.label ? ` ${e.old.label}` : ''})`
            : e.presence === 'new'
              ? ' (new edge)'
              : '',
        )
      : null,
    e.at ? h('p', { class: 'loc' }, where(e.at)) : null,
    e.details.length ? h('ul', { class: 'info' }, ...e.details.map((d) => h('li', {}, d))) : null,
    ...explainBlock(diffMode ? 'explain (new version)' : 'explain', e.explain),
    ...(diffMode && e.old ? explainBlock('explain (old version)', e.old.explain) : []),
    e.explain.length === 0 && !(e.old && e.old.explain.length)
      ? h('p', { class: 'muted' }, 'No NetworkPolicy evaluation: this edge carries no traffic that could be evaluated.')
      : null,
  ];
}
