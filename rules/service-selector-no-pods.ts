import { defineRule } from '../src/engine/types.js';
import type { RelatedReport, SuggestionReport } from '../src/engine/types.js';
import { labelsText, list, q } from '../src/engine/text.js';
import { selectorFromMap } from '../src/model/selector.js';

export default defineRule(
  {
    id: 'service-selector-no-pods',
    severity: 'error',
    description: "A Service's selector matches no pod template in its namespace, so the Service has no endpoints.",
  },
  (ctx) => {
    for (const svc of ctx.model.services) {
      if (!svc.selector || svc.type === 'ExternalName') continue;
      if (ctx.graph.podsOf(svc).length > 0) continue;
      const sel = selectorFromMap(svc.selector);
      const selText = labelsText(svc.selector);
      const res = svc.res;

      // Pods an operator will create from a custom resource's label map.
      const ops = ctx.graph.operatorMatches(svc.namespace, sel);
      if (ops.length > 0) {
        const op = ops[0];
        ctx.report({
          at: res.keyAt('spec', 'selector'),
          object: res,
          severity: 'info',
          message: `${res.displayShort} selects ${selText}: no pod template in the input matches, but ${op.res.displayShort} carries these labels, so its operator creates the pods`,
          related: ops.slice(0, 3).map((o) => ({ at: o.res.at(...o.path), message: `pod labels of ${o.res.display}` })),
        });
        continue;
      }

      // The apex Service of an SMI TrafficSplit: the mesh sends its traffic to the split's backends.
      const split = ctx.model.trafficSplitApex.get(`${svc.namespace}/${svc.name}`);
      if (split) {
        ctx.report({
          at: res.keyAt('spec', 'selector'),
          object: res,
          severity: 'info',
          message: `${res.displayShort} selects ${selText}, which matches no pods; it is the apex of ${split.displayShort}, so the mesh routes its traffic to the split's backends`,
          related: [{ at: split.at('spec', 'service'), message: `apex of ${split.display}` }],
        });
        continue;
      }

      const related: RelatedReport[] = [];
      const suggestions: SuggestionReport[] = [];
      const hints: string[] = [];
      let at = res.keyAt('spec', 'selector');
      const near = ctx.graph.nearestMiss(svc.namespace, svc.selector);
      if (near) {
        const best = near.miss;
        const diffs = best.differences.map((d) =>
          d.actual === undefined ? `has no label ${d.key}` : `has ${d.key}=${d.actual}, not ${q(d.expected)}`,
        );
        hints.push(`closest: ${best.pod.display} ${list(diffs, 3)}`);
        related.push({ at: best.pod.labelsLoc, message: `pod labels of ${best.pod.display}` });
        if (best.differences.length === 1) {
          const d = best.differences[0];
          at = res.at('spec', 'selector', d.key);
          // Only one candidate with one differing fixed label: replacing the value is unambiguous.
          if (near.candidates === 1 && best.pod.labels.get(d.key) === d.actual && d.actual !== undefined) {
            suggestions.push({ title: `Select ${d.key}=${d.actual} (the labels of ${best.pod.display})`, at, replacement: d.actual });
          }
        }
      }
      const elsewhere = ctx.graph.otherNamespacesMatching(svc.namespace, sel);
      if (elsewhere.length > 0) {
        const pod = elsewhere[0].pods[0];
        hints.push(
          `${pod.display} matches, but a Service only selects pods in its own namespace`,
        );
        related.push({ at: pod.labelsLoc, message: `pod labels of ${pod.display}` });
      }
      const tail = hints.length ? `; ${hints.join('; ')}` : '';
      ctx.report({
        at,
        object: res,
        message: `${res.displayShort} selects ${selText} but no pod in namespace ${q(svc.namespace)} has these labels${tail}`,
        related,
        suggestions,
      });
    }
  },
);
