import { defineRule } from '../src/engine/types.js';
import { q } from '../src/engine/text.js';
import { portNameProblem } from '../src/model/kinds.js';
import { contains, parseCidr } from '../src/policy/ipranges.js';

export default defineRule(
  {
    id: 'netpol-invalid-peer',
    severity: 'error',
    description:
      'A NetworkPolicy peer or port that the API server rejects: an empty peer, ipBlock mixed with selectors, an invalid CIDR or an except outside its cidr, an invalid port name or protocol, or endPort without a numeric port.',
  },
  (ctx) => {
    for (const np of ctx.model.networkPolicies) {
      const r = np.res;
      const report = (path: readonly (string | number)[], message: string) =>
        ctx.report({ at: r.at(...path), object: r, message: `${r.displayShort}: ${message}` });
      for (const rule of [...np.ingress, ...np.egress]) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind === 'invalid') {
            report(peer.path, peer.reason);
            continue;
          }
          if (peer.kind !== 'ipBlock') continue;
          const cidr = parseCidr(peer.cidr);
          if (!cidr.ok) {
            report([...peer.path, 'ipBlock', 'cidr'], `ipBlock cidr ${q(peer.cidr)} ${cidr.reason}`);
            continue;
          }
          peer.except.forEach((e, i) => {
            const ex = parseCidr(e);
            const at = [...peer.path, 'ipBlock', 'except', i];
            if (!ex.ok) report(at, `ipBlock except ${q(e)} ${ex.reason}`);
            else if (cidr.v6 !== ex.v6 || (!cidr.v6 && !ex.v6 && !contains(cidr.range, ex.range))) {
              report(at, `ipBlock except ${q(e)} is not inside cidr ${q(peer.cidr)}`);
            } else if (!cidr.v6 && !ex.v6 && ex.range.lo === cidr.range.lo && ex.range.hi === cidr.range.hi) {
              // The API server wants a strict subset: an except covering the whole cidr is rejected.
              report(at, `ipBlock except ${q(e)} covers all of cidr ${q(peer.cidr)} (an except must be a strict subset of the cidr)`);
            }
          });
        }
        for (const port of rule.ports ?? []) {
          if (!['TCP', 'UDP', 'SCTP'].includes(port.protocol)) {
            report([...port.path, 'protocol'], `protocol ${q(port.protocol)} is not one of TCP, UDP, SCTP`);
          }
          if (typeof port.port === 'string') {
            const problem = portNameProblem(port.port);
            if (problem) report([...port.path, 'port'], `port ${q(port.port)} is not a valid port name: it ${problem}${/^\d+$/.test(port.port) ? ' (write a number without quotes)' : ''}`);
          } else if (typeof port.port === 'number' && (port.port < 1 || port.port > 65535)) {
            report([...port.path, 'port'], `port ${port.port} is out of range 1-65535`);
          }
          if (port.endPort !== undefined) {
            if (typeof port.port !== 'number') report([...port.path, 'endPort'], 'endPort needs a numeric port');
            else if (port.endPort < port.port) report([...port.path, 'endPort'], `endPort ${port.endPort} is smaller than port ${port.port}`);
            else if (port.endPort > 65535) report([...port.path, 'endPort'], `endPort ${port.endPort} is out of range 1-65535`);
          }
        }
      }
    }
  },
);
