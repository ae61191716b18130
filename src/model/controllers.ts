/**
 * The labels controllers add to the pods they make (and to the ReplicaSets and Jobs in between),
 * whose values the manifests do not hold: a pod template carries them as `dynamicLabels`, and
 * folding live objects into their owner (owners.ts) does not compare them.
 */
import type { WorkloadKind } from './kinds.js';
import { asInt, asMap, sharedMap } from './resource.js';
import type { Resource } from './resource.js';

/** A label whose value the controller sets on each pod (known pattern or unknown value). */
export interface DynamicLabel {
  /** Human description, e.g. `web-<0..2>`. */
  describe: string;
  matches(value: string): boolean;
}

/**
 * The keys of every label that `controllerLabels` gives, for any kind: not compared when deciding
 * whether pods fold into their owner's template.
 */
export const CONTROLLER_LABEL_KEYS: ReadonlySet<string> = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'job-name',
  'batch.kubernetes.io/job-name',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

const anyValue = (describe: string): DynamicLabel => Object.freeze({ describe, matches: () => true });
const ANY_HASH = anyValue('<hash>');
const ANY_UID = anyValue('<uid>');
const NO_DYNAMIC_LABELS: Map<string, DynamicLabel> = sharedMap();
// Controllers whose labels do not depend on the workload share one map per kind.
const DEPLOYMENT_LABELS: Map<string, DynamicLabel> = sharedMap([['pod-template-hash', ANY_HASH]]);
const DAEMONSET_LABELS: Map<string, DynamicLabel> = sharedMap([
  ['controller-revision-hash', ANY_HASH],
  ['pod-template-generation', anyValue('<generation>')],
]);
const ANY_INDEX = anyValue('<index>');
const ORDINAL = /^(0|[1-9][0-9]*)$/;
const DIGITS = /^\d+$/;

/** Labels the controller of a workload adds to each of its pods. */
export function controllerLabels(r: Resource, kind: WorkloadKind): Map<string, DynamicLabel> {
  const spec = asMap(r.raw.spec);
  switch (kind) {
    case 'Deployment':
      return DEPLOYMENT_LABELS;
    case 'DaemonSet':
      return DAEMONSET_LABELS;
    case 'StatefulSet': {
      // Without an explicit replica count (an autoscaler may own it) any ordinal is possible.
      // Ordinals run from spec.ordinals.start (default 0) for spec.replicas pods.
      const replicas = asInt(spec?.replicas);
      const start = Math.max(0, asInt(asMap(spec?.ordinals)?.start) ?? 0);
      const ordinal = (v: string) =>
        ORDINAL.test(v) && Number(v) >= start && (replicas === undefined || Number(v) < start + replicas);
      const range =
        replicas === undefined
          ? start
            ? `<${start}..>`
            : '<n>'
          : replicas <= 1
            ? String(start)
            : `<${start}..${start + replicas - 1}>`;
      const prefix = `${r.name}-`;
      return new Map<string, DynamicLabel>([
        [
          'statefulset.kubernetes.io/pod-name',
          { describe: `${prefix}${range}`, matches: (v) => v.startsWith(prefix) && ordinal(v.slice(prefix.length)) },
        ],
        ['apps.kubernetes.io/pod-index', { describe: range, matches: ordinal }],
        ['controller-revision-hash', ANY_HASH],
      ]);
    }
    case 'Job': {
      const name = r.name;
      const jobName: DynamicLabel = { describe: name, matches: (v) => v === name };
      const labels = new Map<string, DynamicLabel>([
        ['job-name', jobName],
        ['batch.kubernetes.io/job-name', jobName],
        ['controller-uid', ANY_UID],
        ['batch.kubernetes.io/controller-uid', ANY_UID],
      ]);
      if (spec?.completionMode === 'Indexed') labels.set('batch.kubernetes.io/job-completion-index', ANY_INDEX);
      return labels;
    }
    case 'CronJob': {
      // Jobs of a CronJob are named <cronjob>-<scheduled time>.
      const name = r.name;
      const jobName: DynamicLabel = {
        describe: `${name}-<time>`,
        matches: (v) => v.startsWith(`${name}-`) && DIGITS.test(v.slice(name.length + 1)),
      };
      return new Map<string, DynamicLabel>([
        ['job-name', jobName],
        ['batch.kubernetes.io/job-name', jobName],
        ['controller-uid', ANY_UID],
        ['batch.kubernetes.io/controller-uid', ANY_UID],
      ]);
    }
    default:
      return NO_DYNAMIC_LABELS;
  }
}
