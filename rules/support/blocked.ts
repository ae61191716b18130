/**
 * What stops a source's pods from reaching a destination's pods on the wanted port, as the two
 * sides of one evaluation say it: the policies that isolate each side without admitting the other.
 * Shared by the Ingress and the Gateway route checks of netpol-blocks-ingress-backend, which report
 * it with reportBlocked.
 */
import type { RelatedReport, RuleContext } from '../../src/engine/types.js';
import { list, q } from '../../src/util/text.js';
import type { NetworkPolicy } from '../../src/model/netpol.js';
import { adminRuleName, tierDenial } from '../../src/policy/admin.js';
import type { ConnSet } from '../../src/policy/conn.js';
import { looksLikeController } from '../../src/policy/controller.js';
import type { PolicyEngine } from '../../src/policy/engine.js';

type Evaluation = ReturnType<PolicyEngine['evaluate']>;

export interface Blocked {
  /** The policies that isolate the destination for ingress (when that side blocks), then the source for egress. */
  blockers: NetworkPolicy[];
  /** One sentence per blocking side. */
  sides: string[];
  /** The destination's ingress blocks (its isolating policies are `blockers` first). */
  ingressBlocks: boolean;
}

/**
 * The blocking sides of `e` for `want`; `dst` names the destination pods and `src` the source
 * ("the controller", "the Gateway pods"), `port` the wanted port (`TCP 8080`).
 */
export function blockedSides(e: Evaluation, want: ConnSet, dst: string, src: string, port: string): Blocked {
  const ingressBlocks = !!e.ingress && e.ingress.isolatedBy.length > 0 && e.ingress.conn.intersect(want).isEmpty;
  const egressBlocks = !!e.egress && e.egress.isolatedBy.length > 0 && e.egress.conn.intersect(want).isEmpty;
  const blockers = [...(ingressBlocks ? e.ingress!.isolatedBy : []), ...(egressBlocks ? e.egress!.isolatedBy : [])];
  const sides: string[] = [];
  if (ingressBlocks)
    sides.push(`${isolate(e.ingress!.isolatedBy)} ${dst} for ingress and no rule admits ${src} on ${port}`);
  if (egressBlocks) sides.push(`${isolate(e.egress!.isolatedBy)} ${src} for egress without allowing it`);
  return { blockers, sides, ingressBlocks };
}

/** `a, b and c isolate` (or `a isolates`): the policies named, at most three, as the subject of a sentence. */
export function isolate(policies: readonly NetworkPolicy[]): string {
  const names = policies.map((p) => q(p.name));
  return `${list(names, 3)} isolate${policies.length === 1 ? 's' : ''}`;
}

/** `a, b and c admit` (or `a admits`): the policies named, at most three, as the subject of a sentence. */
function admitting(policies: readonly NetworkPolicy[]): string {
  const names = policies.map((p) => q(p.name));
  return `${list(names, 3)} admit${policies.length === 1 ? 's' : ''}`;
}

/** The second and third blocking policies, as related locations. */
export function alsoIsolates(policies: readonly NetworkPolicy[]): RelatedReport[] {
  return policies
    .slice(1, 3)
    .map((p) => ({ at: p.res.keyAt('spec', 'podSelector'), message: `also isolates: ${p.res.display}` }));
}

/** How a finding names the blocked connection and its source; built only when a finding is reported. */
export interface Wording {
  /** The connection, first in every message: `backend … → Pod "web" TCP 8080`. */
  route: string;
  /** The blocked source: `the ingress controller nginx`. */
  name: string;
  /** Where the source's pods come from, last in every message: `ingress controller: …`. */
  why: string;
  /** Said after `why` when a block is claimed: how to name the source's pods. */
  hint: string;
  /** For a guessed source: what runs it, the setting that names its pods, what they look like. */
  unsure: { runs: string; setting: string; lookalike: string };
  /** The finding's related locations (the other blocking policies follow). */
  related: RelatedReport[];
}

/** A connection that no pod of the source may make, with the evaluation of its first pod. */
export interface Blockage {
  e: Evaluation;
  want: ConnSet;
  /** The destination pods: `Pod "web"`. */
  dst: string;
  /** The source in a sentence about one side: `the controller`, `the Gateway pods`. */
  src: string;
  /** The wanted port: `TCP 8080`. */
  port: string;
  /** The source's pods are a guess: a policy admitting something like them may well admit the real ones. */
  guessed: boolean;
  wording: () => Wording;
}

/**
 * Reports what blocks the connection: the tier rule that denies it, else the NetworkPolicies that
 * isolate either side (as info when the source is a guess that a policy may admit after all).
 */
export function reportBlocked(ctx: RuleContext, b: Blockage): void {
  const denial = tierDenial(b.e.ingress, b.want) ?? tierDenial(b.e.egress, b.want);
  if (denial) {
    const { rule } = denial;
    const w = b.wording();
    ctx.report({
      at: rule.policy.res.keyAt(...rule.path, 'action'),
      object: rule.policy.res,
      message:
        `${w.route} is blocked for ${w.name}: ${adminRuleName(rule)} denies it ` +
        `(${rule.direction} of ${rule.direction === 'ingress' ? b.dst : b.src}; ${w.why})`,
      related: w.related,
    });
    return;
  }
  const { blockers, sides, ingressBlocks } = blockedSides(b.e, b.want, b.dst, b.src, b.port);
  const policy = blockers[0];
  if (!policy) return;
  const admitters = b.e.ingress?.isolatedBy ?? [];
  const unsure = b.guessed && ingressBlocks && admitsLookalike(admitters);
  const w = b.wording();
  const { runs, setting, lookalike } = w.unsure;
  ctx.report({
    at: policy.res.keyAt('spec', 'podSelector'),
    object: policy.res,
    severity: unsure ? 'info' : undefined,
    message: unsure
      ? `${w.route}: cannot tell which pods run ${runs}; set ${setting} in .kube-netlint.yaml ` +
        `(${w.why}; ${admitting(admitters)} pods that look like ${lookalike})`
      : `${w.route} is blocked for ${w.name}: ${sides.join('; ')} (${w.why}${w.hint})`,
    related: [...w.related, ...alsoIsolates(blockers)],
  });
}

/** Does an ingress rule of these policies admit a peer that looks like an ingress controller? */
function admitsLookalike(policies: readonly NetworkPolicy[]): boolean {
  return policies.some((np) =>
    np.ingress.some((r) =>
      (r.peers ?? []).some(
        (p) =>
          p.kind === 'selector' && (looksLikeController(p.namespaceSelector) || looksLikeController(p.podSelector)),
      ),
    ),
  );
}
