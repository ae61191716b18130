/**
 * The peer shape of the first AdminNetworkPolicy releases (policy.networking.k8s.io/v1alpha1):
 * `namespaces: {namespaceSelector | sameLabels | notSameLabels}` and
 * `pods: {namespaces: {…}, podSelector}`. Later releases kept the version and took the label
 * selector directly (`namespaces: {matchLabels: …}`, `pods: {namespaceSelector, podSelector}`), so
 * which shape a cluster accepts depends on the CRD it installed, which the input does not show.
 * The analysis reads both shapes (src/model/adminpolicy.ts).
 */
import type { Path } from '../../src/load/source.js';
import type { Resource } from '../../src/model/resource.js';
import type { StructureProblem } from '../../src/model/schema.js';

const WRAPPED = new Set(['namespaceSelector', 'sameLabels', 'notSameLabels']);

/** Is this a peer of an AdminNetworkPolicy or BaselineAdminNetworkPolicy rule (`spec.ingress[i].from[j]`)? */
function isPeer(r: Resource, path: Path): boolean {
  if (r.group !== 'policy.networking.k8s.io') return false;
  if (r.kind !== 'AdminNetworkPolicy' && r.kind !== 'BaselineAdminNetworkPolicy') return false;
  return (
    path.length === 5 &&
    path[0] === 'spec' &&
    ((path[1] === 'ingress' && path[3] === 'from') || (path[1] === 'egress' && path[3] === 'to'))
  );
}

/**
 * For a structure problem that the first releases' peer shape explains, `true`; `null` for a
 * problem that follows from it and needs no finding of its own (the `namespaceSelector` that
 * `pods` then lacks); undefined otherwise.
 */
export function legacyPeerField(r: Resource, p: StructureProblem): true | null | undefined {
  const { path } = p;
  const n = path.length;
  const field = path[n - 1];
  if (p.key && n === 7 && path[5] === 'namespaces' && typeof field === 'string' && WRAPPED.has(field)) {
    return isPeer(r, path.slice(0, 5)) || undefined;
  }
  if (p.key && n === 7 && path[5] === 'pods' && field === 'namespaces') {
    return isPeer(r, path.slice(0, 5)) || undefined;
  }
  // `pods` without namespaceSelector, because it wraps it in `namespaces`.
  if (!p.key && n === 6 && path[5] === 'pods' && p.message.endsWith('missing required field "namespaceSelector"')) {
    const pods = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], r.raw);
    const wrapped = typeof pods === 'object' && pods !== null && 'namespaces' in pods;
    return wrapped && isPeer(r, path.slice(0, 5)) ? null : undefined;
  }
  return undefined;
}

export const LEGACY_PEER =
  'is the peer shape of the first v1alpha1 releases of the AdminNetworkPolicy CRD; later releases, under the ' +
  'same version, take the label selector directly (namespaces: {matchLabels: …}, pods: {namespaceSelector, ' +
  'podSelector}) and reject the field. The policy is analysed as the first releases read it; whether the ' +
  'cluster accepts it depends on the CRD it installed';
