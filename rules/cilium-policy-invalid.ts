import { defineRule } from '../src/engine/types.js';
import type { CiliumSection } from '../src/model/cilium.js';

export default defineRule(
  {
    id: 'cilium-policy-invalid',
    severity: 'error',
    description:
      'A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy that the Cilium agent rejects or cannot enforce: ' +
      'an invalid CIDR, port or entity, L7 rules on a port range or on UDP, ' +
      'a rule without endpointSelector/nodeSelector, toFQDNs without a DNS rule to learn the addresses.',
  },
  (ctx) => {
    const policies = ctx.model.ciliumPolicies;
    if (policies.length === 0) return;
    for (const p of policies) {
      for (const problem of p.problems) {
        ctx.report({
          at: p.res.at(...problem.path),
          object: p.res,
          message: `${p.res.displayShort}: ${problem.message}`,
        });
      }
    }
    // toFQDNs: the agent learns the addresses of the names from the DNS answers its DNS proxy sees,
    // so the selected pods need an egress rule with DNS rules (`rules.dns`) towards the DNS server.
    const dnsSections: CiliumSection[] = policies.flatMap((p) =>
      p.sections().filter((s) => s.direction === 'egress' && !s.deny && s.dnsRules),
    );
    const podsOf = (s: CiliumSection) =>
      s.rule.subject ? ctx.policy.selectedPods(s.rule.subject.namespaceSelector, s.rule.subject.podSelector) : [];
    const dnsPods = new Set(dnsSections.flatMap(podsOf));
    for (const p of policies) {
      for (const s of p.sections()) {
        const fqdn = s.unmodelled.find((u) => u.path[u.path.length - 1] === 'toFQDNs');
        if (!fqdn || s.deny || !s.rule.subject) continue;
        const pods = podsOf(s);
        const covered = pods.length
          ? pods.every((pod) => dnsPods.has(pod))
          : dnsSections.some((d) => d.rule.policy === p);
        if (covered) continue;
        const missing = pods.filter((pod) => !dnsPods.has(pod));
        ctx.report({
          at: p.res.at(...fqdn.path),
          object: p.res,
          message:
            `${p.res.displayShort}: toFQDNs only works when the DNS proxy sees the lookups, ` +
            `but no Cilium egress rule with DNS rules (toPorts.rules.dns on port 53) selects ${
              missing.length
                ? missing
                    .slice(0, 3)
                    .map((x) => x.workload?.display ?? x.name)
                    .join(', ')
                : 'its pods'
            }: the names never resolve to allowed addresses`,
        });
      }
    }
  },
);
