/**
 * What stops a source's pods from reaching a destination's pods on the wanted port, as the two
 * sides of one evaluation say it: the policies that isolate each side without admitting the other.
 * Shared by the Ingress and the Gateway route checks of netpol-blocks-ingress-backend.
 */
import { list, q } from '../../src/util/text.js';
import type { NetworkPolicy } from '../../src/model/netpol.js';
import type { ConnSet } from '../../src/policy/conn.js';
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
  const isolate = (ps: readonly NetworkPolicy[]) =>
    `${list(
      ps.map((p) => q(p.name)),
      3,
    )} isolate${ps.length === 1 ? 's' : ''}`;
  if (ingressBlocks)
    sides.push(`${isolate(e.ingress!.isolatedBy)} ${dst} for ingress and no rule admits ${src} on ${port}`);
  if (egressBlocks) sides.push(`${isolate(e.egress!.isolatedBy)} ${src} for egress without allowing it`);
  return { blockers, sides, ingressBlocks };
}
