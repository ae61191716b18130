import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/engine/text.js';
import { describeIngressBackend } from '../src/model/network.js';
import { adminRuleName, tierDenial } from '../src/policy/admin.js';
import { ConnSet, isProtocol } from '../src/policy/conn.js';

export default defineRule(
  {
    id: 'netpol-blocks-ingress-backend',
    severity: 'error',
    description: "NetworkPolicies stop the ingress controller from reaching an Ingress backend's pods on the target port.",
  },
  (ctx) => {
    // Without NetworkPolicies or cluster-scoped tiers nothing is isolated and nothing blocked.
    if (ctx.model.networkPolicies.length === 0 && ctx.model.adminPolicies.length === 0) return;
    const engine = ctx.policy;
    const controller = engine.controller;
    const src = { kind: 'pod' as const, pod: controller };
    const seen = new Set<string>();
    for (const ing of ctx.model.ingresses) {
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
          const e = engine.evaluate(src, { kind: 'pod', pod }, true);
          if (!e.conn.intersect(want).isEmpty) continue;
          const key = `${ing.res.key}|${b.path.join('/')}|${pod.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const controllerName = controller.synthetic ? `the ingress controller (${controller.namespace === '{ingress-controller}' ? 'an unlabelled pod in its own namespace; set ingressController in .kube-netlint.yaml' : `namespace ${q(controller.namespace)}`})` : `the ingress controller ${controller.name}`;
          const chain = `${describeIngressBackend(b)} of ${ing.res.displayShort} → Service ${q(r.service.name)} port ${sp.port} → ${t.display} ${sp.protocol} ${target.number}`;
          const denial = tierDenial(e.ingress, want) ?? tierDenial(e.egress, want);
          if (denial) {
            ctx.report({
              at: denial.rule.policy.res.keyAt(...denial.rule.path, 'action'),
              object: denial.rule.policy.res,
              message: `${chain} is blocked for ${controllerName}: ${adminRuleName(denial.rule)} denies it (${denial.rule.direction} of ${denial.rule.direction === 'ingress' ? t.display : 'the controller'})`,
              related: [{ at: ing.res.at(...(b.serviceNamePath ?? b.path)), message: `backend of ${ing.res.display}` }],
            });
            continue;
          }
          const egressBlocks = e.egress && e.egress.isolatedBy.length > 0 && e.egress.conn.intersect(want).isEmpty;
          const ingressBlocks = e.ingress && e.ingress.isolatedBy.length > 0 && e.ingress.conn.intersect(want).isEmpty;
          const blockers = [...(ingressBlocks ? e.ingress!.isolatedBy : []), ...(egressBlocks ? e.egress!.isolatedBy : [])];
          const policy = blockers[0];
          if (!policy) continue;
          const sides: string[] = [];
          if (ingressBlocks) sides.push(`${list(e.ingress!.isolatedBy.map((p) => q(p.name)), 3)} isolate${e.ingress!.isolatedBy.length === 1 ? 's' : ''} ${t.display} for ingress and no rule admits the controller on ${sp.protocol} ${target.number}`);
          if (egressBlocks) sides.push(`${list(e.egress!.isolatedBy.map((p) => q(p.name)), 3)} isolate${e.egress!.isolatedBy.length === 1 ? 's' : ''} the controller for egress without allowing it`);
          ctx.report({
            at: policy.res.keyAt('spec', 'podSelector'),
            object: policy.res,
            message: `${chain} is blocked for ${controllerName}: ${sides.join('; ')}`,
            related: [
              { at: ing.res.at(...(b.serviceNamePath ?? b.path)), message: `backend of ${ing.res.display}` },
              ...blockers.slice(1, 3).map((p) => ({ at: p.res.keyAt('spec', 'podSelector'), message: `also isolates: ${p.res.display}` })),
            ],
          });
        }
      }
    }
  },
);
