import { defineRule } from '../src/engine/types.js';
import type { Service, ServicePort } from '../src/model/model.js';

export default defineRule(
  {
    id: 'service-node-port-conflict',
    severity: 'error',
    description: 'Two Service ports request the same nodePort and protocol; node ports are unique across the cluster.',
  },
  (ctx) => {
    const first = new Map<string, { svc: Service; sp: ServicePort }>();
    for (const svc of ctx.model.services) {
      if (svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') continue;
      for (const sp of svc.ports) {
        if (sp.nodePort === undefined || sp.nodePort === 0) continue;
        const key = `${sp.nodePort}/${sp.protocol}`;
        const prev = first.get(key);
        if (!prev) {
          first.set(key, { svc, sp });
          continue;
        }
        const other = prev.svc === svc ? 'another port of this Service' : prev.svc.res.display;
        ctx.report({
          at: svc.res.at(...sp.path, 'nodePort'),
          object: svc.res,
          message: `${svc.res.displayShort}: nodePort ${key} is already used by ${other}; the API server rejects the second one`,
          related: [{ at: prev.svc.res.at(...prev.sp.path, 'nodePort'), message: `nodePort ${key} of ${prev.svc.res.display}` }],
        });
      }
    }
  },
);
