import { defineRule } from '../src/engine/types.js';
import type { Report } from '../src/engine/types.js';
import { q } from '../src/engine/text.js';
import { PROTOCOLS, isDnsLabel, portNameProblem } from '../src/model/kinds.js';
import type { ServicePort } from '../src/model/model.js';

const inRange = (n: number) => n >= 1 && n <= 65535;

export default defineRule(
  {
    id: 'service-port-invalid',
    severity: 'error',
    description:
      'A Service port that the API server rejects: port or targetPort out of range, an invalid port name or protocol, missing or duplicate names, or a duplicate port and protocol.',
  },
  (ctx) => {
    for (const svc of ctx.model.services) {
      const r = svc.res;
      const report = (at: Report['at'], message: string) => ctx.report({ at, object: r, message: `${r.displayShort}: ${message}` });
      const names = new Map<string, ServicePort>();
      const portProto = new Map<string, ServicePort>();
      const many = svc.ports.length > 1;
      // Only headless and ExternalName Services may have no ports (ValidateService).
      if (svc.ports.length === 0 && !svc.headless && svc.type !== 'ExternalName') {
        report(r.keyAt('spec'), 'spec.ports is required (only headless and ExternalName Services may have no ports)');
      }
      for (const sp of svc.ports) {
        const field = (f: string) => r.at(...sp.path, f);
        if (sp.port !== undefined && !inRange(sp.port)) report(field('port'), `port ${sp.port} is out of range 1-65535`);
        if (typeof sp.rawTargetPort === 'number' && Number.isInteger(sp.rawTargetPort) && sp.rawTargetPort !== 0 && !inRange(sp.rawTargetPort)) {
          report(field('targetPort'), `targetPort ${sp.rawTargetPort} is out of range 1-65535`);
        } else if (typeof sp.rawTargetPort === 'string' && sp.rawTargetPort !== '') {
          // "" is defaulted to port by the API server, like 0 or an omitted targetPort.
          const problem = portNameProblem(sp.rawTargetPort);
          if (problem) {
            const hint = /^\d+$/.test(sp.rawTargetPort) ? ' (a quoted number is a port name; write it without quotes)' : '';
            report(field('targetPort'), `targetPort ${q(sp.rawTargetPort)} is not a valid port name: it ${problem}${hint}`);
          }
        }
        // Omitted, null and "" are all defaulted to TCP by the API server.
        const protocolSet = sp.rawProtocol !== undefined && sp.rawProtocol !== null && sp.rawProtocol !== '';
        if (protocolSet && !(PROTOCOLS as readonly unknown[]).includes(sp.rawProtocol)) {
          report(field('protocol'), `protocol ${q(sp.rawProtocol)} is not one of TCP, UDP, SCTP (protocols are upper case)`);
        }
        if (sp.name !== undefined && sp.name !== '') {
          if (!isDnsLabel(sp.name)) {
            report(field('name'), `port name ${q(sp.name)} must be a DNS label (lowercase letters, digits and "-", at most 63 characters)`);
          }
          const prev = names.get(sp.name);
          if (prev) {
            ctx.report({
              at: field('name'),
              object: r,
              message: `${r.displayShort}: port name ${q(sp.name)} is used twice`,
              related: [{ at: r.at(...prev.path, 'name'), message: 'first use of the name' }],
            });
          } else names.set(sp.name, sp);
        } else if (many) {
          report(r.at(...sp.path), `ports[${sp.index}] needs a name: every port must be named when a Service has more than one`);
        }
        if (sp.port !== undefined) {
          const key = `${sp.port}/${sp.protocol || 'TCP'}`;
          const prev = portProto.get(key);
          if (prev) {
            ctx.report({
              at: field('port'),
              object: r,
              message: `${r.displayShort}: port ${key} is listed twice`,
              related: [{ at: r.at(...prev.path, 'port'), message: 'first use of the port' }],
            });
          } else portProto.set(key, sp);
        }
      }
    }
  },
);
