import { defineRule } from '../src/engine/types.js';
import { analysisGaps } from '../src/policy/gaps.js';

export default defineRule(
  {
    id: 'netpol-not-analysed',
    severity: 'info',
    description:
      'Something that changes who may talk to whom but that the connectivity analysis does not model: ' +
      'a policy kind it does not read (Calico, Antrea, MultiNetworkPolicy, UserDefinedNetwork, Istio or ' +
      'Linkerd authorization), a Linkerd default inbound policy that refuses clients, a Cilium host policy, ' +
      'an IPv6 ipBlock, or a hostNetwork pod where policies are in use.',
  },
  (ctx) => {
    // Without the graph: a finding says nothing of the pods a gap may affect (its scope), which
    // would cost a selection per policy.
    for (const gap of analysisGaps(ctx.model)) {
      // Rejected policies are errors of their own (netpol-invalid-peer).
      if (gap.kind === 'rejected-policy') continue;
      // Parts of modelled policies, and admin-tier and Cilium policies together: gaps of the
      // network commands' answer (their warnings, explain), not of the manifests.
      if (gap.kind === 'policy-part' || gap.kind === 'mixed-plugins') continue;
      for (const item of gap.items) ctx.report({ at: item.loc, object: item.res, message: item.message });
    }
  },
);
