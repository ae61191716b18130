/**
 * Custom resources that an operator may turn into pods at run time, for rules that find no pod
 * behind a selector. An operator's pods carry labels the input does not spell out: most derive them
 * from the resource (Prometheus "k8s" runs pods with prometheus=k8s, ThanosRuler pods carry
 * app.kubernetes.io/name=thanos-ruler, Strimzi copies a Kafka's labels onto its pods). A resource
 * is `named` by a selector when a label key or value is its kind (lower case, or in kebab case),
 * a value is its name (or starts with its name and a dash), or the selector's labels are all among
 * the resource's own `metadata.labels`. Kinds known to make no pods (routes, policies,
 * certificates, scrape configurations, …) are left out, and so are resources whose pod template or
 * pod labels the model reads.
 */
import type { Model } from '../model/model.js';
import { BUILTIN_GROUPS } from '../model/kinds.js';
import { asMap, scalarText } from '../model/resource.js';
import type { Resource } from '../model/resource.js';

/** API groups whose kinds configure traffic, policy, secrets or delivery sources, not pods. */
const NO_PODS_GROUPS = new Set([
  'gateway.networking.k8s.io',
  'gateway.networking.x-k8s.io',
  'networking.istio.io',
  'security.istio.io',
  'telemetry.istio.io',
  'policy.networking.k8s.io',
  'cilium.io',
  'cert-manager.io',
  'acme.cert-manager.io',
  'split.smi-spec.io',
  'access.smi-spec.io',
  'specs.smi-spec.io',
  'traefik.io',
  'traefik.containo.us',
  'external-secrets.io',
  'bitnami.com',
  'snapshot.storage.k8s.io',
  'source.toolkit.fluxcd.io',
  'notification.toolkit.fluxcd.io',
  'image.toolkit.fluxcd.io',
]);

/** Of monitoring.coreos.com, the kinds whose operator runs pods. */
const MONITORING_PODS = new Set(['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler']);

function mayMakePods(r: Resource): boolean {
  if (!r.kind || BUILTIN_GROUPS.has(r.group) || NO_PODS_GROUPS.has(r.group)) return false;
  if (r.group === 'monitoring.coreos.com') return MONITORING_PODS.has(r.kind);
  return true;
}

const kebab = (kind: string) => kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * How the selector names the resource, by the strength of the evidence: 0 a value is its name and
 * a key or value its kind (`alertmanager=main` for Alertmanager "main"), 1 a value is its name,
 * 2 a value starts with its name and a dash (1 and 2 not when a key is the kind of another resource), 3 its labels hold the selector's, 4 a key or value is
 * its kind.
 */
function naming(
  r: Resource,
  selector: ReadonlyMap<string, string>,
  strength: number,
  allKinds: ReadonlySet<string>,
): string | undefined {
  const pairs = [...selector];
  const kinds = new Set([r.kind.toLowerCase(), kebab(r.kind)]);
  const byKind = pairs.find(([k, v]) => kinds.has(k) || kinds.has(v));
  // `alertmanager=main` names an Alertmanager "main", not a Prometheus "main".
  if ((strength === 1 || strength === 2) && pairs.some(([k]) => allKinds.has(k) && !kinds.has(k))) return undefined;
  const label =
    strength <= 1
      ? pairs.find(([, v]) => v === r.name)
      : strength === 2
        ? pairs.find(([, v]) => v.startsWith(`${r.name}-`))
        : undefined;
  if (label && (strength !== 0 || byKind)) return `${label[0]}=${label[1]}`;
  if (strength === 3) {
    const labels = asMap(asMap(r.raw.metadata)?.labels);
    return labels && pairs.every(([k, v]) => scalarText(labels[k]) === v) ? 'its labels' : undefined;
  }
  return strength === 4 && byKind ? `${byKind[0]}=${byKind[1]}` : undefined;
}

export interface OperatorPods {
  /** Custom resources of the namespace whose operator may run pods, in input order. */
  candidates: Resource[];
  /** The first one the selector names, and how. */
  named?: { res: Resource; by: string };
}

const byNamespace = new WeakMap<Model, Map<string, { candidates: Resource[]; kinds: Set<string> }>>();

/** The candidates of a namespace, indexed once per model (rules ask for one selector at a time). */
function candidatesIn(model: Model, namespace: string): { candidates: Resource[]; kinds: Set<string> } {
  let index = byNamespace.get(model);
  if (!index) {
    // Resources whose pod template or pod labels the model reads (a Rollout, a Prometheus with
    // podMetadata) are judged by those: the operator's pods are known.
    const known = new Set<Resource>();
    for (const p of model.podTemplates) known.add(p.workload);
    for (const o of model.operatorLabels) known.add(o.res);
    index = new Map();
    for (const r of model.resources) {
      if (r.namespace === null || r.superseded || known.has(r) || !mayMakePods(r)) continue;
      let entry = index.get(r.namespace);
      if (!entry) index.set(r.namespace, (entry = { candidates: [], kinds: new Set() }));
      entry.candidates.push(r);
      entry.kinds.add(r.kind.toLowerCase()).add(kebab(r.kind));
    }
    byNamespace.set(model, index);
  }
  return index.get(namespace) ?? { candidates: [], kinds: new Set() };
}

/** Custom resources of `namespace` that may become pods, and the one `selector` names. */
export function operatorPods(model: Model, namespace: string, selector: ReadonlyMap<string, string>): OperatorPods {
  const { candidates, kinds } = candidatesIn(model, namespace);
  for (let strength = 0; strength <= 4; strength++) {
    for (const res of candidates) {
      const by = naming(res, selector, strength, kinds);
      if (by) return { candidates, named: { res, by } };
    }
  }
  return { candidates };
}
