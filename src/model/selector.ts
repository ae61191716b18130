import { ListBuilder, asArray, asMap, asString, scalarText } from './resource.js';

/** `Invalid`: an operator the API rejects; it matches nothing (manifest-structure reports it). */
export type SelectorOp = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Invalid';

export interface Requirement {
  key: string;
  op: SelectorOp;
  values: string[];
}

/** A parsed label selector: matchLabels and matchExpressions, ANDed. */
export interface Selector {
  matchLabels: [string, string][];
  expressions: Requirement[];
}

/** Anything that carries labels: a pod template, a namespace, an operator's label map. */
export interface Labelled {
  hasLabel(key: string, value: string): boolean;
  hasKey(key: string): boolean;
}

const matchLabelLists = new ListBuilder<[string, string]>();

/** The value of `key` in a flat list of labels (key, value, key, value, …; each key once). */
export function labelIn(list: readonly string[], key: string): string | undefined {
  for (let i = 0; i < list.length; i += 2) if (list[i] === key) return list[i + 1];
  return undefined;
}

/** A label map as a flat list of labels. */
export function labelListOf(map: ReadonlyMap<string, string>): string[] {
  const list: string[] = [];
  for (const [k, v] of map) list.push(k, v);
  return list;
}

export function selectorFromMap(map: ReadonlyMap<string, string>): Selector {
  return { matchLabels: [...map], expressions: [] };
}

/**
 * Parse a `metav1.LabelSelector`. Invalid parts (unknown operator, wrong types) are left out;
 * `manifest-structure` reports them.
 */
export function parseLabelSelector(v: unknown): Selector {
  const m = asMap(v);
  const sel: Selector = { matchLabels: [], expressions: [] };
  if (!m) return sel;
  const labels = asMap(m.matchLabels);
  if (labels) {
    // Selectors live as long as the model: at their final size.
    matchLabelLists.start();
    for (const k in labels) {
      if (!Object.hasOwn(labels, k)) continue;
      const s = scalarText(labels[k]);
      if (s !== undefined) matchLabelLists.add([k, s]);
    }
    sel.matchLabels = matchLabelLists.keep(sel.matchLabels);
  }
  const exprs = asArray(m.matchExpressions);
  if (exprs.length === 0) return sel;
  for (const raw of exprs) {
    const e = asMap(raw);
    const key = asString(e?.key);
    const op = asString(e?.operator);
    if (!e || !key) continue;
    // A requirement the API rejects must not widen the selector: it matches nothing.
    if (!op || !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) {
      sel.expressions.push({ key, op: 'Invalid', values: [] });
      continue;
    }
    const values = asArray(e.values)
      .map(scalarText)
      .filter((x): x is string => x !== undefined);
    sel.expressions.push({ key, op: op as SelectorOp, values });
  }
  if (sel.expressions.length) sel.expressions = sel.expressions.slice();
  return sel;
}

export function isEmptySelector(s: Selector): boolean {
  return s.matchLabels.length === 0 && s.expressions.length === 0;
}

export function matches(sel: Selector, target: Labelled): boolean {
  // (Indexed loops: a selector is matched against many pods, mostly before the runtime optimizes this.)
  const labels = sel.matchLabels;
  for (let i = 0; i < labels.length; i++) if (!target.hasLabel(labels[i][0], labels[i][1])) return false;
  const expressions = sel.expressions;
  for (let i = 0; i < expressions.length; i++) if (!requirementMatches(expressions[i], target)) return false;
  return true;
}

export function requirementMatches(r: Requirement, t: Labelled): boolean {
  switch (r.op) {
    case 'In':
      return r.values.some((v) => t.hasLabel(r.key, v));
    case 'NotIn':
      return !r.values.some((v) => t.hasLabel(r.key, v));
    case 'Exists':
      return t.hasKey(r.key);
    case 'DoesNotExist':
      return !t.hasKey(r.key);
    default:
      return false;
  }
}

export function formatSelector(sel: Selector): string {
  const parts = sel.matchLabels.map(([k, v]) => `${k}=${v}`);
  for (const r of sel.expressions) {
    if (r.op === 'Exists') parts.push(r.key);
    else if (r.op === 'DoesNotExist') parts.push(`!${r.key}`);
    else if (r.op === 'Invalid') parts.push(`${r.key} <invalid operator>`);
    else parts.push(`${r.key} ${r.op === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`);
  }
  return parts.length ? parts.join(',') : '<everything>';
}

/** A plain label map (namespace labels, operator label maps) as a Labelled. */
export function labelledMap(map: ReadonlyMap<string, string>): Labelled {
  return { hasLabel: (k, v) => map.get(k) === v, hasKey: (k) => map.has(k) };
}
