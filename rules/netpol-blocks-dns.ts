import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/engine/text.js';
import type { NetworkPolicy } from '../src/model/netpol.js';
import { ConnSet } from '../src/policy/conn.js';
import type { NetPod } from '../src/policy/engine.js';

export default defineRule(
  {
    id: 'netpol-blocks-dns',
    severity: 'error',
    description:
      'Pods isolated for egress that cannot reach the cluster DNS on both UDP and TCP port 53, so they cannot resolve Service names.',
  },
  (ctx) => {
    // Without NetworkPolicies nothing is isolated and nothing blocked.
    if (ctx.model.networkPolicies.length === 0) return;
    const engine = ctx.policy;
    const port = engine.dnsSettings.port;
    const groups = new Map<NetworkPolicy, { pod: NetPod; missing: string; dnsIngress: NetworkPolicy[] }[]>();
    for (const pod of engine.workloadPods) {
      const isolating = engine.isolatedEgress(pod);
      if (isolating.length === 0) continue;
      // A pod whose egress is denied entirely is cut off on purpose: no names to resolve.
      if (isolating.every((np) => np.egress.length === 0)) continue;
      const src = { kind: 'pod' as const, pod };
      // The DNS pods are judged on the port they listen on (5353 on OpenShift): policies see the
      // pod port, not the DNS Service's 53.
      let conn = ConnSet.NONE;
      let egress = ConnSet.NONE;
      const dnsIngress = new Set<NetworkPolicy>();
      for (const dns of engine.dnsPods) {
        const e = engine.evaluate(src, { kind: 'pod', pod: dns });
        conn = conn.union(e.conn);
        egress = egress.union(e.egress?.conn ?? ConnSet.ALL);
        for (const p of engine.isolatedIngress(dns)) dnsIngress.add(p);
      }
      // Node-local DNS or an upstream resolver reached through an ipBlock rule on port 53 also counts.
      let ext53 = ConnSet.NONE;
      for (let a = 0; a < engine.atoms.length; a++) {
        const ext = engine.allowed(src, { kind: 'external', atom: a });
        if (!ext.isAll) ext53 = ext53.union(ext.intersect(ConnSet.of('UDP', 53).union(ConnSet.of('TCP', 53))));
      }
      const udp = conn.has('UDP', port) || ext53.has('UDP', 53);
      const tcp = conn.has('TCP', port) || ext53.has('TCP', 53);
      if (udp && tcp) continue;
      const missing = !udp && !tcp ? `UDP and TCP ${port}` : !udp ? `UDP ${port}` : `TCP ${port}`;
      // The pod's egress may allow DNS while the DNS pods' own ingress policies refuse it.
      const egressOk = (udp || egress.has('UDP', port)) && (tcp || egress.has('TCP', port));
      // Point at the policy that gives the pod its egress rules: that is where DNS belongs.
      const key = isolating.find((np) => np.egress.length > 0) ?? isolating[0];
      const list = groups.get(key);
      const entry = { pod, missing, dnsIngress: egressOk ? [...dnsIngress] : [] };
      if (list) list.push(entry);
      else groups.set(key, [entry]);
    }
    const dnsName = engine.dnsPods[0]?.synthetic ? `the cluster DNS (${engine.dnsPods[0].name.replace('/{cluster-dns}', '')} pods ${[...engine.dnsPods[0].labels].map(([k, v]) => `${k}=${v}`).join(',')})` : `DNS pods ${list(engine.dnsPods.map((p) => p.name), 2)}`;
    for (const [np, entries] of groups) {
      const byMissing = new Map<string, NetPod[]>();
      const blockersOf = new Map<string, NetworkPolicy[]>();
      for (const e of entries) {
        const k = `${e.missing}\u0000${e.dnsIngress.map((p) => p.res.key).join(',')}`;
        byMissing.set(k, [...(byMissing.get(k) ?? []), e.pod]);
        blockersOf.set(k, e.dnsIngress);
      }
      for (const [k, pods] of byMissing) {
        const missing = k.slice(0, k.indexOf('\u0000'));
        const blockers = blockersOf.get(k) ?? [];
        const names = pods.map((p) => p.workload?.display ?? p.name);
        const tcpOnly = missing === `TCP ${port}`;
        const others = engine.isolatedEgress(pods[0]).filter((p) => p !== np);
        ctx.report({
          // Without TCP, lookups work until an answer is too large for UDP: a warning, not an outage.
          severity: tcpOnly ? 'warning' : undefined,
          at: np.res.keyAt('spec', 'podSelector'),
          object: np.res,
          message: tcpOnly
            ? `${np.res.displayShort} isolates ${list(names, 3)} for egress and allows DNS over UDP only: ${missing} to ${dnsName} is blocked, so lookups whose answers need TCP (large or truncated answers) fail`
            : blockers.length
              ? `${np.res.displayShort} isolates ${list(names, 3)} for egress and allows DNS, but ${list(blockers.map((x) => q(x.name)), 3)} isolate${blockers.length === 1 ? 's' : ''} ${dnsName} for ingress without admitting ${pods.length === 1 ? 'it' : 'them'} on ${missing}: ${pods.length === 1 ? 'it cannot' : 'they cannot'} resolve names`
              : `${np.res.displayShort} isolates ${list(names, 3)} for egress, and no egress rule${others.length ? ` (of ${list([np, ...others].map((x) => q(x.name)), 3)})` : ''} allows ${missing} to ${dnsName}: ${pods.length === 1 ? 'it cannot' : 'they cannot'} resolve names`,
          related: [
            ...pods.slice(0, 5).map((p) => ({ at: p.workload!.labelsLoc, message: `pods of ${p.workload!.display}` })),
            ...blockers.slice(0, 3).map((p) => ({ at: p.res.keyAt('spec', 'podSelector'), message: `isolates the DNS pods: ${p.res.display}` })),
          ],
        });
      }
    }
  },
);
