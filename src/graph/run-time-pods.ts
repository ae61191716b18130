/**
 * Pods the input does not describe but that will exist: labelled by an operator from a custom
 * resource's label map, or created by a workload whose ServiceAccount may create pods.
 */
import type { Loc } from '../load/source.js';
import type { Selector } from '../model/selector.js';
import type { Graph } from './graph.js';

/**
 * Why pods matching `sel` in `namespace` may exist at run time (for an info finding), if they may:
 * an operator's label map first, then a workload allowed to create pods.
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
  return undefined;
}
