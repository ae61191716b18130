import { FirstSeen } from '../src/engine/first-seen.js';
import { defineRule } from '../src/engine/types.js';
import type { Report, RuleContext } from '../src/engine/types.js';
import { q } from '../src/util/text.js';
import { hasTemplatePlaceholder, isDnsLabel, isInvalidProtocol, portNameProblem } from '../src/model/kinds.js';
import type { Service, ServicePort } from '../src/model/model.js';
import { PLACEHOLDER } from './support/template.js';

const inRange = (n: number) => n >= 1 && n <= 65535;

/** The first port of each name, and of each number and protocol, in one scope. */
class FirstPorts {
  readonly named = new FirstSeen<ServicePort>(
    (a, b) => a.name === b.name,
    (p) => p.name!,
  );
  readonly numbered = new FirstSeen<ServicePort>(
    (a, b) => a.port === b.port && a.protocol === b.protocol,
    (p) => portKey(p.port!, p.protocol),
  );

  clear(): void {
    this.named.clear();
    this.numbered.clear();
  }
}

const portKey = (port: number, protocol: string) => `${port}/${protocol || 'TCP'}`;

export default defineRule(
  {
    id: 'service-port-invalid',
    severity: 'error',
    description:
      'A Service port that the API server rejects: port or targetPort out of range, ' +
      'an invalid port name or protocol, missing or duplicate names, or a duplicate port and protocol.',
  },
  (ctx) => {
    const first = new FirstPorts();
    for (const svc of ctx.model.services) {
      const r = svc.res;
      first.clear();
      const many = svc.ports.length > 1;
      // Only headless and ExternalName Services may have no ports (ValidateService).
      if (svc.ports.length === 0 && !svc.headless && svc.type !== 'ExternalName') {
        report(
          ctx,
          svc,
          r.keyAt('spec'),
          'spec.ports is required (only headless and ExternalName Services may have no ports)',
        );
      }
      for (const sp of svc.ports) checkPort(ctx, svc, sp, many, first);
    }
  },
);

function checkPort(ctx: RuleContext, svc: Service, sp: ServicePort, many: boolean, first: FirstPorts): void {
  const r = svc.res;
  if (sp.port !== undefined && !inRange(sp.port))
    report(ctx, svc, r.at(...sp.path, 'port'), `port ${sp.port} is out of range 1-65535`);
  const target = sp.rawTargetPort;
  if (typeof target === 'number' && Number.isInteger(target) && target !== 0 && !inRange(target)) {
    report(ctx, svc, r.at(...sp.path, 'targetPort'), `targetPort ${target} is out of range 1-65535`);
  } else if (typeof target === 'string' && target !== '') {
    // "" is defaulted to port by the API server, like 0 or an omitted targetPort.
    const problem = portNameProblem(target);
    if (problem && hasTemplatePlaceholder(target)) {
      report(ctx, svc, r.at(...sp.path, 'targetPort'), `targetPort ${q(target)} ${PLACEHOLDER}`, 'info');
    } else if (problem) {
      const hint = /^\d+$/.test(target) ? ' (a quoted number is a port name; write it without quotes)' : '';
      report(
        ctx,
        svc,
        r.at(...sp.path, 'targetPort'),
        `targetPort ${q(target)} is not a valid port name: it ${problem}${hint}`,
      );
    }
  }
  const protocol = sp.rawProtocol;
  if (isInvalidProtocol(protocol)) {
    report(
      ctx,
      svc,
      r.at(...sp.path, 'protocol'),
      `protocol ${q(protocol)} is not one of TCP, UDP, SCTP (protocols are upper case)`,
    );
  }
  if (sp.name !== undefined && sp.name !== '') {
    if (!isDnsLabel(sp.name)) {
      report(
        ctx,
        svc,
        r.at(...sp.path, 'name'),
        `port name ${q(sp.name)} must be a DNS label (lowercase letters, digits and "-", at most 63 characters)`,
      );
    }
    const prev = first.named.first(sp);
    if (prev) {
      ctx.report({
        at: r.at(...sp.path, 'name'),
        object: r,
        message: `${r.displayShort}: port name ${q(sp.name)} is used twice`,
        related: [{ at: r.at(...prev.path, 'name'), message: 'first use of the name' }],
      });
    }
  } else if (many) {
    report(
      ctx,
      svc,
      r.at(...sp.path),
      `ports[${sp.index}] needs a name: every port must be named when a Service has more than one`,
    );
  }
  if (sp.port !== undefined) {
    const prev = first.numbered.first(sp);
    if (prev) {
      const key = portKey(sp.port, sp.protocol);
      ctx.report({
        at: r.at(...sp.path, 'port'),
        object: r,
        message: `${r.displayShort}: port ${key} is listed twice`,
        related: [{ at: r.at(...prev.path, 'port'), message: 'first use of the port' }],
      });
    }
  }
}

function report(ctx: RuleContext, svc: Service, at: Report['at'], message: string, severity?: 'info'): void {
  ctx.report({ at, object: svc.res, severity, message: `${svc.res.displayShort}: ${message}` });
}
