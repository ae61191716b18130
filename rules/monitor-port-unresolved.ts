import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import { monitorTargets } from '../src/graph/monitoring.js';

export default defineRule(
  {
    id: 'monitor-port-unresolved',
    severity: 'error',
    description:
      "A ServiceMonitor endpoint's port is not a port name of any Service it selects (a PodMonitor's not a " +
      'container port of any pod it selects).',
  },
  (ctx) => {
    const { serviceMonitors, podMonitors } = ctx.model.consumers;
    for (const m of [...serviceMonitors, ...podMonitors]) {
      if (m.res.superseded || m.endpoints.length === 0) continue;
      const t = monitorTargets(ctx.graph, m);
      if (m.kind === 'ServiceMonitor') {
        if (t.services.length === 0) continue;
        const names = new Set(t.services.flatMap((s) => s.ports.map((p) => p.name).filter((n): n is string => !!n)));
        for (const e of m.endpoints) {
          if (e.port === undefined || names.has(e.port)) continue;
          const numbers = t.services.flatMap((s) => s.ports).filter((p) => String(p.port) === e.port);
          ctx.report({
            at: m.res.at(...e.path, 'port'),
            object: m.res,
            message:
              `${m.res.displayShort} endpoint ${e.index}: ` +
              `port ${q(e.port)} is not a port name of the selected Service${t.services.length === 1 ? '' : 's'} ${list(
                t.services.map((s) => q(s.name)),
                3,
              )} (${
                names.size ? `port names: ${list([...names].map((n) => q(n)))}` : 'their ports have no names'
              })${numbers.length ? '; endpoints[].port takes the Service port name, not its number' : ''}; ` +
              `Prometheus scrapes nothing for it`,
            related: t.services
              .slice(0, 2)
              .map((s) => ({ at: s.res.keyAt('spec', 'ports'), message: `ports of ${s.res.display}` })),
          });
        }
      } else {
        // Pods made by an operator declare ports the input does not show.
        if (t.pods.length === 0 || t.operatorPods > 0) continue;
        const ports = t.pods.flatMap((p) => [...p.servingPorts()]);
        const names = new Set(ports.map((p) => p.name).filter((n): n is string => !!n));
        for (const e of m.endpoints) {
          const byName = e.port !== undefined && !names.has(e.port);
          const byNumber =
            e.port === undefined && e.portNumber !== undefined && !ports.some((p) => p.number === e.portNumber);
          if (!byName && !byNumber) continue;
          const what = byName
            ? `port ${q(e.port)} is not a container port name`
            : `portNumber ${e.portNumber} is not a declared container port`;
          ctx.report({
            at: m.res.at(...e.path, byName ? 'port' : 'portNumber'),
            object: m.res,
            message:
              `${m.res.displayShort} endpoint ${e.index}: ${what} of the selected pods (${list(
                t.pods.map((p) => p.display),
                3,
              )}; ${names.size ? `port names: ${list([...names].map((n) => q(n)))}` : 'no named ports'}); ` +
              `Prometheus scrapes nothing for it`,
          });
        }
      }
    }
  },
);
