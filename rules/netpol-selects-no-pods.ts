import { defineRule } from '../src/engine/types.js';
import { q } from '../src/engine/text.js';
import { madeAtRunTime } from '../src/graph/run-time-pods.js';
import { formatSelector, isEmptySelector } from '../src/model/selector.js';

export default defineRule(
  {
    id: 'netpol-selects-no-pods',
    severity: 'warning',
    description: "A NetworkPolicy's podSelector matches none of the workloads of its namespace, so it protects nothing.",
  },
  (ctx) => {
    for (const np of ctx.model.networkPolicies) {
      // {} selects the whole namespace, whatever is deployed in it later.
      if (isEmptySelector(np.podSelector)) continue;
      const inNamespace = ctx.graph.pods.all(np.namespace);
      // A namespace whose workloads are not part of the input cannot be judged.
      if (inNamespace.length === 0) continue;
      if (ctx.graph.select(np.namespace, np.podSelector).length > 0) continue;
      // Pods an operator labels from a custom resource are as real as a workload's.
      if (ctx.graph.operatorMatches(np.namespace, np.podSelector).length > 0) continue;
      const made = madeAtRunTime(ctx.graph, np.namespace, np.podSelector);
      if (made) {
        ctx.report({
          at: np.res.keyAt('spec', 'podSelector'),
          object: np.res,
          severity: 'info',
          message: `${np.res.displayShort} selects ${formatSelector(np.podSelector)}: no pod template in the input matches, but ${made.text}`,
          related: [made.related],
        });
        continue;
      }
      const near = np.podSelector.matchLabels.length ? ctx.graph.nearestMiss(np.namespace, new Map(np.podSelector.matchLabels))?.miss : undefined;
      const hint = near
        ? `; closest: ${near.pod.display} ${near.differences.map((d) => (d.actual === undefined ? `has no label ${d.key}` : `has ${d.key}=${d.actual}`)).join(', ')}`
        : '';
      ctx.report({
        at: np.res.keyAt('spec', 'podSelector'),
        object: np.res,
        message: `${np.res.displayShort} selects ${formatSelector(np.podSelector)}, which matches none of the ${inNamespace.length} workloads in namespace ${q(np.namespace)}${hint}`,
        related: near ? [{ at: near.pod.labelsLoc, message: `pod labels of ${near.pod.display}` }] : [],
      });
    }
  },
);
