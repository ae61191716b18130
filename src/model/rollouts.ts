/** Typed view of an Argo Rollout (argoproj.io): its pod labels and the Services its strategy names. */
import type { Path } from '../load/source.js';
import { DEFAULT_NAMESPACE } from './defaults.js';
import { asMap, asString, stringMap } from './resource.js';
import type { Resource } from './resource.js';

export interface RolloutServiceRef {
  /** canaryService, stableService, activeService, previewService. */
  field: string;
  name: string;
  path: Path;
}

export interface RolloutInfo {
  res: Resource;
  namespace: string;
  /** Labels of `spec.template`, or undefined when the pods come from `spec.workloadRef`. */
  templateLabels?: Map<string, string>;
  /** `spec.workloadRef` (a Deployment or ReplicaSet whose template the Rollout uses). */
  workloadRef?: { kind: string; name: string };
  services: RolloutServiceRef[];
  /**
   * `spec.strategy.canary.trafficRouting.alb`: the controller writes the AWS Load Balancer
   * Controller action `action` (rootService, else stableService) as the annotation
   * `alb.ingress.kubernetes.io/actions.<action>` of these Ingresses of its namespace.
   */
  alb?: { ingresses: string[]; action: string };
}

const FIELDS: Record<string, readonly string[]> = {
  canary: ['stableService', 'canaryService'],
  blueGreen: ['activeService', 'previewService'],
};

export function rolloutFrom(res: Resource): RolloutInfo {
  const spec = asMap(res.raw.spec) ?? {};
  const template = asMap(spec.template);
  const ref = asMap(spec.workloadRef);
  const strategy = asMap(spec.strategy) ?? {};
  const services: RolloutServiceRef[] = [];
  for (const [kind, fields] of Object.entries(FIELDS)) {
    const s = asMap(strategy[kind]);
    if (!s) continue;
    for (const field of fields) {
      const name = asString(s[field]);
      if (name) services.push({ field, name, path: ['spec', 'strategy', kind, field] });
    }
  }
  const canary = asMap(strategy.canary);
  const alb = asMap(asMap(canary?.trafficRouting)?.alb);
  const action = asString(alb?.rootService) ?? asString(canary?.stableService);
  const ingresses = [asString(alb?.ingress), ...(Array.isArray(alb?.ingresses) ? alb.ingresses.map(asString) : [])];
  return {
    res,
    namespace: res.namespace ?? DEFAULT_NAMESPACE,
    templateLabels: template ? stringMap(asMap(template.metadata)?.labels) : undefined,
    workloadRef:
      ref && asString(ref.name) ? { kind: asString(ref.kind) ?? 'Deployment', name: asString(ref.name)! } : undefined,
    services,
    alb: alb && action ? { ingresses: ingresses.filter((n): n is string => n !== undefined), action } : undefined,
  };
}
