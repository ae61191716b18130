import { defineRule } from '../src/engine/types.js';
import { q } from '../src/engine/text.js';
import { PROTOCOLS, portNameProblem } from '../src/model/kinds.js';
import type { ContainerPort } from '../src/model/model.js';

export default defineRule(
  {
    id: 'container-port-invalid',
    severity: 'error',
    description:
      'A container port that is out of range, has an invalid name or protocol, or clashes with another port of the same pod (same name, or same number and protocol).',
  },
  (ctx) => {
    for (const pod of ctx.model.podTemplates) {
      const w = pod.workload;
      const byName = new Map<string, ContainerPort>();
      const byNumber = new Map<string, ContainerPort>();
      for (const c of pod.containers) {
        for (const cp of c.ports) {
          const at = (f: string) => w.at(...cp.path, f);
          const report = (f: string, message: string, related?: ContainerPort, relMsg?: string) =>
            ctx.report({
              at: at(f),
              object: w,
              message: `${w.displayShort}, container ${q(c.name)}: ${message}`,
              related: related ? [{ at: w.at(...related.path, f), message: relMsg ?? '' }] : [],
            });
          if (cp.number !== undefined && (cp.number < 1 || cp.number > 65535)) {
            report('containerPort', `containerPort ${cp.number} is out of range 1-65535`);
          }
          if (typeof cp.hostPort === 'number' && Number.isInteger(cp.hostPort) && (cp.hostPort < 0 || cp.hostPort > 65535)) {
            report('hostPort', `hostPort ${cp.hostPort} is out of range 1-65535`);
          }
          if (cp.rawProtocol !== undefined && !(PROTOCOLS as readonly unknown[]).includes(cp.rawProtocol)) {
            report('protocol', `protocol ${q(cp.rawProtocol)} is not one of TCP, UDP, SCTP (protocols are upper case)`);
          }
          if (cp.name !== undefined) {
            const problem = portNameProblem(cp.name);
            if (problem) report('name', `port name ${q(cp.name)} is invalid: it ${problem}`);
            const prev = byName.get(cp.name);
            if (prev) {
              const same = prev.container === c;
              report(
                'name',
                same
                  ? `port name ${q(cp.name)} is used twice in this container`
                  : `port name ${q(cp.name)} is also defined by container ${q(prev.container.name)}; a named targetPort resolves to only one of them`,
                prev,
                `first port named ${q(cp.name)}`,
              );
            } else byName.set(cp.name, cp);
          }
          if (cp.number !== undefined && !pod.hostNetwork) {
            const key = `${cp.number}/${cp.protocol}`;
            const prev = byNumber.get(key);
            if (prev) {
              report(
                'containerPort',
                prev.container === c
                  ? `containerPort ${key} is declared twice`
                  : `containerPort ${key} is also declared by container ${q(prev.container.name)}; containers of a pod share one network namespace and cannot both listen on it`,
                prev,
                `first declaration of ${key}`,
              );
            } else byNumber.set(key, cp);
          }
        }
      }
    }
  },
);
