import { defineRule } from '../src/engine/types.js';
import { list } from '../src/util/text.js';
import type { AdminPolicy } from '../src/model/adminpolicy.js';

export default defineRule(
  {
    id: 'anp-priority-conflict',
    severity: 'warning',
    description:
      'Two AdminNetworkPolicies (or Admin-tier ClusterNetworkPolicies) have the same priority and select some of ' +
      'the same pods: the API leaves their order undefined, so which rule decides depends on the implementation.',
  },
  (ctx) => {
    const admin = ctx.model.adminPolicies.filter(
      (p) => p.tier === 'Admin' && p.priority !== undefined && p.subject && !p.res.superseded,
    );
    if (admin.length < 2) return;
    const byPriority = new Map<number, AdminPolicy[]>();
    for (const p of admin) byPriority.set(p.priority!, [...(byPriority.get(p.priority!) ?? []), p]);
    for (const [priority, group] of byPriority) {
      if (group.length < 2) continue;
      const subjects = group.map((p) => new Set(ctx.policy.subjectPods(p)));
      for (let j = 1; j < group.length; j++) {
        for (let i = 0; i < j; i++) {
          const shared = [...subjects[j]].filter((pod) => subjects[i].has(pod));
          if (shared.length === 0) continue;
          const [a, b] = [group[i], group[j]];
          ctx.report({
            at: b.res.at('spec', 'priority'),
            object: b.res,
            message:
              `${b.kind} "${b.name}" has priority ${priority}, as ${a.kind} "${a.name}" does, ` +
              `and both select ${list(
                shared.map((p) => p.workload?.display ?? p.name),
                3,
              )}: the API leaves the order of equal priorities undefined, ` +
              `so which of their rules decides depends on the network plugin; give them different priorities`,
            related: [{ at: a.res.at('spec', 'priority'), message: `priority of ${a.res.display}` }],
          });
          break;
        }
      }
    }
  },
);
