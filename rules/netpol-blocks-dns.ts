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
    const engine = ctx.policy;
    const port = engine.dnsSettings.port;
    const groups = new Map<NetworkPolicy, { pod: NetPod; missing: string }[]>();
    for (const pod of engine.workloadPods) {
      const isolating = engine.isolatedEgress(pod);
      if (isolating.length === 0) continue;
      // A pod whose egress is denied entirely is cut off on purpose: no names to resolve.
      if (isolating.every((np) => np.egress.length === 0)) continue;
      const src = { kind: 'pod' as const, pod };
      // The DNS pods are judged on the port they listen on (5353 on OpenShift): policies see the
      // pod port, not the DNS Service's 53.
      let conn = ConnSet.NONE;
      for (const dns of engine.dnsPods) conn = conn.union(engine.allowed(src, { kind: 'pod', pod: dns }));
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
      // Point at the policy that gives the pod its egress rules: that is where DNS belongs.
      const key = isolating.find((np) => np.egress.length > 0) ?? isolating[0];
      const list = groups.get(key);
      if (list) list.push({ pod, missing });
      else groups.set(key, [{ pod, missing }]);
    }
    const dnsName = engine.dnsPods[0]?.synthetic ? `the cluster DNS (${engine.dnsPods[0].name.replace('/{cluster-dns}', '')} pods ${[...engine.dnsPods[0].labels].map(([k, v]) => `${k}=${v}`).join(',')})` : `DNS pods ${list(engine.dnsPods.map((p) => p.name), 2)}`;
    for (const [np, entries] of groups) {
      const byMissing = new Map<string, NetPod[]>();
      for (const e of entries) byMissing.set(e.missing, [...(byMissing.get(e.missing) ?? []), e.pod]);
      for (const [missing, pods] of byMissing) {
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
            : `${np.res.displayShort} isolates ${list(names, 3)} for egress, and no egress rule${others.length ? ` (of ${list([np, ...others].map((x) => q(x.name)), 3)})` : ''} allows ${missing} to ${dnsName}: ${pods.length === 1 ? 'it cannot' : 'they cannot'} resolve names`,
          related: pods.slice(0, 5).map((p) => ({ at: p.workload!.labelsLoc, message: `pods of ${p.workload!.display}` })),
        });
      }
    }
  },
);
