import { FirstSeen } from '../src/engine/first-seen.js';
import { defineRule } from '../src/engine/types.js';
import type { RuleContext } from '../src/engine/types.js';
import { q } from '../src/util/text.js';
import { hasTemplatePlaceholder, isInvalidProtocol, portNameProblem } from '../src/model/kinds.js';
import type { Container, ContainerPort } from '../src/model/model.js';
import type { Resource } from '../src/model/resource.js';
import { PLACEHOLDER } from './support/template.js';

/** The first port of each name, and of each number and protocol, in one scope. */
class FirstPorts {
  readonly named = new FirstSeen<ContainerPort>(
    (a, b) => a.name === b.name,
    (p) => p.name!,
  );
  readonly numbered = new FirstSeen<ContainerPort>(
    (a, b) => a.number === b.number && a.protocol === b.protocol,
    (p) => numberKey(p.number!, p.protocol),
  );

  clear(): void {
    this.named.clear();
    this.numbered.clear();
  }
}

const numberKey = (n: number, protocol: string) => `${n}/${protocol}`;

export default defineRule(
  {
    id: 'container-port-invalid',
    severity: 'error',
    description:
      'A container port that is out of range, has an invalid name or protocol, ' +
      'or clashes with another port of the same pod (same name, or same number and protocol).',
  },
  (ctx) => {
    // One scope for the serving containers of the pod at hand, one for the init container at hand.
    const podPorts = new FirstPorts();
    const initPorts = new FirstPorts();
    for (const pod of ctx.model.podTemplates) {
      const w = pod.workload;
      podPorts.clear();
      for (const c of pod.containers) {
        // A regular init container runs alone, before the other containers start, and Services never
        // resolve its named ports: its ports only clash within the container itself.
        let scope = podPorts;
        if (c.kind === 'init') {
          scope = initPorts;
          scope.clear();
        }
        for (const port of c.ports) checkPort(ctx, w, c, port, scope);
      }
    }
  },
);

function checkPort(ctx: RuleContext, w: Resource, c: Container, cp: ContainerPort, scope: FirstPorts): void {
  if (cp.number !== undefined && (cp.number < 1 || cp.number > 65535)) {
    report(ctx, w, c, cp, 'containerPort', `containerPort ${cp.number} is out of range 1-65535`);
  }
  const hostPort = cp.hostPort;
  if (typeof hostPort === 'number' && Number.isInteger(hostPort) && (hostPort < 0 || hostPort > 65535)) {
    report(ctx, w, c, cp, 'hostPort', `hostPort ${hostPort} is out of range 1-65535`);
  }
  const protocol = cp.rawProtocol;
  if (isInvalidProtocol(protocol)) {
    report(
      ctx,
      w,
      c,
      cp,
      'protocol',
      `protocol ${q(protocol)} is not one of TCP, UDP, SCTP (protocols are upper case)`,
    );
  }
  if (cp.name !== undefined) {
    const problem = portNameProblem(cp.name);
    if (problem && hasTemplatePlaceholder(cp.name)) {
      report(ctx, w, c, cp, 'name', `port name ${q(cp.name)} ${PLACEHOLDER}`, undefined, undefined, 'info');
    } else if (problem) report(ctx, w, c, cp, 'name', `port name ${q(cp.name)} is invalid: it ${problem}`);
    const prev = scope.named.first(cp);
    if (prev) {
      report(
        ctx,
        w,
        c,
        cp,
        'name',
        prev.container === c
          ? `port name ${q(cp.name)} is used twice in this container`
          : `port name ${q(cp.name)} is also defined by container ${q(prev.container.name)}; ` +
              `a named targetPort resolves to only one of them`,
        prev,
        `first port named ${q(cp.name)}`,
      );
    }
  }
  // hostNetwork pods clash too: their containers share the node's network namespace.
  if (cp.number !== undefined) {
    const prev = scope.numbered.first(cp);
    if (prev) {
      const key = numberKey(cp.number, cp.protocol);
      // Two names for one port of a container: an alias the API server accepts (with a warning).
      const alias = prev.container === c && !!cp.name && !!prev.name && cp.name !== prev.name;
      report(
        ctx,
        w,
        c,
        cp,
        'containerPort',
        alias
          ? `containerPort ${key} is declared twice, as ${q(prev.name ?? '')} and ${q(cp.name ?? '')}: two names ` +
              `for one port, which the API server accepts with a warning (duplicate port definition), but ` +
              `server-side apply rejects (duplicate entries for key containerPort and protocol)`
          : prev.container === c
            ? `containerPort ${key} is declared twice`
            : `containerPort ${key} is also declared by container ${q(prev.container.name)}; ` +
              `containers of a pod share one network namespace and cannot both listen on it`,
        prev,
        `first declaration of ${key}`,
        alias ? 'warning' : undefined,
      );
    }
  }
}

function report(
  ctx: RuleContext,
  w: Resource,
  c: Container,
  cp: ContainerPort,
  f: string,
  message: string,
  related?: ContainerPort,
  relMsg?: string,
  severity?: 'info' | 'warning',
): void {
  ctx.report({
    at: w.at(...cp.path, f),
    object: w,
    severity,
    message: `${w.displayShort}, container ${q(c.name)}: ${message}`,
    related: related ? [{ at: w.at(...related.path, f), message: relMsg ?? '' }] : [],
  });
}
