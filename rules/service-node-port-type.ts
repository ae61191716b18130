import { defineRule } from '../src/engine/types.js';
import { q } from '../src/util/text.js';

export default defineRule(
  {
    id: 'service-node-port-type',
    severity: 'error',
    description:
      'Node-port settings on a Service whose type has no node ports: nodePort, ' +
      'externalTrafficPolicy or healthCheckNodePort outside NodePort/LoadBalancer, ' +
      'or a headless NodePort/LoadBalancer Service.',
  },
  (ctx) => {
    for (const svc of ctx.model.services) {
      const r = svc.res;
      const external = svc.type === 'NodePort' || svc.type === 'LoadBalancer';
      if (!external) {
        for (const sp of svc.ports) {
          if (sp.nodePort === undefined || sp.nodePort === 0) continue;
          ctx.report({
            at: r.at(...sp.path, 'nodePort'),
            object: r,
            // The API server rejects it on ClusterIP; on ExternalName it is accepted but no node port is opened.
            message:
              svc.type === 'ExternalName'
                ? `${r.displayShort}: nodePort has no effect on type ExternalName; ` +
                  `only NodePort and LoadBalancer Services open node ports`
                : `${r.displayShort}: nodePort is only allowed for type NodePort or LoadBalancer, not ${svc.type}`,
          });
        }
      } else if (svc.headless) {
        ctx.report({
          at: r.at('spec', svc.headlessField ?? 'clusterIP'),
          object: r,
          message: `${r.displayShort}: clusterIP ${q('None')} (headless) is not allowed for type ${svc.type}`,
        });
      }
      for (const field of svc.externalOnlyFields) {
        ctx.report({
          at: r.keyAt('spec', field),
          object: r,
          message:
            field === 'healthCheckNodePort'
              ? `${r.displayShort}: spec.healthCheckNodePort may only be set for type LoadBalancer with ` +
                `externalTrafficPolicy Local, ` +
                `not ${svc.type === 'LoadBalancer' ? 'with externalTrafficPolicy Cluster' : svc.type}`
              : `${r.displayShort}: spec.${field} may only be set for type NodePort or LoadBalancer (or ClusterIP ` +
                `with externalIPs), not ${svc.type}${svc.type === 'ClusterIP' ? ' without externalIPs' : ''}`,
        });
      }
    }
  },
);
