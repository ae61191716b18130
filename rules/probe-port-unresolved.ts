import { defineRule } from '../src/engine/types.js';
import { closest, list, q } from '../src/util/text.js';
import type { Container } from '../src/model/model.js';

function definesPort(c: Container, name: string): boolean {
  for (const p of c.ports) if (p.name === name) return true;
  return false;
}

export default defineRule(
  {
    id: 'probe-port-unresolved',
    severity: 'error',
    description:
      "A probe names a port that its container does not define (named probe ports resolve in the probe's own " +
      'container).',
  },
  (ctx) => {
    for (const pod of ctx.model.podTemplates) {
      for (const c of pod.containers) {
        const probes = c.probes;
        for (const probe of probes) {
          // A grpc port is a number only; a string there is a type error (manifest-structure), not a name.
          if (typeof probe.port !== 'string' || probe.handler === 'grpc') continue;
          const name = probe.port;
          if (definesPort(c, name)) continue;
          const names = c.ports.filter((p) => p.name).map((p) => `${p.name} (${p.number ?? '?'})`);
          const others = pod.containers
            .filter((o) => o !== c && o.ports.some((p) => p.name === name))
            .map((o) => q(o.name));
          let hint = names.length ? `; it defines ${list(names, 4)}` : '; it defines no named ports';
          if (others.length)
            hint += `; container ${others[0]} defines ${q(name)}, but probes only see their own container's ports`;
          if (/^\d+$/.test(name)) hint += '; a quoted number is a port name, write it without quotes';
          const fix = closest(
            name,
            c.ports.map((p) => p.name).filter((n): n is string => !!n),
          );
          if (fix) hint += `; did you mean ${q(fix)}?`;
          ctx.report({
            suggestions: fix
              ? [
                  {
                    title: `Change the probe port to "${fix}"`,
                    at: pod.workload.at(...probe.portPath),
                    replacement: fix,
                  },
                ]
              : [],
            at: pod.workload.at(...probe.portPath),
            object: pod.workload,
            message:
              `${pod.workload.displayShort}, ` +
              `container ${q(c.name)}: ${probe.type}.${probe.handler}.port ${q(name)} is not a port name of this ` +
              `container${hint}`,
            related: c.ports.length
              ? [{ at: pod.workload.at(...c.path, 'ports'), message: `ports of container ${q(c.name)}` }]
              : [],
          });
        }
      }
    }
  },
);
