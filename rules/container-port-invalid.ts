import { defineRule } from '../src/engine/types.js';
import { q } from '../src/engine/text.js';
import { PROTOCOLS, portNameProblem } from '../src/model/kinds.js';
import type { Container, ContainerPort } from '../src/model/model.js';
import type { Resource } from '../src/model/resource.js';

export default defineRule(
  {
    id: 'container-port-invalid',
    severity: 'error',
    description:
      'A container port that is out of range, has an invalid name or protocol, or clashes with another port of the same pod (same name, or same number and protocol).',
  },
  (ctx) => {
    const report = (w: Resource, c: Container, cp: ContainerPort, f: string, message: string, related?: ContainerPort, relMsg?: string) =>
      ctx.report({
        at: w.at(...cp.path, f),
        object: w,
        message: `${w.displayShort}, container ${q(c.name)}: ${message}`,
        related: related ? [{ at: w.at(...related.path, f), message: relMsg ?? '' }] : [],
      });
    for (const pod of ctx.model.podTemplates) {
      const w = pod.workload;
      // Built when a second port needs them.
      let byName: Map<string, ContainerPort> | undefined;
      let byNumber: Map<string, ContainerPort> | undefined;
      for (const c of pod.containers) {
        // A regular init container runs alone, before the other containers start, and Services never
        // resolve its named ports: its ports only clash within the container itself.
        let names = c.kind === 'init' ? undefined : byName;
        let numbers = c.kind === 'init' ? undefined : byNumber;
        for (const cp of c.ports) {
          if (cp.number !== undefined && (cp.number < 1 || cp.number > 65535)) {
            report(w, c, cp, 'containerPort', `containerPort ${cp.number} is out of range 1-65535`);
          }
          if (typeof cp.hostPort === 'number' && Number.isInteger(cp.hostPort) && (cp.hostPort < 0 || cp.hostPort > 65535)) {
            report(w, c, cp, 'hostPort', `hostPort ${cp.hostPort} is out of range 1-65535`);
          }
          // Omitted, null and "" are all defaulted to TCP by the API server.
          const protocolSet = cp.rawProtocol !== undefined && cp.rawProtocol !== null && cp.rawProtocol !== '';
          if (protocolSet && !(PROTOCOLS as readonly unknown[]).includes(cp.rawProtocol)) {
            report(w, c, cp, 'protocol', `protocol ${q(cp.rawProtocol)} is not one of TCP, UDP, SCTP (protocols are upper case)`);
          }
          if (cp.name !== undefined) {
            const problem = portNameProblem(cp.name);
            if (problem) report(w, c, cp, 'name', `port name ${q(cp.name)} is invalid: it ${problem}`);
            const prev = names?.get(cp.name);
            if (prev) {
              const same = prev.container === c;
              report(
                w,
                c,
                cp,
                'name',
                same
                  ? `port name ${q(cp.name)} is used twice in this container`
                  : `port name ${q(cp.name)} is also defined by container ${q(prev.container.name)}; a named targetPort resolves to only one of them`,
                prev,
                `first port named ${q(cp.name)}`,
              );
            } else {
              if (!names) {
                names = new Map();
                if (c.kind !== 'init') byName = names;
              }
              names.set(cp.name, cp);
            }
          }
          // hostNetwork pods clash too: their containers share the node's network namespace.
          if (cp.number !== undefined) {
            const key = `${cp.number}/${cp.protocol}`;
            const prev = numbers?.get(key);
            if (prev) {
              report(
                w,
                c,
                cp,
                'containerPort',
                prev.container === c
                  ? `containerPort ${key} is declared twice`
                  : `containerPort ${key} is also declared by container ${q(prev.container.name)}; containers of a pod share one network namespace and cannot both listen on it`,
                prev,
                `first declaration of ${key}`,
              );
            } else {
              if (!numbers) {
                numbers = new Map();
                if (c.kind !== 'init') byNumber = numbers;
              }
              numbers.set(key, cp);
            }
          }
        }
      }
    }
  },
);
