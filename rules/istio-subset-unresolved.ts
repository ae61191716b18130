import { defineRule } from '../src/engine/types.js';
import { labelsText, list, q } from '../src/util/text.js';
import { destinationRulesFor, serviceOfHost } from '../src/graph/istio.js';
import { definitionsOf } from '../src/model/identity.js';
import { asArray, asMap } from '../src/model/resource.js';

export default defineRule(
  {
    id: 'istio-subset-unresolved',
    severity: 'error',
    description:
      'An Istio VirtualService destination subset is defined by no DestinationRule of its host, ' +
      "or the subset's labels select no pod of the host's Service.",
  },
  (ctx) => {
    for (const vs of ctx.model.consumers.virtualServices) {
      if (vs.res.superseded) continue;
      for (const d of vs.destinations) {
        if (!d.subset) continue;
        const target = serviceOfHost(d.host, vs.namespace);
        const svc = target && ctx.graph.service(target.namespace, target.name);
        if (!svc) continue;
        const who = `${vs.res.displayShort} ${d.section} destination ${q(d.host)} subset ${q(d.subset)}`;
        const at = vs.res.at(...d.path, 'subset');
        const rules = destinationRulesFor(ctx.graph, svc);
        const subset = rules.flatMap((r) => r.subsets.map((s) => ({ rule: r, s }))).find((x) => x.s.name === d.subset);
        if (!subset) {
          const known = rules.flatMap((r) => r.subsets.map((s) => q(s.name)));
          // Another definition of one of these DestinationRules (an alternative file) defines it.
          const other = rules
            .flatMap((r) => definitionsOf(ctx.model, r.res))
            .find((def) => asArray(asMap(def.raw.spec)?.subsets).some((x) => asMap(x)?.name === d.subset));
          ctx.report({
            at,
            object: vs.res,
            // No DestinationRule at all in the input: it may be applied separately.
            severity: rules.length === 0 || other ? 'warning' : undefined,
            message:
              rules.length === 0
                ? `${who}: no DestinationRule of the input has host ${q(svc.name)}, ` +
                  `so nothing here defines the subset; without one, ` +
                  `requests routed there fail with 503 (no healthy upstream)`
                : `${who}: the DestinationRule${rules.length === 1 ? '' : 's'} of host ${q(svc.name)} (${list(
                    rules.map((r) => q(r.res.name)),
                    3,
                  )}) ` +
                  `define${rules.length === 1 ? 's' : ''} ${
                    known.length ? `subsets ${list(known)}` : 'no subsets'
                  }, not ${q(d.subset)}; requests routed there fail with 503` +
                  (other
                    ? `; another definition of ${other.displayShort}, in ${other.file.path}, defines it: ` +
                      `the subset exists if that file is applied last`
                    : ''),
            related: rules
              .slice(0, 2)
              .map((r) => ({ at: r.res.keyAt('spec', 'subsets'), message: `subsets of ${r.res.display}` })),
          });
          continue;
        }
        const pods = ctx.graph.podsOf(svc);
        if (pods.length === 0 || subset.s.labels.size === 0) continue;
        const inSubset = pods.filter((p) => [...subset.s.labels].every(([k, v]) => p.hasLabel(k, v)));
        if (inSubset.length > 0) continue;
        ctx.report({
          at,
          object: vs.res,
          message:
            `${who}: the subset's labels ${labelsText(subset.s.labels)} ` +
            `(DestinationRule ${q(subset.rule.res.name)}) select none of the pods of Service ${q(svc.name)} (${list(
              pods.map((p) => p.display),
              3,
            )}); requests routed there fail with 503`,
          related: [{ at: subset.rule.res.at(...subset.s.path), message: `subset of ${subset.rule.res.display}` }],
        });
      }
    }
  },
);
