/**
 * Renderings of the connectivity list (`kube-netlint connectivity`): txt, json, csv, md, dot.
 *
 * Each connection is written as it comes: the renderers take the connections as an iterable and
 * write to a stream in chunks, waiting when the stream asks them to (a slow pipe), so memory does
 * not grow with the number of connections. The output is the same, byte for byte, as rendering
 * the whole list at once (`formatConnectivity`). dot declares every node before the first edge:
 * it goes over the connections twice (the caller gives a function that starts them again).
 */
import type { Connection } from '../../policy/engine.js';
import { csvCell, dotString, markdownCell, noCommandLines, terminalSafe } from '../escape.js';

export const CONNECTIVITY_FORMATS = ['txt', 'json', 'csv', 'md', 'dot'] as const;
/** Formats that can say, in one statement, what the workloads no policy isolates can reach. */
export const SUMMARY_FORMATS = ['txt', 'json', 'md'] as const;

// Names come from manifests (and paths from the file system): every format writes them through
// its escaping in src/format/escape.ts.
const csvField = csvCell;
const mdCell = markdownCell;
const dotId = dotString;
/** Terminal text: one line per item, no escapes, no workflow commands. */
const t = terminalSafe;

/** What `--summary` says about the workloads that no policy isolates. */
export interface OpenSummary {
  /** All workloads of the input. */
  workloads: number;
  /** The names of those that no policy isolates or governs, in either direction. */
  open: string[];
}

/** The summary sentence; it begins "all N workloads can reach each other" when nothing isolates any. */
export function summarySentence(s: OpenSummary): string {
  const n = s.workloads;
  const k = s.open.length;
  const reach = 'can reach each other and any external address, both ways, on all ports';
  if (n === 0) return 'no workloads';
  if (k === 0) return `every one of the ${n} workloads is isolated by a policy: each connection is listed`;
  if (k === n && n > 1) return `all ${n} workloads ${reach} (no policy isolates them)`;
  if (k === 1)
    return `${n === 1 ? 'the only workload' : `1 of ${n} workloads`} can reach any external address, both ways, on all ports (no policy isolates it)`;
  return `${k} of ${n} workloads ${reach} (no policy isolates them)`;
}

/** Are the open workloads named after the sentence (some, not all, of the workloads are open)? */
function namesOpen(s: OpenSummary): boolean {
  return s.open.length > 0 && s.open.length < s.workloads;
}

/** One JSON value as `JSON.stringify(value, null, 2)` writes it inside an array (indented by `indent`). */
function jsonItem(c: Connection, indent: string): string {
  const i2 = `${indent}  `;
  return `${indent}{\n${i2}"src": ${JSON.stringify(c.src)},\n${i2}"dst": ${JSON.stringify(c.dst)},\n${i2}"conn": ${JSON.stringify(c.conn.toString())}\n${indent}}`;
}

function* jsonText(conns: Iterable<Connection>, summary: OpenSummary | undefined): Generator<string> {
  let indent = '  ';
  if (summary) {
    // {"workloads": N, "open": [...], "summary": "...", "connections": [...]}, as JSON.stringify(…, null, 2) writes it.
    const head = JSON.stringify(
      { workloads: summary.workloads, open: summary.open, summary: summarySentence(summary) },
      null,
      2,
    );
    yield `${head.slice(0, -2)},\n  "connections": `;
    indent = '    ';
  }
  let first = true;
  for (const c of conns) {
    yield `${first ? '[\n' : ',\n'}${jsonItem(c, indent)}`;
    first = false;
  }
  const close = summary ? '\n  ]\n}\n' : '\n]\n';
  yield first ? (summary ? '[]\n}\n' : '[]\n') : close;
}

/** Namespace of an endpoint name (`ns/name[Kind]`), or undefined for external and the controller. */
function namespaceOf(name: string): string | undefined {
  const m = /^([^/{}]+)\/[^/[\]]+\[[A-Za-z]+\](?: \(.*\))?$/.exec(name);
  return m?.[1];
}

function* dotText(conns: () => Iterable<Connection>): Generator<string> {
  // First pass: the endpoints (a few per workload), declared before the edges.
  const nodes = new Set<string>();
  for (const c of conns()) {
    nodes.add(c.src);
    nodes.add(c.dst);
  }
  const byNs = new Map<string, string[]>();
  const loose: string[] = [];
  for (const n of [...nodes].sort()) {
    const ns = namespaceOf(n);
    if (ns) {
      const list = byNs.get(ns);
      if (list) list.push(n);
      else byNs.set(ns, [n]);
    } else loose.push(n);
  }
  nodes.clear();
  const lines = [
    'digraph connectivity {',
    '  rankdir=LR;',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  let i = 0;
  for (const [ns, list] of byNs) {
    lines.push(`  subgraph cluster_${i++} {`, `    label=${dotId(ns)};`, '    style=dashed;');
    for (const n of list) lines.push(`    ${dotId(n)} [label=${dotId(n.slice(ns.length + 1))}];`);
    lines.push('  }');
  }
  for (const n of loose) lines.push(`  ${dotId(n)} [shape=${n.startsWith('{') ? 'diamond' : 'oval'}];`);
  for (const l of lines) yield `${l}\n`;
  // Second pass: the edges.
  for (const c of conns()) yield `  ${dotId(c.src)} -> ${dotId(c.dst)} [label=${dotId(c.conn.toString())}];\n`;
  yield '}\n';
}

export interface TextOptions {
  /** Say what the open workloads can reach in one statement (txt, json, md); their pairs are not in `conns`. */
  summary?: OpenSummary;
}

/**
 * The connectivity list in a format, piece by piece as the connections come. `conns` gives the
 * connections in their order each time it is called (dot calls it twice).
 */
export function* connectivityText(
  conns: () => Iterable<Connection>,
  format: string,
  options: TextOptions = {},
): Generator<string, void, undefined> {
  const summary = options.summary;
  switch (format) {
    case 'json':
      yield* jsonText(conns(), summary);
      return;
    case 'csv':
      yield 'src,dst,conn\n';
      for (const c of conns()) yield `${[c.src, c.dst, c.conn.toString()].map(csvField).join(',')}\n`;
      return;
    case 'md':
      if (summary) {
        yield `${mdCell(summarySentence(summary))}${namesOpen(summary) ? ':' : ''}\n\n`;
        if (namesOpen(summary)) {
          for (const n of summary.open) yield `- ${mdCell(n)}\n`;
          yield '\n';
        }
      }
      yield '| src | dst | conn |\n|-----|-----|------|\n';
      for (const c of conns()) yield `| ${mdCell(c.src)} | ${mdCell(c.dst)} | ${mdCell(c.conn.toString())} |\n`;
      return;
    case 'dot':
      yield* dotText(conns);
      return;
    default:
      // Names come from manifests: control characters and escape sequences are made visible.
      if (summary) {
        yield `${summarySentence(summary)}${namesOpen(summary) ? ':' : ''}\n`;
        if (namesOpen(summary)) for (const n of summary.open) yield noCommandLines(`  ${t(n)}\n`);
      }
      for (const c of conns()) yield noCommandLines(`${t(c.src)} => ${t(c.dst)} : ${c.conn.toString()}\n`);
  }
}

/** The whole list as one string (the same bytes `connectivityText` gives piece by piece). */
export function formatConnectivity(conns: Connection[], format: string): string {
  return [...connectivityText(() => conns, format)].join('');
}
