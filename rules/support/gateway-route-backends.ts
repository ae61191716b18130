/**
 * The Gateway API half of netpol-blocks-ingress-backend: the pods of a Gateway of the input must
 * reach the backends of the routes it accepts (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute).
 */
import type { RuleContext } from '../../src/engine/types.js';
import { list, q } from '../../src/util/text.js';
import type { NetworkPolicy } from '../../src/model/netpol.js';
import { adminRuleName, tierDenial } from '../../src/policy/admin.js';
import { ConnSet, isProtocol } from '../../src/policy/conn.js';
import type { StandIn } from '../../src/policy/consumers.js';
import type { NetPod } from '../../src/policy/engine.js';
import { blockedSides } from './blocked.js';

export function checkRoutes(ctx: RuleContext, admitsLookalike: (policies: NetworkPolicy[]) => boolean): void {
  const engine = ctx.policy;
  const gateways = new Map(engine.standIns.filter((s) => s.standIn.kind === 'gateway').map((s) => [s.standIn.res, s]));
  const seen = new Set<string>();
  for (const routeInfo of ctx.model.routes) {
    if (routeInfo.res.superseded) continue;
    for (const parent of routeInfo.parentRefs) {
      const a = ctx.graph.gateways.attachment(routeInfo, parent);
      if (a.status !== 'accepted') continue;
      const gw = gateways.get(a.gateway.res);
      if (!gw || gw.pods.length === 0) continue;
      const who = describeGatewayPods(`${a.gateway.namespace}/${a.gateway.name}`, gw.standIn, gw.pods);
      for (const b of routeInfo.backendRefs) {
        const r = ctx.graph.routeBackend(b);
        if (r.status !== 'ok') continue;
        const sp = r.servicePort;
        if (!isProtocol(sp.protocol)) continue;
        for (const t of ctx.graph.podsOf(r.service)) {
          const pod = engine.podOf(t);
          const target = ctx.graph.resolveTarget(sp, t);
          if (!pod || !target || (target.status !== 'ok' && target.status !== 'undeclared')) continue;
          const key = `${routeInfo.res.key}|${b.path.join('/')}|${gw.standIn.name}|${pod.id}`;
          if (seen.has(key)) continue;
          const want = ConnSet.of(sp.protocol, target.number);
          const dst = { kind: 'pod' as const, pod };
          // Blocked when no pod of the Gateway may connect.
          let e: ReturnType<typeof engine.evaluate> | undefined;
          for (const src of gw.pods) {
            const ev = engine.evaluate({ kind: 'pod', pod: src }, dst, true);
            if (!ev.conn.intersect(want).isEmpty) {
              e = undefined;
              break;
            }
            e ??= ev;
          }
          if (!e) continue;
          seen.add(key);
          const route =
            `backendRef ${q(b.name ?? '')} of ${routeInfo.res.displayShort} → Service ${q(r.service.name)} port ` +
            `${sp.port} → ${t.display} ${sp.protocol} ${target.number}`;
          const related = [
            { at: routeInfo.res.at(...b.path), message: `backend of ${routeInfo.res.display}` },
            { at: a.gateway.res.nameLoc, message: `the parent ${a.gateway.res.display}` },
          ];
          const denial = tierDenial(e.ingress, want) ?? tierDenial(e.egress, want);
          if (denial) {
            ctx.report({
              at: denial.rule.policy.res.keyAt(...denial.rule.path, 'action'),
              object: denial.rule.policy.res,
              message:
                `${route} is blocked for ${who.name}: ${adminRuleName(denial.rule)} denies it ` +
                `(${denial.rule.direction} of ` +
                `${denial.rule.direction === 'ingress' ? t.display : 'the Gateway pods'}; ${who.why})`,
              related,
            });
            continue;
          }
          const { blockers, sides, ingressBlocks } = blockedSides(
            e,
            want,
            t.display,
            'the Gateway pods',
            `${sp.protocol} ${target.number}`,
          );
          const policy = blockers[0];
          if (!policy) continue;
          // Pods of the Gateway not in the input: a policy admitting something like a gateway may
          // well admit the real ones.
          const unsure =
            who.standIn && !gw.standIn.configured && ingressBlocks && admitsLookalike(e.ingress!.isolatedBy);
          const elsewhere =
            who.standIn && !gw.standIn.configured
              ? '; set gatewayPods in .kube-netlint.yaml if they run elsewhere'
              : '';
          ctx.report({
            at: policy.res.keyAt('spec', 'podSelector'),
            object: policy.res,
            severity: unsure ? 'info' : undefined,
            message: unsure
              ? `${route}: cannot tell which pods run ${a.gateway.res.displayShort}; ` +
                `set gatewayPods in .kube-netlint.yaml (${who.why}; ${admitting(e.ingress!.isolatedBy)} ` +
                'pods that look like a gateway or controller)'
              : `${route} is blocked for ${who.name}: ${sides.join('; ')} (${who.why}${elsewhere})`,
            related: [
              ...related,
              ...blockers
                .slice(1, 3)
                .map((p) => ({ at: p.res.keyAt('spec', 'podSelector'), message: `also isolates: ${p.res.display}` })),
            ],
          });
        }
      }
    }
  }
}

/** Which pods stand for the Gateway, and why. */
function describeGatewayPods(
  gateway: string,
  standIn: StandIn,
  pods: NetPod[],
): { name: string; why: string; standIn: boolean } {
  const labels = Object.entries(standIn.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const gw = q(gateway);
  const isStandIn = pods.every((p) => p.synthetic);
  const where = standIn.configured ?? `pods labelled ${labels} in namespace ${q(standIn.namespace)}`;
  if (isStandIn) {
    return {
      name: `the pods of Gateway ${gw}`,
      why: standIn.configured
        ? `Gateway pods: ${where}, not in the input`
        : `Gateway pods: not in the input; assumed to be ${where}`,
      standIn: true,
    };
  }
  return {
    name: `the pods of Gateway ${gw} (${list(
      pods.map((p) => p.name),
      3,
    )})`,
    why: `Gateway pods: ${standIn.configured ?? `the input's ${where}`}`,
    standIn: false,
  };
}

/** `a, b and c admit` (or `a admits`): the policies named, at most three, as the subject of a sentence. */
export function admitting(policies: readonly NetworkPolicy[]): string {
  const names = policies.map((p) => q(p.name));
  return `${list(names, 3)} admit${policies.length === 1 ? 's' : ''}`;
}
