import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import type { GatewayInfo } from '../src/model/gateway.js';
import type { Resource } from '../src/model/resource.js';
import { judgeDefinitions } from './support/several-definitions.js';

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
    let byResource: Map<Resource, GatewayInfo> | undefined;
    const gatewayOf = (r: Resource) => (byResource ??= new Map(ctx.model.gateways.map((g) => [g.res, g]))).get(r);
    for (const route of ctx.model.routes) {
      if (route.res.superseded) continue;
      for (const ref of route.parentRefs) {
        const a = gateways.attachment(route, ref);
        if (a.status !== 'refused' && a.status !== 'accepted') continue;
        // A Gateway defined in several folders may be several Gateways: see support/several-definitions.ts.
        const accepts = (gw: GatewayInfo) => gateways.attachmentTo(route, ref, gw).status !== 'refused';
        if (a.status === 'accepted' && gateways.definitions(a.gateway).length < 2) continue;
        const verdict = judgeDefinitions(ctx.model, a.gateway, gatewayOf, route.res, accepts);
        if (!verdict) continue;
        const refused = gateways.attachmentTo(route, ref, verdict.def);
        if (refused.status !== 'refused') continue;
        const gw = verdict.def;
        ctx.report({
          at: route.res.at(...ref.path),
          object: route.res,
          severity: verdict.severity,
          message:
            `${route.res.displayShort} is not accepted by ` +
            `Gateway ${q(`${gw.namespace}/${gw.name}`)}${verdict.note}: ${list(refused.reasons, 3)}; ` +
            `the route is not attached (Accepted False) and its traffic never reaches the backends`,
          related: [{ at: gw.res.keyAt('spec', 'listeners'), message: `listeners of ${gw.res.display}` }],
        });
      }
    }
  },
);
