import { defineRule } from '../src/engine/types.js';
import type { Loc } from '../src/load/source.js';
import { list, q } from '../src/util/text.js';
import { formatSelector, labelledMap, requirementMatches } from '../src/model/selector.js';

export default defineRule(
  {
    id: 'workload-selector-mismatch',
    severity: 'error',
    description:
      "A controller's spec.selector is missing, empty, " +
      "or does not match its own pod template's labels (the API server rejects it).",
  },
  (ctx) => {
    for (const pod of ctx.model.podTemplates) {
      const w = pod.workload;
      const cs = pod.controllerSelector;
      if (!cs) {
        if (pod.selectorRequired && pod.labels.size === 0) {
          // Neither a selector nor labels to select: a partial object, applied over one defined
          // elsewhere (the shape of a patch), or one that cannot be created. Which, the input does not say.
          ctx.report({
            at: w.keyAt('spec'),
            object: w,
            severity: 'warning',
            message:
              `${w.displayShort}: spec.selector is required in ${w.apiVersion}, and the pod template has no labels ` +
              `either: the API server rejects it as an object of its own; it reads as a partial ${w.kind} to apply ` +
              `over one defined elsewhere, which these manifests do not have`,
          });
        } else if (pod.selectorRequired) {
          ctx.report({
            at: w.keyAt('spec'),
            object: w,
            message: `${w.displayShort}: spec.selector is required in ${w.apiVersion}; set it to the template's labels`,
            related: [{ at: pod.labelsLoc, message: 'pod template labels' }],
          });
        }
        continue;
      }
      if (cs.empty) {
        // A Job accepts an empty selector: the API server adds its generated controller-uid label.
        if (pod.selectorRequired) {
          ctx.report({
            at: w.at(...cs.path),
            object: w,
            message: `${w.displayShort}: an empty spec.selector is invalid; it must select the template's labels`,
            related: [{ at: pod.labelsLoc, message: 'pod template labels' }],
          });
        }
        continue;
      }
      // Nearly every selector matches: the problems (and where to point) are gathered when not.
      let problems: string[] | undefined;
      let at: Loc | undefined;
      for (const [k, v] of cs.selector.matchLabels) {
        const actual = pod.label(k);
        if (actual === v) continue;
        (problems ??= []).push(
          actual === undefined ? `template has no label ${k}` : `template has ${k}=${actual}, not ${q(v)}`,
        );
        if (problems.length === 1) {
          at = pod.workloadKind === 'ReplicationController' ? w.at(...cs.path, k) : w.at(...cs.path, 'matchLabels', k);
        }
      }
      const labels = cs.selector.expressions.length ? labelledMap(pod.labels) : undefined;
      for (const r of cs.selector.expressions) {
        if (!requirementMatches(r, labels!))
          (problems ??= []).push(`template does not satisfy ${formatSelector({ matchLabels: [], expressions: [r] })}`);
      }
      if (problems === undefined) continue;
      ctx.report({
        at: at ?? w.at(...cs.path),
        object: w,
        message:
          `${w.displayShort}: spec.selector does not match the pod template's labels (${list(problems, 3)}); ` +
          `the API server rejects it`,
        related: [{ at: pod.labelsLoc, message: 'pod template labels' }],
      });
    }
  },
);
