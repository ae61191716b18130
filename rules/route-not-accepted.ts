import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';

export default defineRule(
  {
    id: 'route-not-accepted',
    severity: 'error',
    description:
      "A Gateway API route's parentRef names a Gateway of the input none of whose listeners accepts the route " +
      '(sectionName, port, allowedRoutes namespaces or kinds, hostnames).',
  },
  (ctx) => {
    if (ctx.model.gateways.length === 0) return;
    const gateways = ctx.graph.gateways;
    for (const route of ctx.model.routes) {
      if (route.res.superseded) continue;
      for (const ref of route.parentRefs) {
        const a = gateways.attachment(route, ref);
        if (a.status !== 'refused') continue;
        ctx.report({
          at: route.res.at(...ref.path),
          object: route.res,
          message:
            `${route.res.displayShort} is not accepted by ` +
            `Gateway ${q(`${a.gateway.namespace}/${a.gateway.name}`)}: ${list(a.reasons, 3)}; ` +
            `the route is not attached (Accepted False) and its traffic never reaches the backends`,
          related: [{ at: a.gateway.res.keyAt('spec', 'listeners'), message: `listeners of ${a.gateway.res.display}` }],
        });
      }
    }
  },
);
