/**
 * Pods the input does not describe but that will exist: labelled by an operator from a custom
 * resource's label map, created by a workload whose ServiceAccount may create pods, or run by an
 * operator for a custom resource that the selector names (./operator-pods.ts).
 */
import type { Loc } from '../load/source.js';
import type { Selector } from '../model/selector.js';
import type { Graph } from './graph.js';
import { operatorPods } from './operator-pods.js';

/** The labels a selector fixes: its matchLabels, and `In` expressions of one value. */
function fixedLabels(sel: Selector): Map<string, string> {
  const out = new Map(sel.matchLabels);
  for (const e of sel.expressions) if (e.op === 'In' && e.values.length === 1) out.set(e.key, e.values[0]);
  return out;
}

/**
 * Why pods matching `sel` in `namespace` may exist at run time (for an info finding), if they may:
 * an operator's label map first, then a workload allowed to create pods, then a custom resource
 * that the selector names.
 */
export function madeAtRunTime(
  graph: Graph,
  namespace: string,
  sel: Selector,
): { text: string; related: { at: Loc; message: string } } | undefined {
  const ops = graph.operatorMatches(namespace, sel);
  if (ops.length > 0) {
    const op = ops[0];
    return {
      text: `${op.res.displayShort} carries these labels at ${op.path.join('.')}, so its operator creates the pods`,
      related: { at: op.res.at(...op.path), message: `pod labels of ${op.res.display}` },
    };
  }
  const creators = graph.podCreatorsIn(namespace);
  if (creators.length > 0) {
    const c = creators[0];
    return {
      text: `${c.pod.display} runs as a ServiceAccount that may create pods in namespace "${namespace}" (${c.binding.displayShort} → ${c.role.displayShort}), so such pods may be created at run time`,
      related: { at: c.binding.nameLoc, message: `${c.binding.display} lets ${c.pod.display} create pods` },
    };
  }
  const fixed = fixedLabels(sel);
  const named = fixed.size > 0 ? operatorPods(graph.model, namespace, fixed).named : undefined;
  if (named) {
    const cr = named.res;
    return {
      text:
        `the selector names ${cr.displayShort} (${named.by}), a custom resource whose operator may run pods ` +
        `with these labels`,
      related: { at: cr.nameLoc, message: `${cr.display}, made into pods by its operator` },
    };
  }
  return undefined;
}
