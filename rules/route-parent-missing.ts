import { defineRule } from '../src/engine/types.js';
import { closest, q } from '../src/util/text.js';

export default defineRule(
  {
    id: 'route-parent-missing',
    severity: 'warning',
    description:
      "A Gateway API route's parentRef names a Gateway that the input does not define, " +
      'in a namespace where the input does define Gateways.',
  },
  (ctx) => {
    if (ctx.model.gateways.length === 0) return;
    const gateways = ctx.graph.gateways;
    for (const route of ctx.model.routes) {
      if (route.res.superseded) continue;
      for (const ref of route.parentRefs) {
        const a = gateways.attachment(route, ref);
        // Elsewhere the Gateway lives outside the input (a platform team's namespace).
        if (a.status !== 'no-gateway' || !a.namespaceHasGateways) continue;
        const names = gateways.namesIn(ref.namespace);
        const fix = closest(ref.name ?? '', names);
        const at = route.res.at(...ref.path, 'name');
        ctx.report({
          at,
          object: route.res,
          message:
            `${route.res.displayShort}: Gateway ${q(ref.name ?? '')} is not defined in ` +
            `namespace ${q(ref.namespace)}, where the input ` +
            `defines ${names.map((n) => q(n)).join(', ')}${
              fix ? `; did you mean ${q(fix)}?` : ''
            }; a route without its Gateway is not attached`,
          suggestions: fix ? [{ title: `Use Gateway "${fix}"`, at, replacement: fix }] : [],
        });
      }
    }
  },
);
