import { defineRule } from '../src/engine/types.js';

export default defineRule(
  {
    id: 'service-node-port-range',
    severity: 'error',
    description: "A nodePort outside the cluster's node-port range (30000-32767 unless configured).",
  },
  (ctx) => {
    const [lo, hi] = ctx.settings.nodePortRange;
    for (const svc of ctx.model.services) {
      if (svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') continue;
      for (const sp of svc.ports) {
        if (sp.nodePort === undefined || sp.nodePort === 0) continue;
        if (sp.nodePort >= lo && sp.nodePort <= hi) continue;
        ctx.report({
          at: svc.res.at(...sp.path, 'nodePort'),
          object: svc.res,
          message: `${svc.res.displayShort}: nodePort ${sp.nodePort} is outside the node-port range ${lo}-${hi}`,
        });
      }
    }
  },
);
