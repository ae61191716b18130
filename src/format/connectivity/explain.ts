/** Renderings of `kube-netlint explain`: why a connection is allowed or blocked, as text and JSON. */
import { positionOf } from '../../engine/runner.js';
import type { Loc } from '../../load/source.js';
import type { PolicyRule } from '../../model/netpol.js';
import { actionVerb, adminRuleName } from '../../policy/admin.js';
import type { TierStep } from '../../policy/admin.js';
import { sectionName } from '../../policy/cilium.js';
import { ConnSet } from '../../policy/conn.js';
import { isolated } from '../../policy/engine.js';
import type { Explanation, SideExplanation } from '../../policy/engine.js';
import type { Gap } from '../../policy/gaps.js';
import { terminalSafe } from '../escape.js';

/** Terminal text: one line per item, no escapes, no workflow commands. */
const t = terminalSafe;

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
      admitting: s.admitting.map((a) => ({
        rule: ruleName(a.rule),
        conn: a.conn.toString(),
        ...positionOf(a.rule.policy.res.at(...a.rule.path)),
      })),
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
              isolatedBy: s.cilium.isolatedBy.map((r) => ({
                policy: r.policy.title,
                ...positionOf(r.policy.res.at(...r.path)),
              })),
              allowing: s.cilium.allowing.map((a) => ({
                rule: sectionName(a.section),
                conn: a.conn.toString(),
                l7: a.section.l7,
                ...positionOf(a.section.rule.policy.res.at(...a.section.path)),
              })),
              denying: s.cilium.denying.map((a) => ({
                rule: sectionName(a.section),
                conn: a.conn.toString(),
                ...positionOf(a.section.rule.policy.res.at(...a.section.path)),
              })),
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
    incomplete: (x.incomplete ?? []).flatMap((g) =>
      g.items.map((i) => ({ gap: g.kind, message: g.describe(i), ...positionOf(i.loc) })),
    ),
  };
}

function tierStepJson(t: TierStep): unknown {
  return {
    policy: t.rule.policy.title,
    tier: t.rule.policy.tier,
    rule: t.rule.name,
    action: t.action,
    conn: t.conn.toString(),
    ...positionOf(t.rule.policy.res.at(...t.rule.path)),
  };
}

function tierLines(out: string[], steps: TierStep[], otherName: string): void {
  for (const st of steps)
    out.push(
      `  ${st.action === 'Allow' ? '+' : st.action === 'Deny' ? '-' : '>'} ${t(adminRuleName(st.rule))} (${where(st.rule.policy.res.at(...st.rule.path))}) ${actionVerb(st, otherName)}: ${st.conn.toString()}`,
    );
  for (const st of steps) {
    for (const u of st.rule.unmodelled)
      out.push(`    (not analysed: ${u.what} at ${where(st.rule.policy.res.at(...u.path))})`);
  }
}

function ciliumLines(out: string[], s: SideExplanation, otherName: string): void {
  for (const a of s.cilium?.allowing ?? []) {
    out.push(
      `  + ${t(sectionName(a.section))} (${where(a.section.rule.policy.res.at(...a.section.path))}) admits ${otherName}: ${a.conn.toString()}${a.section.l7 ? ' (its L7 rules filter further: not analysed)' : ''}`,
    );
  }
  for (const d of s.cilium?.denying ?? [])
    out.push(
      `  - ${t(sectionName(d.section))} (${where(d.section.rule.policy.res.at(...d.section.path))}) denies ${otherName}: ${d.conn.toString()} (deny wins)`,
    );
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
        out.push(
          `  NetworkPolicy tier: not reached (the admin tier decided every connection): ${s.conn.toString()} allowed`,
        );
        return;
      }
      out.push(`  NetworkPolicy tier gets: ${tiers.toNetworkPolicies.toString()}`);
      if (!isolated(s)) {
        out.push('  not isolated (no NetworkPolicy selects it for this direction): the baseline tier decides');
        ciliumLines(out, s, otherName);
        tierLines(out, tiers.baseline, otherName);
        const rest = (tiers.toBaseline ?? ConnSet.NONE).subtract(
          tiers.baseline.reduce((c, b) => c.union(b.conn), ConnSet.NONE),
        );
        if (!rest.isEmpty) out.push(`  no baseline rule decides ${rest.toString()}: allowed by default`);
        return;
      }
    } else if (!isolated(s)) {
      out.push(
        `${title}: not isolated (no NetworkPolicy selects it for this direction): ${s.cilium?.denying.length ? s.conn.toString() : 'all connections'} allowed`,
      );
      ciliumLines(out, s, otherName);
      return;
    }
    out.push(tiers ? '  isolated by' : `${title}: isolated by`);
    for (const p of s.isolatedBy)
      out.push(`  - NetworkPolicy "${t(`${p.res.namespace}/${p.name}`)}" (${where(p.res.nameLoc)})`);
    for (const r of s.cilium?.isolatedBy ?? [])
      out.push(`  - ${t(r.policy.title)} (${where(r.policy.res.at(...r.path))})`);
    if (s.admitting.length === 0 && !s.cilium?.allowing.length)
      out.push(`  no rule admits ${otherName}: nothing allowed`);
    ciliumLines(out, s, otherName);
    for (const a of s.admitting) {
      // A rule that admits the peer on no port: its named ports did not resolve, or its ports are invalid.
      const named = a.rule.ports?.some((p) => typeof p.port === 'string');
      const c = a.conn.isEmpty
        ? named
          ? 'no ports (named port not found on the destination)'
          : 'no ports (no valid port in the rule)'
        : a.conn.toString();
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
