import { defineRule } from '../src/engine/types.js';
import { labelsText, list, q } from '../src/util/text.js';
import { describeIngressBackend, legacyNote } from '../src/model/network.js';
import { selectorFromMap } from '../src/model/selector.js';
import { describeRouteService, ingressRouteBackend } from '../src/graph/ingress-routes.js';

export default defineRule(
  {
    id: 'ingress-backend-unreachable',
    severity: 'error',
    description:
      "An Ingress (or Traefik IngressRoute, Contour HTTPProxy) backend's Service exists but reaches no pod: " +
      'its selector matches no pods, or the target port it resolves to is not served by them.',
  },
  (ctx) => {
    for (const ing of ctx.model.ingresses) {
      for (const b of ing.backends) {
        const r = ctx.graph.ingressBackend(b);
        if (r.status !== 'ok') continue;
        const { service: svc, servicePort: sp } = r;
        // ExternalName and selector-less Services are backed by something we cannot see.
        if (svc.type === 'ExternalName' || !svc.selector) continue;
        const backend = `${describeIngressBackend(b)} of ${ing.res.displayShort}`;
        const chain = `${backend} → Service ${q(svc.name)} port ${sp.port}`;
        const pods = ctx.graph.podsOf(svc);
        if (pods.length === 0) {
          // Pods an operator creates from a custom resource's labels (service-selector-no-pods: info).
          if (ctx.graph.operatorMatches(svc.namespace, selectorFromMap(svc.selector)).length > 0) continue;
          ctx.report({
            at: ing.at(...(b.serviceNamePath ?? b.path)),
            object: ing.res,
            message: `${noPods(chain, svc.namespace, svc.selector)}${legacyNote(ing)}`,
            related: [{ at: svc.res.keyAt('spec', 'selector'), message: `selector of ${svc.res.display}` }],
          });
          continue;
        }
        if (sp.target?.kind !== 'name') continue;
        const name = sp.target.value;
        const failing = pods.filter((p) => {
          const t = ctx.graph.resolveTarget(sp, p);
          return t?.status === 'missing-name' || t?.status === 'wrong-protocol';
        });
        if (failing.length === 0) continue;
        const which =
          failing.length === pods.length
            ? 'no selected pod defines it'
            : `the pods of ${list(
                failing.map((p) => p.display),
                3,
              )} do not define it`;
        ctx.report({
          at: ing.at(...(b.port?.path ?? b.path)),
          object: ing.res,
          message: `${chain} → targetPort ${q(name)}: ${which}${legacyNote(ing)}`,
          related: [
            { at: svc.targetLoc(sp), message: `targetPort of ${svc.res.display}` },
            ...failing.slice(0, 3).map((p) => ({ at: p.labelsLoc, message: `pods of ${p.display}` })),
          ],
        });
      }
    }
    // Traefik IngressRoutes and Contour HTTPProxies route to Services like an Ingress.
    for (const route of ctx.model.consumers.ingressRoutes) {
      if (route.res.superseded) continue;
      for (const b of route.services) {
        const r = ingressRouteBackend(ctx.graph, b);
        if (r.status !== 'ok') continue;
        const { service: svc, servicePort: sp } = r;
        if (svc.type === 'ExternalName' || !svc.selector) continue;
        const chain = `${describeRouteService(route, b)} → Service ${q(svc.name)} port ${sp.port}`;
        const pods = ctx.graph.podsOf(svc);
        if (pods.length === 0) {
          if (ctx.graph.operatorMatches(svc.namespace, selectorFromMap(svc.selector)).length > 0) continue;
          ctx.report({
            at: route.res.at(...b.path, 'name'),
            object: route.res,
            message: noPods(chain, svc.namespace, svc.selector),
            related: [{ at: svc.res.keyAt('spec', 'selector'), message: `selector of ${svc.res.display}` }],
          });
          continue;
        }
        if (sp.target?.kind !== 'name') continue;
        const failing = pods.filter((p) => {
          const t = ctx.graph.resolveTarget(sp, p);
          return t?.status === 'missing-name' || t?.status === 'wrong-protocol';
        });
        if (failing.length === 0) continue;
        ctx.report({
          at: route.res.at(...(b.port?.path ?? b.path)),
          object: route.res,
          message: `${chain} → targetPort ${q(sp.target.value)}: ${
            failing.length === pods.length
              ? 'no selected pod defines it'
              : `the pods of ${list(
                  failing.map((p) => p.display),
                  3,
                )} do not define it`
          }`,
          related: [{ at: svc.targetLoc(sp), message: `targetPort of ${svc.res.display}` }],
        });
      }
    }
  },
);

/** The message for a backend whose Service selects no pods. */
function noPods(chain: string, namespace: string, selector: Map<string, string>): string {
  return `${chain} → no pods: no pod in namespace ${q(namespace)} has labels ${labelsText(selector)}`;
}
