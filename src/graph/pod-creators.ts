/**
 * Workloads that may create pods themselves (operators, CI runners, notebook spawners): pods that
 * no template of the input describes, with labels chosen at run time.
 *
 * RBAC (rbac.authorization.k8s.io/v1): a workload runs as its pod template's
 * `serviceAccountName` (`default` when unset). It may create pods in namespace N when a
 * RoleBinding in N, or a ClusterRoleBinding, binds that ServiceAccount (subject kind
 * ServiceAccount with its name and namespace, or the groups `system:serviceaccounts` and
 * `system:serviceaccounts:<namespace>`) to a Role of N or a ClusterRole with a rule whose
 * apiGroups hold "" (or "*"), resources hold "pods" (or "*") and verbs hold "create" (or "*").
 * Only bindings and roles of the input count.
 */
import type { Model, PodTemplate } from '../model/model.js';
import { asArray, asMap, asString } from '../model/resource.js';
import type { Resource } from '../model/resource.js';

const RBAC = 'rbac.authorization.k8s.io';

export interface PodCreator {
  pod: PodTemplate;
  /** The binding that grants it, for the message. */
  binding: Resource;
  /** The Role or ClusterRole with `create` on pods. */
  role: Resource;
}

const has = (list: unknown, value: string) => asArray(list).some((v) => v === value || v === '*');

/** Does a Role or ClusterRole allow creating pods? */
function createsPods(role: Resource): boolean {
  return asArray(role.raw.rules).some((raw) => {
    const r = asMap(raw);
    return !!r && has(r.apiGroups, '') && has(r.resources, 'pods') && has(r.verbs, 'create');
  });
}

/** Workloads of each namespace whose ServiceAccount may create pods in that namespace. */
export function findPodCreators(model: Model): Map<string, PodCreator[]> {
  const out = new Map<string, PodCreator[]>();
  const roles = new Map<string, Resource>();
  const bindings: Resource[] = [];
  for (const r of model.resources) {
    if (r.group !== RBAC || r.superseded) continue;
    if (r.kind === 'Role' || r.kind === 'ClusterRole') {
      if (createsPods(r)) roles.set(`${r.kind}/${r.kind === 'Role' ? r.namespace : ''}/${r.name}`, r);
    } else if (r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding') bindings.push(r);
  }
  if (roles.size === 0 || bindings.length === 0) return out;
  // ServiceAccounts (namespace/name) granted pod creation, per namespace where it applies ('*': all).
  const grants = new Map<string, { scope: string; binding: Resource; role: Resource }[]>();
  const groupGrants: { group: string; scope: string; binding: Resource; role: Resource }[] = [];
  for (const b of bindings) {
    const ref = asMap(b.raw.roleRef);
    const kind = asString(ref?.kind);
    const name = asString(ref?.name);
    if (!kind || !name) continue;
    const scope = b.kind === 'RoleBinding' ? (b.namespace ?? '') : '*';
    const role = roles.get(`${kind}/${kind === 'Role' ? b.namespace : ''}/${name}`);
    if (!role) continue;
    for (const raw of asArray(b.raw.subjects)) {
      const s = asMap(raw);
      const sKind = asString(s?.kind);
      const sName = asString(s?.name);
      if (!sName) continue;
      if (sKind === 'ServiceAccount') {
        const key = `${asString(s?.namespace) ?? b.namespace ?? ''}/${sName}`;
        const list = grants.get(key);
        if (list) list.push({ scope, binding: b, role });
        else grants.set(key, [{ scope, binding: b, role }]);
      } else if (sKind === 'Group' && sName.startsWith('system:serviceaccounts'))
        groupGrants.push({ group: sName, scope, binding: b, role });
    }
  }
  for (const pod of model.podTemplates) {
    if (pod.workload.superseded) continue;
    const ns = pod.namespace;
    const spec = asMap(pod.template.spec);
    const sa = asString(spec?.serviceAccountName) ?? asString(spec?.serviceAccount) ?? 'default';
    const applies = (scope: string) => scope === '*' || scope === ns;
    const g =
      (grants.get(`${ns}/${sa}`) ?? []).find((x) => applies(x.scope)) ??
      groupGrants.find(
        (x) => applies(x.scope) && (x.group === 'system:serviceaccounts' || x.group === `system:serviceaccounts:${ns}`),
      );
    if (!g) continue;
    const list = out.get(ns);
    const entry = { pod, binding: g.binding, role: g.role };
    if (list) list.push(entry);
    else out.set(ns, [entry]);
  }
  return out;
}
