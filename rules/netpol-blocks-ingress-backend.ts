import { defineRule } from '../src/engine/types.js';
import { q } from '../src/util/text.js';
import { describeIngressBackend } from '../src/model/network.js';
import { ConnSet, isProtocol } from '../src/policy/conn.js';
import type { NetPod } from '../src/policy/engine.js';
import { checkRoutes } from './support/gateway-route-backends.js';
import { alsoIsolates, isolate, reportBlocked } from './support/blocked.js';

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
          const port = `${sp.protocol} ${target.number}`;
          const route = () =>
            `${describeIngressBackend(b)} of ${ing.res.displayShort} → Service ${q(r.service.name)} ` +
            `port ${sp.port} → ${t.display} ${port}`;
          const related = () => [
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
            ctx.report({
              at: policy.res.keyAt('spec', 'podSelector'),
              object: policy.res,
              message:
                `${route()} is blocked for the load balancer: ${isolate(isolatedBy)} ${t.display} for ingress and ` +
                `no rule admits an address outside the cluster on ${port} (ingress controller: ${guess.reason})`,
              related: [...related(), ...alsoIsolates(isolatedBy)],
            });
            continue;
          }

          // Blocked when no pod of the controller may connect (several workloads: every one); the
          // reasons are those of the first one, the others are asked for their verdict only.
          const controller = choice.pods[0];
          if (!controller) continue;
          // The verdict first; the reasons only for a blocked connection.
          const src = { kind: 'pod' as const, pod: controller };
          if (engine.allowed(src, dst).overlaps(want)) continue;
          const e = engine.evaluate(src, dst, true);
          const others = choice.pods.slice(1);
          if (others.some((c) => engine.allowed({ kind: 'pod', pod: c }, dst).overlaps(want))) continue;
          seen.add(key);
          // When the input does not show the controller's pods, a policy that admits something
          // like a controller may well admit the real one: say so instead of claiming a block.
          reportBlocked(ctx, {
            e,
            want,
            dst: t.display,
            src: 'the controller',
            port,
            guessed: guess.kind === 'unknown' || guess.kind === 'assumed',
            wording: () => ({
              route: route(),
              name: controllerName(controller),
              why: `ingress controller: ${guess.reason}`,
              hint: guess.kind === 'unknown' ? '; set ingressController in .kube-netlint.yaml' : '',
              unsure: { runs: 'the ingress controller', setting: 'ingressController', lookalike: 'a controller' },
              related: related(),
            }),
          });
        }
      }
    }
    checkRoutes(ctx);
  },
);

/** `the ingress controller nginx`, or where a controller not in the input is assumed to run. */
function controllerName(controller: NetPod): string {
  if (!controller.synthetic) return `the ingress controller ${controller.name}`;
  const at =
    controller.namespace === '{ingress-controller}'
      ? 'an unlabelled pod in its own namespace'
      : `namespace ${q(controller.namespace)}`;
  return `the ingress controller (${at})`;
}
