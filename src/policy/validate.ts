/**
 * What the API server rejects in a NetworkPolicy's peers and ports. A rejected policy does not
 * exist in the cluster: the connectivity engine leaves it out, lint reports each problem
 * (netpol-invalid-peer), and the network commands say on stderr that it was left out.
 */
import { q } from '../util/text.js';
import type { Path } from '../load/source.js';
import { PROTOCOLS, portNameProblem } from '../model/kinds.js';
import type { NetworkPolicy } from '../model/netpol.js';
import { validateStructure } from '../model/schema.js';
import { contains, parseCidr } from './ipranges.js';

export interface PolicyProblem {
  /** Path of the offending field, relative to the policy. */
  path: Path;
  message: string;
}

const known = new WeakMap<NetworkPolicy, PolicyProblem[]>();

/** The problems for which the API server would reject the policy, in document order (cached). */
export function policyProblems(np: NetworkPolicy): PolicyProblem[] {
  let out = known.get(np);
  if (!out) {
    out = computeProblems(np);
    known.set(np, out);
  }
  return out;
}

const reasons = new WeakMap<NetworkPolicy, PolicyProblem[]>();

/**
 * Every reason the API server would reject the policy: the problems above, then the type and value
 * errors of its fields that `manifest-structure` reports (a `policyTypes` entry in lower case, a
 * selector operator it does not know, an unknown field in a rule, …). Cached.
 */
export function rejectionReasons(np: NetworkPolicy): PolicyProblem[] {
  let out = reasons.get(np);
  if (!out) {
    const structure = validateStructure(np.res).map((p) => ({
      path: p.path,
      message: `${p.message} (see manifest-structure)`,
    }));
    out = structure.length ? [...policyProblems(np), ...structure] : policyProblems(np);
    reasons.set(np, out);
  }
  return out;
}

/** Would the API server reject this policy? */
export function isRejected(np: NetworkPolicy): boolean {
  return rejectionReasons(np).length > 0;
}

function computeProblems(np: NetworkPolicy): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const report = (path: Path, message: string) => out.push({ path, message });
  // Rules of a direction the policy does not isolate are validated too.
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
          report(
            at,
            `ipBlock except ${q(e)} covers all of cidr ${q(peer.cidr)} (an except must be a strict subset of the cidr)`,
          );
        }
      });
    }
    for (const port of rule.ports ?? []) {
      if (!(PROTOCOLS as readonly string[]).includes(port.protocol)) {
        const upper = port.protocol.toUpperCase();
        const hint = (PROTOCOLS as readonly string[]).includes(upper)
          ? ` (protocols are upper case: write ${upper})`
          : '';
        report([...port.path, 'protocol'], `protocol ${q(port.protocol)} is not one of TCP, UDP, SCTP${hint}`);
      }
      if (typeof port.port === 'string') {
        const problem = portNameProblem(port.port);
        if (problem)
          report(
            [...port.path, 'port'],
            `port ${q(port.port)} is not a valid port name: it ${problem}${/^\d+$/.test(port.port) ? ' (write a number without quotes)' : ''}`,
          );
      } else if (typeof port.port === 'number' && (port.port < 1 || port.port > 65535)) {
        report([...port.path, 'port'], `port ${port.port} is out of range 1-65535`);
      }
      if (port.endPort !== undefined) {
        if (port.port === undefined)
          report([...port.path, 'endPort'], 'endPort needs a numeric port (there is no port)');
        else if (typeof port.port !== 'number')
          report([...port.path, 'endPort'], `endPort needs a numeric port, not the named port ${q(port.port)}`);
        else if (port.endPort < port.port)
          report([...port.path, 'endPort'], `endPort ${port.endPort} is smaller than port ${port.port}`);
        else if (port.endPort > 65535)
          report([...port.path, 'endPort'], `endPort ${port.endPort} is out of range 1-65535`);
      }
    }
  }
  return out;
}
