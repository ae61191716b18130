import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import { mayBeDistinct, nearestDefinition } from '../src/model/identity.js';
import type { GatewayInfo } from '../src/model/gateway.js';

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
        if (a.status !== 'refused' && a.status !== 'accepted') continue;
        // A Gateway defined in several folders without metadata.namespace may be several Gateways,
        // one per namespace the folders are applied to: the route goes with the definition of its
        // own folder (or the nearest folder above), else it is refused for sure only by all of them.
        const defs = gateways.definitions(a.gateway);
        const doubtful = defs.length > 1 && defs.some((d) => mayBeDistinct(ctx.model, d.res, a.gateway.res));
        let refused: { gateway: GatewayInfo; reasons: string[] } | undefined = a.status === 'refused' ? a : undefined;
        let note = '';
        let severity: 'info' | undefined;
        if (doubtful) {
          const own = nearestDefinition(defs, route.res);
          const verdicts = (own ? [own] : defs).map((d) => gateways.attachmentTo(route, ref, d));
          const refusals = verdicts.filter((v) => v.status === 'refused');
          refused = refusals.find((v) => v.gateway === a.gateway) ?? refusals[0];
          if (!refused) continue;
          const others = `the input defines ${q(a.gateway.name)} in ${defs.length} places without metadata.namespace`;
          if (own) note = ` (as defined in ${own.res.file.path}, the definition nearest to the route; ${others})`;
          else if (refusals.length === verdicts.length) note = ` (nor by any of its other definitions: ${others})`;
          else {
            severity = 'info';
            note =
              ` as defined in ${refused.gateway.res.file.path}, while another definition accepts it (${others} ` +
              `and none in the route's folder: which one is the route's Gateway depends on the namespaces the ` +
              `folders are applied to)`;
          }
        }
        if (!refused) continue;
        const gw = refused.gateway;
        ctx.report({
          at: route.res.at(...ref.path),
          object: route.res,
          severity,
          message:
            `${route.res.displayShort} is not accepted by ` +
            `Gateway ${q(`${gw.namespace}/${gw.name}`)}${note}: ${list(refused.reasons, 3)}; ` +
            `the route is not attached (Accepted False) and its traffic never reaches the backends`,
          related: [{ at: gw.res.keyAt('spec', 'listeners'), message: `listeners of ${gw.res.display}` }],
        });
      }
    }
  },
);
