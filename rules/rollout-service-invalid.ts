import { defineRule } from '../src/engine/types.js';
import { closest, labelsText, q } from '../src/util/text.js';

/** The label the Rollouts controller adds to its pods, and to the selectors of the Services it names. */
const HASH = 'rollouts-pod-template-hash';

export default defineRule(
  {
    id: 'rollout-service-invalid',
    severity: 'error',
    description:
      "An Argo Rollout's canary, stable, active or preview Service does not exist, " +
      "or its selector does not select the Rollout's pods.",
  },
  (ctx) => {
    for (const ro of ctx.model.consumers.rollouts) {
      if (ro.res.superseded || ro.services.length === 0) continue;
      let labels = ro.templateLabels;
      if (!labels && ro.workloadRef) {
        // The pods come from the template of a Deployment (or ReplicaSet) of the input.
        const ref = ro.workloadRef;
        labels = ctx.model.podTemplates.find(
          (t) =>
            t.workloadKind === ref.kind &&
            t.workload.name === ref.name &&
            t.namespace === ro.namespace &&
            !t.workload.superseded,
        )?.labels;
      }
      for (const ref of ro.services) {
        const svc = ctx.graph.service(ro.namespace, ref.name);
        const at = ro.res.at(...ref.path);
        if (!svc) {
          const fix = closest(ref.name, ctx.graph.serviceNamesIn(ro.namespace));
          ctx.report({
            at,
            object: ro.res,
            message:
              `${ro.res.displayShort}: ${ref.field} ${q(ref.name)} is not a Service of ` +
              `namespace ${q(ro.namespace)}${fix ? `; did you mean ${q(fix)}?` : ''}; ` +
              `the Rollout stays degraded (InvalidSpec) until it exists`,
            suggestions: fix ? [{ title: `Use Service "${fix}"`, at, replacement: fix }] : [],
          });
          continue;
        }
        const selector = svc.selector;
        if (!labels || !selector) continue;
        const missing = [...selector].filter(([k, v]) => k !== HASH && labels.get(k) !== v);
        if (missing.length === 0) continue;
        ctx.report({
          at,
          object: ro.res,
          message:
            `${ro.res.displayShort}: ${ref.field} ${q(ref.name)} selects ${labelsText(selector)}, ` +
            `but the Rollout's pods carry ${labelsText(labels)} (missing ${labelsText(missing)}); ` +
            `the controller only adds ${HASH} to the selector, so the Service reaches none of the Rollout's pods`,
          related: [{ at: svc.res.keyAt('spec', 'selector'), message: `selector of ${svc.res.display}` }],
        });
      }
    }
  },
);
