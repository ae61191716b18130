/** Renderings of connectivity lists, explanations and connectivity diffs. */
import { positionOf } from '../engine/runner.js';
import { csvCell, dotString, markdownCell, noCommandLines, terminalSafe } from '../format/escape.js';
import type { Loc } from '../load/source.js';
import type { PolicyRule } from '../model/netpol.js';
import { ConnSet } from './conn.js';
import type { Connection, Explanation, SideExplanation } from './engine.js';

export const CONNECTIVITY_FORMATS = ['txt', 'json', 'csv', 'md', 'dot'] as const;
export const DIFF_FORMATS = ['txt', 'md', 'json', 'html'] as const;

// Names come from manifests (and paths from the file system): every format writes them through
// its escaping in src/format/escape.ts.
const csvField = csvCell;
const mdCell = markdownCell;
const dotId = dotString;
/** Terminal text: one line per item, no escapes, no workflow commands. */
const t = terminalSafe;

/** Namespace of an endpoint name (`ns/name[Kind]`), or undefined for external and the controller. */
function namespaceOf(name: string): string | undefined {
  const m = /^([^/{}]+)\/[^/]+\[[A-Za-z]+\]$/.exec(name);
  return m?.[1];
}

export function formatConnectivity(conns: Connection[], format: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        conns.map((c) => ({ src: c.src, dst: c.dst, conn: c.conn.toString() })),
        null,
        2,
      )}\n`;
    case 'csv':
      return ['src,dst,conn', ...conns.map((c) => [c.src, c.dst, c.conn.toString()].map(csvField).join(','))].join('\n') + '\n';
    case 'md':
      return ['| src | dst | conn |', '|-----|-----|------|', ...conns.map((c) => `| ${mdCell(c.src)} | ${mdCell(c.dst)} | ${mdCell(c.conn.toString())} |`)].join('\n') + '\n';
    case 'dot':
      return dot(conns);
    default:
      // Names come from manifests: control characters and escape sequences are made visible.
      return noCommandLines(conns.map((c) => `${t(c.src)} => ${t(c.dst)} : ${c.conn.toString()}`).join('\n') + (conns.length ? '\n' : ''));
  }
}

function dot(conns: Connection[]): string {
  const nodes = new Set<string>();
  for (const c of conns) {
    nodes.add(c.src);
    nodes.add(c.dst);
  }
  const byNs = new Map<string, string[]>();
  const loose: string[] = [];
  for (const n of [...nodes].sort()) {
    const ns = namespaceOf(n);
    if (ns) byNs.set(ns, [...(byNs.get(ns) ?? []), n]);
    else loose.push(n);
  }
  const lines = ['digraph connectivity {', '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  let i = 0;
  for (const [ns, list] of byNs) {
    lines.push(`  subgraph cluster_${i++} {`, `    label=${dotId(ns)};`, '    style=dashed;');
    for (const n of list) lines.push(`    ${dotId(n)} [label=${dotId(n.slice(ns.length + 1))}];`);
    lines.push('  }');
  }
  for (const n of loose) lines.push(`  ${dotId(n)} [shape=${n.startsWith('{') ? 'diamond' : 'oval'}];`);
  for (const c of conns) lines.push(`  ${dotId(c.src)} -> ${dotId(c.dst)} [label=${dotId(c.conn.toString())}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export interface ConnectionDiff {
  diff: 'added' | 'removed' | 'changed';
  src: string;
  dst: string;
  old?: ConnSet;
  new?: ConnSet;
}

export function diffConnectivity(oldConns: Connection[], newConns: Connection[]): ConnectionDiff[] {
  const key = (c: Connection) => `${c.src}\u0000${c.dst}`;
  const before = new Map(oldConns.map((c) => [key(c), c]));
  const after = new Map(newConns.map((c) => [key(c), c]));
  const out: ConnectionDiff[] = [];
  for (const [k, n] of after) {
    const o = before.get(k);
    if (!o) out.push({ diff: 'added', src: n.src, dst: n.dst, new: n.conn });
    else if (!o.conn.equals(n.conn)) out.push({ diff: 'changed', src: n.src, dst: n.dst, old: o.conn, new: n.conn });
  }
  for (const [k, o] of before) if (!after.has(k)) out.push({ diff: 'removed', src: o.src, dst: o.dst, old: o.conn });
  return out.sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

/** Does the diff open anything that was closed (a new pair, or new ports on a pair)? */
export function opensConnections(d: ConnectionDiff): boolean {
  if (d.diff === 'added') return true;
  if (d.diff === 'changed') return !(d.new ?? ConnSet.NONE).subtract(d.old ?? ConnSet.NONE).isEmpty;
  return false;
}

export function formatDiff(diffs: ConnectionDiff[], format: string): string {
  const conn = (c?: ConnSet) => (c ? c.toString() : '');
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        diffs.map((d) => ({ diff: d.diff, src: d.src, dst: d.dst, ...(d.old ? { old: conn(d.old) } : {}), ...(d.new ? { new: conn(d.new) } : {}) })),
        null,
        2,
      )}\n`;
    case 'md':
      return (
        [
          '| diff | src | dst | old | new |',
          '|------|-----|-----|-----|-----|',
          ...diffs.map((d) => `| ${d.diff} | ${mdCell(d.src)} | ${mdCell(d.dst)} | ${mdCell(conn(d.old))} | ${mdCell(conn(d.new))} |`),
        ].join('\n') + '\n'
      );
    default:
      return diffs
        .map((d) =>
          d.diff === 'added'
            ? `+ ${t(d.src)} => ${t(d.dst)} : ${conn(d.new)}`
            : d.diff === 'removed'
              ? `- ${t(d.src)} => ${t(d.dst)} : ${conn(d.old)}`
              : `~ ${t(d.src)} => ${t(d.dst)} : ${conn(d.old)} -> ${conn(d.new)}`,
        )
        .map((l) => `${l}\n`)
        .join('');
  }
}

function where(loc: Loc): string {
  const p = positionOf(loc);
  return `${t(p.file)}:${p.line}:${p.column}`;
}

function ruleName(r: PolicyRule): string {
  return `${r.direction}[${r.index}] of NetworkPolicy "${t(`${r.policy.res.namespace}/${r.policy.name}`)}"`;
}

export interface ExplainInput {
  src: string;
  dst: string;
  port?: { protocol: string; port: number };
  explanation: Explanation;
  /** Caveats (self traffic, hostNetwork pods). */
  notes?: string[];
}

export function explainJson(x: ExplainInput): unknown {
  const side = (s?: SideExplanation) =>
    s && {
      isolated: s.isolatedBy.length > 0,
      isolatedBy: s.isolatedBy.map((p) => ({ policy: `${p.res.namespace}/${p.name}`, ...positionOf(p.res.nameLoc) })),
      admitting: s.admitting.map((a) => ({ rule: ruleName(a.rule), conn: a.conn.toString(), ...positionOf(a.rule.policy.res.at(...a.rule.path)) })),
      conn: s.conn.toString(),
    };
  const allowed = x.port ? x.explanation.conn.has(x.port.protocol as 'TCP', x.port.port) : !x.explanation.conn.isEmpty;
  return {
    src: x.src,
    dst: x.dst,
    ...(x.port ? { port: `${x.port.protocol} ${x.port.port}` } : {}),
    allowed,
    conn: x.explanation.conn.toString(),
    egress: side(x.explanation.egress) ?? null,
    ingress: side(x.explanation.ingress) ?? null,
    notes: x.notes ?? [],
  };
}

export function explainText(x: ExplainInput): string {
  const e = x.explanation;
  const out: string[] = [];
  const what = x.port ? `${x.port.protocol} ${x.port.port}` : 'any port';
  const allowed = x.port ? e.conn.has(x.port.protocol as 'TCP', x.port.port) : !e.conn.isEmpty;
  out.push(`${t(x.src)} => ${t(x.dst)} (${what}): ${allowed ? 'ALLOWED' : 'BLOCKED'}`);
  out.push(`  allowed connections: ${e.conn.toString()}`);
  const side = (title: string, s: SideExplanation | undefined, otherName: string) => {
    if (!s) {
      out.push(`${title}: not governed by NetworkPolicies (external endpoint)`);
      return;
    }
    if (s.isolatedBy.length === 0) {
      out.push(`${title}: not isolated (no NetworkPolicy selects it for this direction): all connections allowed`);
      return;
    }
    out.push(`${title}: isolated by`);
    for (const p of s.isolatedBy) out.push(`  - NetworkPolicy "${t(`${p.res.namespace}/${p.name}`)}" (${where(p.res.nameLoc)})`);
    if (s.admitting.length === 0) out.push(`  no rule admits ${otherName}: nothing allowed`);
    for (const a of s.admitting) {
      // A rule that admits the peer on no port: its named ports did not resolve, or its ports are invalid.
      const named = a.rule.ports?.some((p) => typeof p.port === 'string');
      const c = a.conn.isEmpty ? (named ? 'no ports (named port not found on the destination)' : 'no ports (no valid port in the rule)') : a.conn.toString();
      out.push(`  + ${ruleName(a.rule)} (${where(a.rule.policy.res.at(...a.rule.path))}) admits ${otherName}: ${c}`);
    }
    if (x.port && s.admitting.length && !s.conn.has(x.port.protocol as 'TCP', x.port.port)) {
      out.push(`  none of these rules allows ${what}`);
    }
  };
  side(`egress of ${t(x.src)}`, e.egress, t(x.dst));
  side(`ingress of ${t(x.dst)}`, e.ingress, t(x.src));
  for (const n of x.notes ?? []) out.push(`note: ${t(n)}`);
  return `${out.join('\n')}\n`;
}
