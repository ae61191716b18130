import { defineRule } from '../src/engine/types.js';
import type { RuleContext } from '../src/engine/types.js';
import { q } from '../src/util/text.js';
import { madeAtRunTime } from '../src/graph/run-time-pods.js';
import type { Loc } from '../src/load/source.js';
import type { Resource } from '../src/model/resource.js';
import { formatSelector, isEmptySelector } from '../src/model/selector.js';
import type { Selector } from '../src/model/selector.js';
import { namespacesNamed } from '../src/policy/admin.js';

export default defineRule(
  {
    id: 'netpol-selects-no-pods',
    severity: 'warning',
    description:
      "A NetworkPolicy's podSelector (or an AdminNetworkPolicy's, ClusterNetworkPolicy's or Cilium policy's " +
      'subject) matches none of the workloads of the input, so it protects nothing.',
  },
  (ctx) => {
    for (const np of ctx.model.networkPolicies) {
      // {} selects the whole namespace, whatever is deployed in it later.
      if (isEmptySelector(np.podSelector)) continue;
      const inNamespace = ctx.graph.pods.all(np.namespace);
      // A namespace whose workloads are not part of the input cannot be judged.
      if (inNamespace.length === 0) continue;
      // Pods an operator labels from a custom resource are as real as a workload's.
      if (ctx.graph.selectsAnyPod(np.namespace, np.podSelector)) continue;
      const made = madeAtRunTime(ctx.graph, np.namespace, np.podSelector);
      if (made) {
        ctx.report({
          at: np.res.keyAt('spec', 'podSelector'),
          object: np.res,
          severity: 'info',
          message:
            `${np.res.displayShort} selects ${formatSelector(np.podSelector)}: no pod template in the input ` +
            `matches, but ${made.text}`,
          related: [made.related],
        });
        continue;
      }
      const near = np.podSelector.matchLabels.length
        ? ctx.graph.nearestMiss(np.namespace, new Map(np.podSelector.matchLabels))?.miss
        : undefined;
      const differences = near?.differences.map((d) =>
        d.actual === undefined ? `has no label ${d.key}` : `has ${d.key}=${d.actual}`,
      );
      const hint = near ? `; closest: ${near.pod.display} ${differences!.join(', ')}` : '';
      ctx.report({
        at: np.res.keyAt('spec', 'podSelector'),
        object: np.res,
        message:
          `${np.res.displayShort} selects ${formatSelector(np.podSelector)}, which matches none of the ` +
          `${inNamespace.length} workloads in namespace ${q(np.namespace)}${hint}`,
        related: near ? [{ at: near.pod.labelsLoc, message: `pod labels of ${near.pod.display}` }] : [],
      });
    }
    for (const p of ctx.model.adminPolicies) {
      if (p.res.superseded || !p.subject) continue;
      checkClusterSubject(
        ctx,
        p.res,
        p.res.keyAt(...p.subject.path),
        `${p.kind} subject`,
        p.subject.namespaceSelector,
        p.subject.podSelector,
      );
    }
    for (const cp of ctx.model.ciliumPolicies) {
      if (cp.res.superseded) continue;
      for (const rule of cp.rules) {
        // nodeSelector rules select hosts, which are out of scope.
        if (!rule.subject) continue;
        const at = cp.res.keyAt(...rule.path, 'endpointSelector');
        checkClusterSubject(
          ctx,
          cp.res,
          at,
          `${cp.kind} endpointSelector`,
          rule.subject.namespaceSelector,
          rule.subject.podSelector,
        );
      }
    }
  },
);

/**
 * A subject given as a namespace part and a pod part (cluster-scoped policies, Cilium endpoint
 * selectors). Namespaces outside the input may hold the pods unless the selector names its
 * namespaces and the input shows their workloads: only then is "selects nothing" a warning.
 */
function checkClusterSubject(
  ctx: RuleContext,
  res: Resource,
  at: Loc,
  what: string,
  nsSel: Selector,
  podSel: Selector | undefined,
): void {
  const namespaces = ctx.policy.namespacesMatching(nsSel).filter((ns) => !ns.startsWith('{'));
  const pods = podSel && !isEmptySelector(podSel) ? podSel : undefined;
  const shown = `${what} ${formatSelector(nsSel)}${pods ? ` / ${formatSelector(pods)}` : ''}`;
  if (namespaces.length === 0) {
    // Namespaces the input does not define are no evidence: a selector naming them is skipped, and
    // one matching labels is judged only against the Namespace objects of the input (info).
    if (namespacesNamed(nsSel) !== undefined || !hasNamespaceObjects(ctx)) return;
    ctx.report({
      at,
      object: res,
      severity: 'info',
      message:
        `${res.displayShort}: ${shown} matches no namespace of the input, so nothing of the input is selected ` +
        `(namespaces defined elsewhere may match)`,
    });
    return;
  }
  // Judge only where the input shows every selected namespace's workloads.
  if (namespaces.some((ns) => ctx.graph.pods.all(ns).length === 0)) return;
  if (!pods) return;
  if (namespaces.some((ns) => ctx.graph.selectsAnyPod(ns, pods))) return;
  for (const ns of namespaces) {
    const made = madeAtRunTime(ctx.graph, ns, pods);
    if (made) {
      ctx.report({
        at,
        object: res,
        severity: 'info',
        message: `${res.displayShort}: ${shown} matches no pod template of the input, but ${made.text}`,
        related: [made.related],
      });
      return;
    }
  }
  const named = namespacesNamed(nsSel);
  const where = namespaces.length === 1 ? `namespace ${q(namespaces[0])}` : `${namespaces.length} namespaces`;
  ctx.report({
    at,
    object: res,
    severity: named ? undefined : 'info',
    message: named
      ? `${res.displayShort}: ${shown} matches none of the workloads in ${where}, so it applies to nothing`
      : `${res.displayShort}: ${shown} matches no pod of the input's ${where}; it selects namespaces by label, so ` +
        `pods elsewhere in the cluster may match`,
  });
}

function hasNamespaceObjects(ctx: RuleContext): boolean {
  for (const ns of ctx.model.namespaces.values()) if (ns.res) return true;
  return false;
}
