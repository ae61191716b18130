import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import type { PodTemplate, ServicePort } from '../src/model/model.js';
import type { NetworkPolicy } from '../src/model/netpol.js';
import { adminRuleName, tierDenial } from '../src/policy/admin.js';
import type { TierStep } from '../src/policy/admin.js';
import { ConnSet, isProtocol } from '../src/policy/conn.js';

export default defineRule(
  {
    id: 'netpol-blocks-service-reference',
    severity: 'error',
    description:
      'A workload refers to a Service (in env, a ConfigMap value it reads, args or command), ' +
      "but NetworkPolicies block it from that Service's pods on the target port — by its own egress or by the " +
      "destination's ingress.",
  },
  (ctx) => {
    // Without NetworkPolicies or cluster-scoped tiers nothing is isolated and nothing blocked.
    if (ctx.model.networkPolicies.length === 0 && ctx.model.adminPolicies.length === 0) return;
    const engine = ctx.policy;
    for (const ref of ctx.graph.references) {
      const svc = ref.service;
      if (!svc || ref.problem || svc.type === 'ExternalName' || !svc.selector) continue;
      const srcPod = engine.podOf(ref.pod);
      if (!srcPod) continue;
      const src = { kind: 'pod' as const, pod: srcPod };
      // What the reference connects to on each pod: the Service port's target, or any Service port
      // when the reference names none; a headless Service is reached on the pod port itself.
      const ports: ServicePort[] = ref.servicePort ? [ref.servicePort] : ref.port === undefined ? svc.ports : [];
      const blocked: {
        pod: PodTemplate;
        want: ConnSet;
        ingress: NetworkPolicy[];
        egress: NetworkPolicy[];
        denial?: TierStep;
      }[] = [];
      for (const t of ctx.graph.podsOf(svc)) {
        if (t === ref.pod) continue; // a pod can always reach itself
        const pod = engine.podOf(t);
        if (!pod) continue;
        let want = ConnSet.NONE;
        for (const sp of ports) {
          const r = ctx.graph.resolveTarget(sp, t);
          if (r && (r.status === 'ok' || r.status === 'undeclared') && isProtocol(sp.protocol))
            want = want.union(ConnSet.of(sp.protocol, r.number));
        }
        if (ref.port !== undefined && !ref.servicePort && svc.headless) want = ConnSet.of('TCP', ref.port);
        if (want.isEmpty) continue;
        const dst = { kind: 'pod' as const, pod };
        // The verdict first; the reasons only for a blocked connection.
        if (engine.allowed(src, dst).overlaps(want)) continue;
        const e = engine.evaluate(src, dst, true);
        blocked.push({
          pod: t,
          want,
          ingress: e.ingress && e.ingress.conn.intersect(want).isEmpty ? e.ingress.isolatedBy : [],
          egress: e.egress && e.egress.conn.intersect(want).isEmpty ? e.egress.isolatedBy : [],
          denial: tierDenial(e.egress, want) ?? tierDenial(e.ingress, want),
        });
      }
      if (blocked.length === 0) continue;
      const first = blocked[0];
      const what = ref.envName ? `env ${ref.envName}` : ref.source;
      const sides: string[] = [];
      if (first.denial) sides.push(`${adminRuleName(first.denial.rule)} denies it`);
      else if (first.egress.length)
        sides.push(
          `${list(
            first.egress.map((p) => q(p.name)),
            3,
          )} isolate${first.egress.length === 1 ? 's' : ''} ${ref.pod.display} for egress without allowing it`,
        );
      if (first.ingress.length && !first.denial)
        sides.push(
          `${list(
            first.ingress.map((p) => q(p.name)),
            3,
          )} isolate${first.ingress.length === 1 ? 's' : ''} ${first.pod.display} for ingress and no rule ` +
            `admits ${ref.pod.display}`,
        );
      const host =
        first.pod.hostNetwork || ref.pod.hostNetwork
          ? ' (a hostNetwork pod is involved: how policies apply to it depends on the network plugin)'
          : '';
      const dsts = list(
        blocked.map((b) => b.pod.display),
        3,
      );
      ctx.report({
        at: ref.at,
        object: ref.via ? ref.via.configMap.res : ref.pod.workload,
        message:
          `${ref.pod.display} calls ${q(ref.text)} (${what}), ` +
          `but ${
            first.denial ? 'network policies' : 'NetworkPolicies'
          } block it from ${dsts} on ${first.want.toString()}: ${sides.join('; ')}${host}`,
        related: [
          ...(first.denial
            ? [
                {
                  at: first.denial.rule.policy.res.at(...first.denial.rule.path),
                  message: `denying rule of ${first.denial.rule.policy.res.display}`,
                },
              ]
            : []),
          ...[...new Set([...first.egress, ...first.ingress])]
            .slice(0, 3)
            .map((p) => ({ at: p.res.keyAt('spec', 'podSelector'), message: `isolating policy ${p.res.display}` })),
          ...(ref.via ? [{ at: ref.via.at, message: `${ref.pod.display} reads it here` }] : []),
        ],
      });
    }
  },
);
