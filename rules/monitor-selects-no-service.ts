import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import { monitorTargets } from '../src/graph/monitoring.js';
import { formatSelector } from '../src/model/selector.js';

export default defineRule(
  {
    id: 'monitor-selects-no-service',
    severity: 'error',
    description:
      'A ServiceMonitor selects no Service (a PodMonitor no pod) in the namespaces it looks in, ' +
      'when the input covers those namespaces.',
  },
  (ctx) => {
    const { serviceMonitors, podMonitors } = ctx.model.consumers;
    for (const m of [...serviceMonitors, ...podMonitors]) {
      if (m.res.superseded) continue;
      const t = monitorTargets(ctx.graph, m);
      // A namespace outside the input may hold what the monitor selects.
      if (!t.complete) continue;
      const what = m.kind === 'ServiceMonitor' ? 'Service' : 'pod';
      if (m.kind === 'ServiceMonitor' ? t.services.length > 0 : t.pods.length > 0 || t.operatorPods > 0) continue;
      ctx.report({
        at: m.res.keyAt('spec', 'selector'),
        object: m.res,
        message:
          `${m.res.displayShort}: selector ${formatSelector(m.selector)} matches no ${what} in ` +
          `namespace${t.namespaces.length === 1 ? '' : 's'} ${list(t.namespaces.map((n) => q(n)))}; ` +
          `Prometheus gets no target from it and no metrics`,
      });
    }
  },
);
