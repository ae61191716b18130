import { defineRule } from '../src/engine/types.js';
import { policyProblems } from '../src/policy/validate.js';

export default defineRule(
  {
    id: 'netpol-invalid-peer',
    severity: 'error',
    description:
      'A NetworkPolicy peer or port that the API server rejects: an empty peer, ipBlock mixed with selectors, ' +
      'an invalid CIDR or an except outside its cidr, an invalid port, ' +
      'port name or protocol (protocols are upper case), ' +
      'or endPort without a numeric port or below it. The whole policy is rejected: ' +
      'the connectivity analysis leaves it out.',
  },
  (ctx) => {
    for (const np of ctx.model.networkPolicies) {
      const r = np.res;
      const problems = policyProblems(np);
      for (const p of problems) {
        ctx.report({
          at: r.at(...p.path),
          object: r,
          message:
            `${r.displayShort}: ${p.message}; the API server rejects the policy, ` +
            `so it is left out of the connectivity analysis`,
        });
      }
    }
  },
);
