/**
 * The namespace of a kustomization, applied to the files of a Kustomize root linted without a build
 * (src/load/kustomize-slices.ts), as `kustomize build` applies it: every object is put into the
 * namespace (one that names another is moved; a cluster-scoped kind keeps none, which the model
 * sees to), the one Namespace object of those files is renamed to it, and so are the namespaces
 * that name a Service of these objects (webhooks, APIServices, CRD conversion webhooks) and those
 * of the ServiceAccount subjects named `default` of (Cluster)RoleBindings.
 *
 * The documents are not changed: a file may be a resource of several roots, in several
 * namespaces, and `--fix` edits its text. Each object the model reads is a copy, with the changed
 * maps and lists copied and the rest shared (`ModelOptions.documentValue`).
 */
import path from 'node:path';
import type { ManifestDocument, SourceFile } from './text.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const isList = (v: Obj) => typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);

const group = (o: Obj) => {
  const v = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
};

const isNamespace = (o: Obj) => o.kind === 'Namespace' && group(o) === '';

/** The objects of a document: itself, or the items of a list (`List`, `ServiceList`, …). */
function objectsOf(value: unknown): Obj[] {
  if (!isObj(value) || typeof value.kind !== 'string') return [];
  return isList(value) ? (value.items as unknown[]).filter(isObj) : [value];
}

/** A copy of `o` with `namespace` set in the map at `path`, where that map is there (a build creates none). */
function withNamespaceAt(o: Obj, keys: string[], ns: string): Obj {
  if (keys.length === 0) return { ...o, namespace: ns };
  const next = o[keys[0]];
  return isObj(next) ? { ...o, [keys[0]]: withNamespaceAt(next, keys.slice(1), ns) } : o;
}

function namespaced(o: Obj, ns: string, renameNamespace: boolean): Obj {
  const meta = isObj(o.metadata) ? o.metadata : {};
  if (isNamespace(o)) return renameNamespace ? { ...o, metadata: { ...meta, name: ns } } : o;
  const out: Obj = { ...o, metadata: { ...meta, namespace: ns } };
  const g = group(o);
  if ((o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && g === 'rbac.authorization.k8s.io') {
    if (Array.isArray(o.subjects))
      out.subjects = o.subjects.map((s: unknown) =>
        isObj(s) && s.kind === 'ServiceAccount' && s.name === 'default' ? { ...s, namespace: ns } : s,
      );
  } else if (
    (o.kind === 'ValidatingWebhookConfiguration' || o.kind === 'MutatingWebhookConfiguration') &&
    g === 'admissionregistration.k8s.io'
  ) {
    if (Array.isArray(o.webhooks))
      out.webhooks = o.webhooks.map((w: unknown) =>
        isObj(w) ? withNamespaceAt(w, ['clientConfig', 'service'], ns) : w,
      );
  } else if (o.kind === 'APIService' && g === 'apiregistration.k8s.io') {
    return withNamespaceAt(out, ['spec', 'service'], ns);
  } else if (o.kind === 'CustomResourceDefinition' && g === 'apiextensions.k8s.io') {
    return withNamespaceAt(out, ['spec', 'conversion', 'webhook', 'clientConfig', 'service'], ns);
  }
  return out;
}

/**
 * What the model reads of each document of a root's files, given the namespace a build gives each
 * file (`namespaces`, by absolute path): its value in that namespace, or as it is. A Namespace
 * object is renamed only where it is the one Namespace object given that namespace (with more, a
 * build fails on the clash).
 */
export function namespaceValues(
  files: SourceFile[],
  namespaces: ReadonlyMap<string, string>,
): (doc: ManifestDocument) => unknown {
  const nsOf = (f: SourceFile) => (f.absPath === undefined ? undefined : namespaces.get(path.normalize(f.absPath)));
  const namespaceObjects = new Map<string, number>();
  for (const f of files) {
    const ns = nsOf(f);
    if (ns === undefined) continue;
    for (const d of f.documents)
      for (const o of objectsOf(d.value))
        if (isNamespace(o)) namespaceObjects.set(ns, (namespaceObjects.get(ns) ?? 0) + 1);
  }
  return (doc) => {
    const ns = nsOf(doc.file);
    const value = doc.value;
    if (ns === undefined || !isObj(value) || typeof value.kind !== 'string') return value;
    const rename = namespaceObjects.get(ns) === 1;
    if (!isList(value)) return namespaced(value, ns, rename);
    return {
      ...value,
      items: (value.items as unknown[]).map((i) => (isObj(i) ? namespaced(i, ns, rename) : i)),
    };
  };
}

/**
 * The namespace a build of the root in `dir` gives the objects of each resource file (undefined
 * where no kustomization sets one): a kustomization's `namespace` is set on every object it
 * gathers, its bases' included, after their own, so the outermost one that sets a namespace wins.
 * A file reached on several ways (which a build refuses as objects defined twice) takes the first.
 */
export function namespacesOf(
  dir: string,
  all: ReadonlyMap<string, { resources: string[]; bases: string[]; namespace?: string }>,
): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (d: string, outer: string | undefined) => {
    if (seen.has(d)) return;
    seen.add(d);
    const k = all.get(d);
    if (!k) return;
    const ns = outer ?? k.namespace;
    if (ns !== undefined) for (const r of k.resources) if (!out.has(path.normalize(r))) out.set(path.normalize(r), ns);
    for (const b of k.bases) visit(b, ns);
  };
  visit(dir, undefined);
  return out.size ? out : undefined;
}

/** The name prefix and suffix a build gives an object (`prefix + name + suffix`). */
export interface NameAffixes {
  prefix: string;
  suffix: string;
}

/**
 * The `namePrefix` and `nameSuffix` a build of the root in `dir` gives the objects of each resource
 * file, where a kustomization on the way sets one (undefined where none does): an outer one's
 * prefix goes before the inner one's, its suffix after. They are not applied without a build (the
 * references to the renamed objects would have to follow); the duplicate-object rule reads them
 * (`ModelOptions.nameAffixes`).
 */
export function nameAffixesOf(
  dir: string,
  all: ReadonlyMap<string, { resources: string[]; bases: string[]; namePrefix?: string; nameSuffix?: string }>,
): Map<string, NameAffixes> | undefined {
  const out = new Map<string, NameAffixes>();
  const seen = new Set<string>();
  let any = false;
  const visit = (d: string, outer: NameAffixes) => {
    if (seen.has(d)) return;
    seen.add(d);
    const k = all.get(d);
    if (!k) return;
    const here = { prefix: outer.prefix + (k.namePrefix ?? ''), suffix: (k.nameSuffix ?? '') + outer.suffix };
    if (k.namePrefix !== undefined || k.nameSuffix !== undefined) any = true;
    for (const r of k.resources) if (!out.has(path.normalize(r))) out.set(path.normalize(r), here);
    for (const b of k.bases) visit(b, here);
  };
  visit(dir, { prefix: '', suffix: '' });
  return any ? out : undefined;
}
