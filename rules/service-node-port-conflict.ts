import { defineRule } from '../src/engine/types.js';
import type { Service, ServicePort } from '../src/model/model.js';

export default defineRule(
  {
    id: 'service-node-port-conflict',
    severity: 'error',
    description:
      'Two Service ports request the same nodePort; node ports are unique across the cluster, ' +
      'whatever the protocol (one Service may share one between the TCP and UDP entries of a port).',
  },
  (ctx) => {
    // The API server allocates node ports from a single cluster-wide pool, not one per protocol.
    // Within one Service, entries with the same `port` share one allocation (e.g. DNS on 53/TCP
    // and 53/UDP with the same nodePort); any other reuse of a number is rejected.
    const first = new Map<number, { svc: Service; sp: ServicePort }>();
    for (const svc of ctx.model.services) {
      if (svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') continue;
      const byPort = new Map<number | undefined, number>();
      const seen = new Set<string>();
      for (const sp of svc.ports) {
        if (sp.nodePort === undefined || sp.nodePort === 0) continue;
        const np = sp.nodePort;
        const duplicate = seen.has(`${np}/${sp.protocol}`);
        seen.add(`${np}/${sp.protocol}`);
        if (!duplicate && byPort.get(sp.port) === np) continue; // shares its port's allocation
        if (!byPort.has(sp.port)) byPort.set(sp.port, np);
        const prev = first.get(np);
        if (!prev) {
          first.set(np, { svc, sp });
          continue;
        }
        // A second definition of the same Service replaces the first (duplicate-object reports it).
        if (prev.svc !== svc && prev.svc.namespace === svc.namespace && prev.svc.name === svc.name) continue;
        const other = prev.svc === svc ? 'another port of this Service' : prev.svc.res.display;
        const proto =
          prev.sp.protocol === sp.protocol
            ? ''
            : ` (${prev.sp.protocol} there, ${sp.protocol} here: ` +
              `node ports are allocated from one pool for all protocols)`;
        ctx.report({
          at: svc.res.at(...sp.path, 'nodePort'),
          object: svc.res,
          message:
            `${svc.res.displayShort}: nodePort ${np} is already used by ${other}${proto}; ` +
            `the API server rejects the second one`,
          related: [
            {
              at: prev.svc.res.at(...prev.sp.path, 'nodePort'),
              message: `nodePort ${np}/${prev.sp.protocol} of ${prev.svc.res.display}`,
            },
          ],
        });
      }
    }
  },
);
