/**
 * Cilium policies (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy) at L3/L4, in the
 * NetworkPolicy tier: Cilium enforces Kubernetes NetworkPolicies and its own policies together.
 * Per direction, an endpoint is in default deny once a NetworkPolicy isolates it or a Cilium rule
 * with a section of that direction selects it (unless the rule sets `enableDefaultDeny` false for
 * it); what any allow section admits is allowed, and what any deny section matches is denied,
 * whatever allows it.
 */
import type { CiliumPolicy, CiliumRule, CiliumSection } from '../model/cilium.js';
import { portsConn } from './admin.js';
import type { TierContext } from './admin.js';
import { ConnSet } from './conn.js';

export interface CiliumStep {
  section: CiliumSection;
  conn: ConnSet;
}

export interface CiliumSide {
  /** Rules that put the endpoint in default deny for this direction. */
  isolatedBy: CiliumRule[];
  allowing: CiliumStep[];
  denying: CiliumStep[];
  allowed: ConnSet;
  denied: ConnSet;
}

interface PodRules {
  sections: CiliumSection[];
  /** The rules with sections of the direction. */
  rules: CiliumRule[];
  isolatedBy: CiliumRule[];
}

export function sectionConn<E>(ctx: TierContext<E>, s: CiliumSection, dst: E): ConnSet {
  return portsConn(ctx, s, s.ports, dst);
}

export class CiliumLayer {
  /** Per direction, the rules of each pod (by pod id; sparse). */
  private readonly byPod: Record<'ingress' | 'egress', (PodRules | undefined)[]> = { ingress: [], egress: [] };
  private any = false;

  constructor(policies: CiliumPolicy[], subjectPods: (rule: CiliumRule) => Iterable<number>) {
    for (const p of policies) {
      if (p.res.superseded) continue;
      for (const rule of p.rules) {
        if (!rule.subject) continue; // nodeSelector: host endpoints are out of scope
        const byDir = {
          ingress: rule.sections.filter((s) => s.direction === 'ingress'),
          egress: rule.sections.filter((s) => s.direction === 'egress'),
        };
        for (const id of subjectPods(rule)) {
          for (const dir of ['ingress', 'egress'] as const) {
            const sections = byDir[dir];
            if (sections.length === 0) continue;
            let entry = this.byPod[dir][id];
            if (!entry) this.byPod[dir][id] = entry = { sections: [], rules: [], isolatedBy: [] };
            this.any = true;
            entry.sections.push(...sections);
            if (!entry.rules.includes(rule)) entry.rules.push(rule);
            if (rule.defaultDeny[dir] && !entry.isolatedBy.includes(rule)) entry.isolatedBy.push(rule);
          }
        }
      }
    }
  }

  get empty(): boolean {
    return !this.any;
  }

  governs(direction: 'ingress' | 'egress', podId: number): boolean {
    return this.any && this.byPod[direction][podId] !== undefined;
  }

  isolates(direction: 'ingress' | 'egress', podId: number): boolean {
    return (this.byPod[direction][podId]?.isolatedBy.length ?? 0) > 0;
  }

  /** The rules with sections of a pod's direction. */
  rulesOf(direction: 'ingress' | 'egress', podId: number): readonly CiliumRule[] {
    return this.byPod[direction][podId]?.rules ?? [];
  }

  /** Every section (allow and deny) of a pod's direction. */
  sections(direction: 'ingress' | 'egress', podId: number): readonly CiliumSection[] {
    return this.byPod[direction][podId]?.sections ?? [];
  }

  /** The allow sections of a pod's direction (for the listing's candidate sources). */
  allowSections(direction: 'ingress' | 'egress', podId: number): CiliumSection[] {
    return (this.byPod[direction][podId]?.sections ?? []).filter((s) => !s.deny);
  }

  evaluate<E>(
    ctx: TierContext<E>,
    direction: 'ingress' | 'egress',
    podId: number,
    other: E,
    dst: E,
    explain: boolean,
  ): CiliumSide {
    const entry = this.byPod[direction][podId];
    const out: CiliumSide = {
      isolatedBy: entry?.isolatedBy ?? [],
      allowing: [],
      denying: [],
      allowed: ConnSet.NONE,
      denied: ConnSet.NONE,
    };
    for (const s of entry?.sections ?? []) {
      if (s.empty) continue;
      if (s.peers !== null && !ctx.peersMatch(s.peers, other)) continue;
      const c = sectionConn(ctx, s, dst);
      if (c.isEmpty) continue;
      if (s.deny) out.denied = out.denied.union(c);
      else out.allowed = out.allowed.union(c);
      if (explain) (s.deny ? out.denying : out.allowing).push({ section: s, conn: c });
    }
    return out;
  }
}

/** `CiliumNetworkPolicy "ns/x" ingressDeny[0]` (with `specs[i]` when the policy has several rules). */
export function sectionName(s: CiliumSection): string {
  const p = s.rule.policy;
  const field = `${s.direction}${s.deny ? 'Deny' : ''}[${s.index}]`;
  return `${p.title} ${p.rules.length > 1 || s.rule.path[0] === 'specs' ? `specs[${s.rule.index}].` : ''}${field}`;
}
