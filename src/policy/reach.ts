/**
 * Which pods a pod's egress may allow anything to, without evaluating every pair: the peers of
 * the rules that can allow. A pod isolated for egress in the NetworkPolicy tier (by a
 * NetworkPolicy or a Cilium policy) reaches only peers of its NetworkPolicy egress rules, of its
 * Cilium allow sections and of its Admin-tier Allow rules (engine.ts, `side`: the Baseline tier
 * and Pass rules only narrow what those allow). Anything else may reach every pod.
 */
import { Bits } from './bits.js';
import type { PolicyEngine } from './engine.js';
import type { NetPod } from './pods.js';

/** The pods `pod` may connect to (a superset; verdicts decide), or undefined when any pod may be. */
export function egressCandidates(engine: PolicyEngine, pod: NetPod): Bits | undefined {
  const id = pod.id;
  const policies = engine.policiesOf('egress', id);
  if (policies.length === 0 && !engine.cilium.isolates('egress', id)) return undefined;
  const out = new Bits(engine.pods.length);
  if (policies.length > 0) {
    for (const r of engine.rulesOf('egress', id)) {
      if (r.peers === null) return undefined;
      for (const p of r.peers) out.or(engine.peerSet(p, r.policy.namespace).pods);
    }
  }
  for (const s of engine.cilium.sections('egress', id)) {
    if (s.deny || s.empty) continue;
    if (s.peers === null) return undefined;
    for (const p of s.peers) out.or(engine.peerSet(p, '').pods);
  }
  for (const r of engine.tiers.rules('Admin', 'egress', id)) {
    if (r.action !== 'Allow') continue;
    for (const p of r.peers) out.or(engine.peerSet(p, '').pods);
  }
  return out;
}
