/**
 * Conventions of controllers that create or rewrite Services and pods at run time.
 *
 * - Knative Serving: a `serving.knative.dev` Service (or Route) named X makes the Kubernetes
 *   Services X (an ExternalName to the ingress gateway) and, per Revision X-00001, the Services
 *   X-00001 and X-00001-private in its namespace.
 * - Argo Rollouts: a Rollout's `spec.template` is its pods' template; the controller adds
 *   `rollouts-pod-template-hash` to the pods and to the selectors of its canary/stable
 *   (active/preview) Services.
 * - AWS Load Balancer Controller: an Ingress backend with `port.name: use-annotation` names an
 *   action, defined by the Ingress annotation `alb.ingress.kubernetes.io/actions.<name>`.
 */
import type { Model, OperatorLabels } from '../model/model.js';
import type { IngressBackend } from '../model/network.js';
import type { Resource } from '../model/resource.js';

const KNATIVE = 'serving.knative.dev';
const REVISION = /^(.+)-\d{5}(-private)?$/;
export const ROLLOUT_HASH = 'rollouts-pod-template-hash';

const knativeCache = new WeakMap<Model, Map<string, Resource>>();

/** The Knative Service or Route of the input that makes the Kubernetes Service `namespace/name`. */
export function knativeServiceBehind(model: Model, namespace: string, name: string): Resource | undefined {
  let byKey = knativeCache.get(model);
  if (!byKey) {
    byKey = new Map();
    for (const r of model.resources) {
      if (r.group === KNATIVE && (r.kind === 'Service' || r.kind === 'Route') && !r.superseded)
        byKey.set(`${r.namespace}/${r.name}`, r);
    }
    knativeCache.set(model, byKey);
  }
  if (byKey.size === 0) return undefined;
  const direct = byKey.get(`${namespace}/${name}`);
  if (direct) return direct;
  const m = REVISION.exec(name);
  return m ? byKey.get(`${namespace}/${m[1]}`) : undefined;
}

/** Is the label map the pod template of a workload-like custom resource (a Rollout's spec.template)? */
export function isRolloutTemplate(op: OperatorLabels): boolean {
  const p = op.path;
  return (
    op.res.group === 'argoproj.io' &&
    op.res.kind === 'Rollout' &&
    p.length === 4 &&
    p[0] === 'spec' &&
    p[1] === 'template' &&
    p[2] === 'metadata'
  );
}

/** An AWS Load Balancer Controller action backend, and whether its annotation is there. */
export function albAction(b: IngressBackend): { name: string; defined: boolean } | undefined {
  if (b.port?.name !== 'use-annotation' || !b.serviceName) return undefined;
  return {
    name: b.serviceName,
    defined: b.ingress.res.annotations.has(`alb.ingress.kubernetes.io/actions.${b.serviceName}`),
  };
}

/**
 * The Knative Service whose pods a selector designates by the labels Knative Serving puts on
 * them (`serving.knative.dev/service`, `…/configuration`: the Knative Service's name;
 * `…/revision`: `<name>-00001`).
 */
export function knativeSelected(
  model: Model,
  namespace: string,
  selector: ReadonlyMap<string, string>,
): Resource | undefined {
  for (const key of [
    'serving.knative.dev/service',
    'serving.knative.dev/configuration',
    'serving.knative.dev/revision',
  ]) {
    const v = selector.get(key);
    if (v === undefined) continue;
    const ksvc = knativeServiceBehind(model, namespace, v);
    if (ksvc) return ksvc;
  }
  return undefined;
}
