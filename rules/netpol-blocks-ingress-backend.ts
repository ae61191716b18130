import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import { describeIngressBackend } from '../src/model/network.js';
import type { NetworkPolicy } from '../src/model/netpol.js';
import { adminRuleName, tierDenial } from '../src/policy/admin.js';
import { ConnSet, isProtocol } from '../src/policy/conn.js';
import { looksLikeController } from '../src/policy/controller.js';
import { admitting, checkRoutes } from './support/gateway-route-backends.js';
import { blockedSides } from './support/blocked.js';

export default defineRule(
  {
    id: 'netpol-blocks-ingress-backend',
    severity: 'error',
    description:
      "NetworkPolicies stop the ingress controller from reaching an Ingress backend's pods, or a Gateway's pods " +
      "from reaching a route backend's pods, on the target port.",
  },
  (ctx) => {
    // Without NetworkPolicies or cluster-scoped tiers nothing is isolated and nothing blocked.
    if (ctx.model.networkPolicies.length === 0 && ctx.model.adminPolicies.length === 0) return;
    const engine = ctx.policy;
    const seen = new Set<string>();
    for (const ing of ctx.model.ingresses) {
      if (ing.res.superseded) continue;
      const choice = engine.ingressControllerFor(ing);
      const guess = choice.guess;
      for (const b of ing.backends) {
        const r = ctx.graph.ingressBackend(b);
        if (r.status !== 'ok') continue;
        const sp = r.servicePort;
        if (!isProtocol(sp.protocol)) continue;
        for (const t of ctx.graph.podsOf(r.service)) {
          const pod = engine.podOf(t);
          const target = ctx.graph.resolveTarget(sp, t);
          if (!pod || !target || (target.status !== 'ok' && target.status !== 'undeclared')) continue;
          const want = ConnSet.of(sp.protocol, target.number);
          const dst = { kind: 'pod' as const, pod };
          const key = `${ing.res.key}|${b.path.join('/')}|${pod.id}`;
          if (seen.has(key)) continue;
          const route =
            `${describeIngressBackend(b)} of ${ing.res.displayShort} → Service ${q(r.service.name)} port ${sp.port} ` +
            `→ ${t.display} ${sp.protocol} ${target.number}`;
          const related = [
            { at: ing.res.at(...(b.serviceNamePath ?? b.path)), message: `backend of ${ing.res.display}` },
          ];

          if (guess.kind === 'external') {
            // A load balancer outside the cluster: some external address must be admitted.
            const isolatedBy = engine.isolatedIngress(pod);
            if (isolatedBy.length === 0) continue;
            if (
              engine.atoms.some((_, a) => !engine.allowed({ kind: 'external', atom: a }, dst).intersect(want).isEmpty)
            )
              continue;
            seen.add(key);
            const policy = isolatedBy[0];
            const isolatorNames = isolatedBy.map((p) => q(p.name));
            const isolating = `${list(isolatorNames, 3)} isolate${isolatedBy.length === 1 ? 's' : ''}`;
            ctx.report({
              at: policy.res.keyAt('spec', 'podSelector'),
              object: policy.res,
              message:
                `${route} is blocked for the load balancer: ${isolating} ${t.display} for ingress and no rule admits ` +
                `an address outside the cluster on ${sp.protocol} ${target.number} ` +
                `(ingress controller: ${guess.reason})`,
              related: [
                ...related,
                ...isolatedBy
                  .slice(1, 3)
                  .map((p) => ({ at: p.res.keyAt('spec', 'podSelector'), message: `also isolates: ${p.res.display}` })),
              ],
            });
            continue;
          }

          // Blocked when no pod of the controller may connect (several workloads: every one); the
          // reasons are those of the first one, the others are asked for their verdict only.
          const controller = choice.pods[0];
          if (!controller) continue;
          const e = engine.evaluate({ kind: 'pod', pod: controller }, dst, true);
          if (!e.conn.intersect(want).isEmpty) continue;
          const others = choice.pods.slice(1);
          if (others.some((c) => !engine.allowed({ kind: 'pod', pod: c }, dst).intersect(want).isEmpty)) continue;
          seen.add(key);
          const controllerAt =
            controller.namespace === '{ingress-controller}'
              ? 'an unlabelled pod in its own namespace'
              : `namespace ${q(controller.namespace)}`;
          const controllerName = controller.synthetic
            ? `the ingress controller (${controllerAt})`
            : `the ingress controller ${controller.name}`;
          const why = `ingress controller: ${guess.reason}`;
          const denial = tierDenial(e.ingress, want) ?? tierDenial(e.egress, want);
          if (denial) {
            ctx.report({
              at: denial.rule.policy.res.keyAt(...denial.rule.path, 'action'),
              object: denial.rule.policy.res,
              message:
                `${route} is blocked for ${controllerName}: ${adminRuleName(denial.rule)} denies it ` +
                `(${denial.rule.direction} of ` +
                `${denial.rule.direction === 'ingress' ? t.display : 'the controller'}; ${why})`,
              related,
            });
            continue;
          }
          const { blockers, sides, ingressBlocks } = blockedSides(
            e,
            want,
            t.display,
            'the controller',
            `${sp.protocol} ${target.number}`,
          );
          const policy = blockers[0];
          if (!policy) continue;
          // When the input does not show the controller's pods, a policy that admits something
          // like a controller may well admit the real one: say so instead of claiming a block.
          const unsure =
            (guess.kind === 'unknown' || guess.kind === 'assumed') &&
            ingressBlocks &&
            admitsLookalike(e.ingress!.isolatedBy);
          ctx.report({
            at: policy.res.keyAt('spec', 'podSelector'),
            object: policy.res,
            severity: unsure ? 'info' : undefined,
            message: unsure
              ? `${route}: cannot tell which pods run the ingress controller; set ingressController in ` +
                `.kube-netlint.yaml (${why}; ${admitting(e.ingress!.isolatedBy)} pods that look like a controller)`
              : `${route} is blocked for ${controllerName}: ${sides.join('; ')} ` +
                `(${why}${guess.kind === 'unknown' ? '; set ingressController in .kube-netlint.yaml' : ''})`,
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
    checkRoutes(ctx, admitsLookalike);
  },
);

/** Does an ingress rule of these policies admit a peer that looks like an ingress controller? */
function admitsLookalike(policies: NetworkPolicy[]): boolean {
  return policies.some((np) =>
    np.ingress.some((r) =>
      (r.peers ?? []).some(
        (p) =>
          p.kind === 'selector' && (looksLikeController(p.namespaceSelector) || looksLikeController(p.podSelector)),
      ),
    ),
  );
}
