import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import { fqdn, serviceEntryFor, serviceOfHost } from '../src/graph/istio.js';
import { serviceAbsence } from './support/missing-service.js';

/**
 * The Services an Istio install creates in istio-system (istioctl and the Helm charts, default
 * revision): istiod, and the ingress and egress gateways of the default and demo profiles. Input
 * that adds to istio-system (the addons, a Gateway for istiod) rarely holds them.
 */
const ISTIO_SERVICES = new Set(['istiod', 'istio-ingressgateway', 'istio-egressgateway']);

function isIstioControlPlane(target: { namespace: string; name: string }): boolean {
  return target.namespace === 'istio-system' && ISTIO_SERVICES.has(target.name);
}

export default defineRule(
  {
    id: 'istio-host-unresolved',
    severity: 'error',
    description:
      'An Istio VirtualService destination host names a Kubernetes Service that does not exist (in a namespace the ' +
      'input covers, and no ServiceEntry declares it), or a port the Service does not have.',
  },
  (ctx) => {
    const { virtualServices, serviceEntries } = ctx.model.consumers;
    for (const vs of virtualServices) {
      if (vs.res.superseded) continue;
      for (const d of vs.destinations) {
        const target = serviceOfHost(d.host, vs.namespace);
        // Other names are external hosts (ServiceEntries, the mesh's egress).
        if (!target || serviceEntryFor(serviceEntries, d.host, fqdn(target))) continue;
        const who = `${vs.res.displayShort} ${d.section} destination ${q(d.host)}`;
        const svc = ctx.graph.service(target.namespace, target.name);
        if (!svc) {
          // A namespace the input does not cover may hold the Service; Istio's own Services exist
          // wherever there are VirtualServices to read.
          if (!ctx.model.namespaces.has(target.namespace) || isIstioControlPlane(target)) continue;
          const absence = serviceAbsence(ctx.graph, target.namespace, target.name);
          const { fix, elsewhere } = absence;
          ctx.report({
            at: vs.res.at(...d.path, 'host'),
            object: vs.res,
            severity: absence.sure ? undefined : 'warning',
            message:
              `${who}: ${absence.statement}${fix ? `; did you mean ${q(fix)}?` : ''}` +
              `${elsewhere ? `; a Service ${q(target.name)} exists in namespace ${q(elsewhere.namespace)}` : ''} ` +
              `(a short host resolves in the VirtualService's namespace); requests routed there fail with 503 ` +
              `(no healthy upstream)`,
            related: elsewhere ? [{ at: elsewhere.res.nameLoc, message: elsewhere.res.display }] : [],
          });
          continue;
        }
        if (d.port !== undefined && !svc.ports.some((p) => p.port === d.port)) {
          ctx.report({
            at: vs.res.at(...d.path, 'port', 'number'),
            object: vs.res,
            message:
              `${who}: port ${d.port} is not a port of Service ${q(svc.name)} (its ports ` +
              `are ${list(svc.ports.map((p) => String(p.port)))})`,
            related: [{ at: svc.res.keyAt('spec', 'ports'), message: `ports of ${svc.res.display}` }],
          });
        }
      }
    }
  },
);
