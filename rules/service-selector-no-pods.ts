import { defineRule } from '../src/engine/types.js';
import type { AnyLoc, RelatedReport, Report, SuggestionReport } from '../src/engine/types.js';
import { labelsText, list, q } from '../src/util/text.js';
import type { Service } from '../src/model/model.js';
import { ROLLOUT_HASH, isRolloutTemplate, knativeSelected } from '../src/graph/conventions.js';
import { selectorFromMap } from '../src/model/selector.js';
import type { Selector } from '../src/model/selector.js';
import { namespaceDefaulted } from '../src/model/identity.js';
import { operatorPods } from '../src/graph/operator-pods.js';

/** A finding that waits for the hint about other namespaces. */
interface NoPods {
  svc: Service;
  sel: Selector;
  selText: string;
  at: AnyLoc;
  hints: string[];
  related: RelatedReport[];
  suggestions: SuggestionReport[];
  /**
   * Why the absence of pods is not sure, and how unsure: the namespace holds custom resources
   * whose operators may run pods, or is named by the Service but neither created nor given a pod
   * by the input (an error again when a pod of another namespace matches).
   */
  unsure?: { reason: string; operator: boolean };
}

export default defineRule(
  {
    id: 'service-selector-no-pods',
    severity: 'error',
    description: "A Service's selector matches no pod template in its namespace, so the Service has no endpoints.",
  },
  (ctx) => {
    // Findings in Service order; those that name pods of other namespaces are completed once the
    // selectors of every such Service have been looked up there together.
    const findings: (Report | NoPods)[] = [];
    const pending: NoPods[] = [];
    // Namespaces where the input describes pods (pod templates, or an operator's pod labels).
    const withPods = new Set(ctx.model.podTemplates.filter((p) => !p.workload.superseded).map((p) => p.namespace));
    for (const o of ctx.model.operatorLabels) withPods.add(o.res.namespace ?? '');
    for (const svc of ctx.model.services) {
      if (!svc.selectorLabels || svc.type === 'ExternalName') continue;
      if (ctx.graph.podsOf(svc).length > 0) continue;
      const selector = svc.selector!;
      const sel = selectorFromMap(selector);
      const selText = labelsText(selector);
      const res = svc.res;

      // Pods an operator will create from a custom resource's label map. Argo Rollouts adds
      // rollouts-pod-template-hash to the pods and to its canary/stable Services' selectors.
      const ops = ctx.graph.operatorMatches(
        svc.namespace,
        selector.has(ROLLOUT_HASH) && selector.size > 1
          ? selectorFromMap(new Map([...selector].filter(([k]) => k !== ROLLOUT_HASH)))
          : sel,
      );
      // A Rollout's template is a workload's pod template: its pods exist; so are the pods Knative
      // Serving runs for a Knative Service of the input (selected by the labels it gives them).
      if (ops.some(isRolloutTemplate) || knativeSelected(ctx.model, svc.namespace, selector)) continue;
      if (ops.length > 0) {
        const op = ops[0];
        findings.push({
          at: res.keyAt('spec', 'selector'),
          object: res,
          severity: 'info',
          message:
            `${res.displayShort} selects ${selText}: no pod template in the input matches, ` +
            `but ${op.res.displayShort} carries these labels, so its operator creates the pods`,
          related: ops.slice(0, 3).map((o) => ({ at: o.res.at(...o.path), message: `pod labels of ${o.res.display}` })),
        });
        continue;
      }

      // Pods a workload of the namespace may create itself (its ServiceAccount may create pods).
      const creators = ctx.graph.podCreatorsIn(svc.namespace);
      if (creators.length > 0) {
        const c = creators[0];
        findings.push({
          at: res.keyAt('spec', 'selector'),
          object: res,
          severity: 'info',
          message:
            `${res.displayShort} selects ${selText}: no pod template in the input matches, ` +
            `but ${c.pod.display} runs as a ServiceAccount that may create pods in namespace ${q(svc.namespace)} ` +
            `(${c.binding.displayShort} → ${c.role.displayShort}), so its pods may be created at run time`,
          related: creators
            .slice(0, 3)
            .map((o) => ({ at: o.binding.nameLoc, message: `${o.binding.display} lets ${o.pod.display} create pods` })),
        });
        continue;
      }

      // The apex Service of an SMI TrafficSplit: the mesh sends its traffic to the split's backends.
      const split = ctx.model.trafficSplitApex.get(`${svc.namespace}/${svc.name}`);
      if (split) {
        findings.push({
          at: res.keyAt('spec', 'selector'),
          object: res,
          severity: 'info',
          message:
            `${res.displayShort} selects ${selText}, which matches no pods; ` +
            `it is the apex of ${split.displayShort}, so the mesh routes its traffic to the split's backends`,
          related: [{ at: split.at('spec', 'service'), message: `apex of ${split.display}` }],
        });
        continue;
      }

      // Pods an operator runs for a custom resource that the selector names (its kind, its name).
      const operator = operatorPods(ctx.model, svc.namespace, selector);
      if (operator.named) {
        const { res: cr, by } = operator.named;
        findings.push({
          at: res.keyAt('spec', 'selector'),
          object: res,
          severity: 'info',
          message:
            `${res.displayShort} selects ${selText}: no pod template in the input matches, but the selector ` +
            `names ${cr.displayShort} (${by}), a custom resource whose operator may run pods with these labels`,
          related: [{ at: cr.nameLoc, message: `${cr.display}, made into pods by its operator` }],
        });
        continue;
      }

      const finding: NoPods = {
        svc,
        sel,
        selText,
        at: res.keyAt('spec', 'selector'),
        hints: [],
        related: [],
        suggestions: [],
      };
      if (operator.candidates.length > 0) {
        const names = operator.candidates.map((r) => r.displayShort);
        finding.unsure = {
          operator: true,
          reason:
            `the namespace holds custom resources whose operators may run pods with these labels ` +
            `(${list(names, 3)}), which the input does not describe`,
        };
      } else if (
        !withPods.has(svc.namespace) &&
        !namespaceDefaulted(res) &&
        !ctx.model.namespaces.get(svc.namespace)?.res
      ) {
        // Put into a namespace that the input neither creates nor gives pods: another install's.
        finding.unsure = {
          operator: false,
          reason:
            `these manifests neither create namespace ${q(svc.namespace)} nor define a workload in it ` +
            `(its pods may be deployed by other manifests)`,
        };
      }
      const near = ctx.graph.nearestMiss(svc.namespace, selector);
      if (near) {
        const best = near.miss;
        const diffs = best.differences.map((d) =>
          d.actual === undefined ? `has no label ${d.key}` : `has ${d.key}=${d.actual}, not ${q(d.expected)}`,
        );
        finding.hints.push(`closest: ${best.pod.display} ${list(diffs, 3)}`);
        finding.related.push({ at: best.pod.labelsLoc, message: `pod labels of ${best.pod.display}` });
        if (best.differences.length === 1) {
          const d = best.differences[0];
          const at = res.at('spec', 'selector', d.key);
          finding.at = at;
          // Only one candidate with one differing fixed label: replacing the value is unambiguous.
          if (near.candidates === 1 && best.pod.label(d.key) === d.actual && d.actual !== undefined) {
            finding.suggestions.push({
              title: `Select ${d.key}=${d.actual} (the labels of ${best.pod.display})`,
              at,
              replacement: d.actual,
            });
          }
        }
      }
      findings.push(finding);
      pending.push(finding);
    }

    const elsewhere = ctx.graph.otherNamespacesMatchingEach(
      pending.map((f) => ({ namespace: f.svc.namespace, selector: f.sel })),
    );
    for (let i = 0; i < pending.length; i++) {
      if (elsewhere[i].length === 0) continue;
      // A slip of namespace: the absence is sure.
      if (!pending[i].unsure?.operator) pending[i].unsure = undefined;
      const pod = elsewhere[i][0].pods[0];
      pending[i].hints.push(`${pod.display} matches, but a Service only selects pods in its own namespace`);
      pending[i].related.push({ at: pod.labelsLoc, message: `pod labels of ${pod.display}` });
    }

    for (const f of findings) {
      if (!('svc' in f)) {
        ctx.report(f);
        continue;
      }
      const res = f.svc.res;
      const tail = [...f.hints, ...(f.unsure ? [f.unsure.reason] : [])].map((h) => `; ${h}`).join('');
      ctx.report({
        at: f.at,
        object: res,
        severity: f.unsure ? 'warning' : undefined,
        message:
          `${res.displayShort} selects ${f.selText} but no pod in namespace ${q(f.svc.namespace)} has these ` +
          `labels${tail}`,
        related: f.related,
        suggestions: f.suggestions,
      });
    }
  },
);
