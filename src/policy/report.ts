/** Renderings of connectivity lists, explanations and connectivity diffs. */
import { positionOf } from '../engine/runner.js';
import { csvCell, dotString, markdownCell, noCommandLines, terminalSafe } from '../format/escape.js';
import type { Loc } from '../load/source.js';
import type { PolicyRule } from '../model/netpol.js';
import { actionVerb, adminRuleName } from './admin.js';
import type { TierStep } from './admin.js';
import { ConnSet } from './conn.js';
import { sectionName } from './cilium.js';
import { isolated } from './engine.js';
import type { Connection, Explanation, SideExplanation } from './engine.js';
import type { Gap } from './gaps.js';

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
  const m = /^([^/{}]+)\/[^/[\]]+\[[A-Za-z]+\](?: \(.*\))?$/.exec(name);
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
  /** Caveats (self traffic). */
  notes?: string[];
  /** What the analysis leaves out that may touch this pair (gapsTouching). */
  incomplete?: Gap[];
}

const INCOMPLETE_SHOWN = 3;

/** One line per kind of gap touching the pair: up to three places, then how many more. */
function incompleteLines(gaps: readonly Gap[]): string[] {
  return gaps.map((g) => {
    const shown = g.items.slice(0, INCOMPLETE_SHOWN).map((i) => `${g.describe(i)} (${where(i.loc)})`);
    const more = g.items.length - shown.length;
    return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  });
}

export function explainJson(x: ExplainInput): unknown {
  const side = (s?: SideExplanation) =>
    s && {
      isolated: isolated(s),
      isolatedBy: s.isolatedBy.map((p) => ({ policy: `${p.res.namespace}/${p.name}`, ...positionOf(p.res.nameLoc) })),
      admitting: s.admitting.map((a) => ({ rule: ruleName(a.rule), conn: a.conn.toString(), ...positionOf(a.rule.policy.res.at(...a.rule.path)) })),
      conn: s.conn.toString(),
      ...(s.tiers
        ? {
            admin: s.tiers.admin.map(tierStepJson),
            toNetworkPolicies: s.tiers.toNetworkPolicies.toString(),
            baseline: s.tiers.baseline.map(tierStepJson),
            ...(s.tiers.toBaseline ? { toBaseline: s.tiers.toBaseline.toString() } : {}),
          }
        : {}),
      ...(s.cilium
        ? {
            cilium: {
              isolatedBy: s.cilium.isolatedBy.map((r) => ({ policy: r.policy.title, ...positionOf(r.policy.res.at(...r.path)) })),
              allowing: s.cilium.allowing.map((a) => ({ rule: sectionName(a.section), conn: a.conn.toString(), l7: a.section.l7, ...positionOf(a.section.rule.policy.res.at(...a.section.path)) })),
              denying: s.cilium.denying.map((a) => ({ rule: sectionName(a.section), conn: a.conn.toString(), ...positionOf(a.section.rule.policy.res.at(...a.section.path)) })),
            },
          }
        : {}),
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
    incomplete: (x.incomplete ?? []).flatMap((g) => g.items.map((i) => ({ gap: g.kind, message: g.describe(i), ...positionOf(i.loc) }))),
  };
}

function tierStepJson(t: TierStep): unknown {
  return { policy: t.rule.policy.title, tier: t.rule.policy.tier, rule: t.rule.name, action: t.action, conn: t.conn.toString(), ...positionOf(t.rule.policy.res.at(...t.rule.path)) };
}

function tierLines(out: string[], steps: TierStep[], otherName: string): void {
  for (const st of steps) out.push(`  ${st.action === 'Allow' ? '+' : st.action === 'Deny' ? '-' : '>'} ${t(adminRuleName(st.rule))} (${where(st.rule.policy.res.at(...st.rule.path))}) ${actionVerb(st, otherName)}: ${st.conn.toString()}`);
  for (const st of steps) {
    for (const u of st.rule.unmodelled) out.push(`    (not analysed: ${u.what} at ${where(st.rule.policy.res.at(...u.path))})`);
  }
}

function ciliumLines(out: string[], s: SideExplanation, otherName: string): void {
  for (const a of s.cilium?.allowing ?? []) {
    out.push(`  + ${t(sectionName(a.section))} (${where(a.section.rule.policy.res.at(...a.section.path))}) admits ${otherName}: ${a.conn.toString()}${a.section.l7 ? ' (its L7 rules filter further: not analysed)' : ''}`);
  }
  for (const d of s.cilium?.denying ?? []) out.push(`  - ${t(sectionName(d.section))} (${where(d.section.rule.policy.res.at(...d.section.path))}) denies ${otherName}: ${d.conn.toString()} (deny wins)`);
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
    const tiers = s.tiers;
    if (tiers) {
      out.push(`${title}:`);
      out.push(`  admin tier: ${tiers.admin.length ? 'decides' : 'no rule matches'}`);
      tierLines(out, tiers.admin, otherName);
      if (tiers.toNetworkPolicies.isEmpty) {
        out.push(`  NetworkPolicy tier: not reached (the admin tier decided every connection): ${s.conn.toString()} allowed`);
        return;
      }
      out.push(`  NetworkPolicy tier gets: ${tiers.toNetworkPolicies.toString()}`);
      if (!isolated(s)) {
        out.push('  not isolated (no NetworkPolicy selects it for this direction): the baseline tier decides');
        ciliumLines(out, s, otherName);
        tierLines(out, tiers.baseline, otherName);
        const rest = (tiers.toBaseline ?? ConnSet.NONE).subtract(tiers.baseline.reduce((c, b) => c.union(b.conn), ConnSet.NONE));
        if (!rest.isEmpty) out.push(`  no baseline rule decides ${rest.toString()}: allowed by default`);
        return;
      }
    } else if (!isolated(s)) {
      out.push(`${title}: not isolated (no NetworkPolicy selects it for this direction): ${s.cilium?.denying.length ? s.conn.toString() : 'all connections'} allowed`);
      ciliumLines(out, s, otherName);
      return;
    }
    out.push(tiers ? '  isolated by' : `${title}: isolated by`);
    for (const p of s.isolatedBy) out.push(`  - NetworkPolicy "${t(`${p.res.namespace}/${p.name}`)}" (${where(p.res.nameLoc)})`);
    for (const r of s.cilium?.isolatedBy ?? []) out.push(`  - ${t(r.policy.title)} (${where(r.policy.res.at(...r.path))})`);
    if (s.admitting.length === 0 && !s.cilium?.allowing.length) out.push(`  no rule admits ${otherName}: nothing allowed`);
    ciliumLines(out, s, otherName);
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
  // Names and paths come from manifests: made terminal-safe as the connection lines are.
  for (const l of incompleteLines(x.incomplete ?? [])) out.push(`incomplete: ${t(l)}`);
  return `${out.join('\n')}\n`;
}
