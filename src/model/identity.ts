/**
 * Identity of the objects of a model build: namespaces defaulted, and the objects defined again
 * (same group, kind, namespace and name) found without an identity string per object, by a hash
 * of each identity.
 */
import { CLUSTER_SCOPED_KINDS } from './kinds.js';
import type { Model } from './model.js';
import { isMap, scalarText } from './resource.js';
import type { Resource } from './resource.js';

/**
 * Default the namespaces, and find the objects defined again. Of several definitions of one
 * object, the last one wins: the others are superseded.
 *
 * Nearly every object is defined once: each identity (group, kind, namespace and name) is hashed
 * and the hashes counted, and only objects whose hash is not unique are then looked up by
 * identity. Those are found by name first (no identity string per object): per name, the first
 * definition of each group, kind and namespace. `partialHashes` are the hashes of the group, kind
 * and name of each object (`partialHash`).
 */
export function identify(model: Model, partialHashes: readonly number[]): void {
  const resources = model.resources;
  const crds = model.clusterScopedCrds;
  const defaultNamespace = model.options.defaultNamespace;
  // Per object: its identity hash, or NO_IDENTITY (a generated or missing name), or NUL_IDENTITY.
  const hashes = new Int32Array(resources.length);
  // Counts (saturating at 2) of the hashes, by their low bits.
  const size = Math.max(1024, 2 ** Math.ceil(Math.log2(resources.length * 4)));
  const counts = new Uint8Array(size);
  const mask = size - 1;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i];
    const clusterScoped = CLUSTER_SCOPED_KINDS.has(r.kind) || (crds.size > 0 && crds.has(`${r.group}/${r.kind}`));
    const ns = clusterScoped ? null : (r.namespace ?? defaultNamespace);
    // Objects of one namespace share one namespace string.
    r.namespace = ns ? model.namespace(ns).name : ns;
    const partial = partialHashes[i];
    const h = partial < 0 ? partial : mixHash(partial, r.namespace ?? '');
    hashes[i] = h;
    if (h >= 0 && counts[h & mask] < 2) counts[h & mask]++;
  }
  const byName = new Map<string, Resource | Resource[]>();
  const withNul = new Map<string, Resource>();
  const lastRepeated = new Map<Resource, Resource>();
  for (let i = 0; i < resources.length; i++) {
    const h = hashes[i];
    if (h === NO_IDENTITY || (h >= 0 && counts[h & mask] < 2)) continue;
    const r = resources[i];
    let f: Resource | undefined;
    if (h === NUL_IDENTITY) {
      // Identities with NUL characters compare by their whole key, which they may share with
      // other such identities (never with one without NUL characters).
      const key = r.key;
      f = withNul.get(key);
      if (!f) withNul.set(key, r);
    } else {
      const seen = byName.get(r.name);
      if (seen === undefined) byName.set(r.name, r);
      else if (!Array.isArray(seen)) {
        if (sameObject(seen, r)) f = seen;
        else byName.set(r.name, [seen, r]);
      } else {
        for (const x of seen) {
          if (!sameObject(x, r)) continue;
          f = x;
          break;
        }
        if (!f) seen.push(r);
      }
    }
    if (f) {
      const last = lastRepeated.get(f) ?? f;
      // A patch (`patchLacks`) after a full definition does not replace it: the full one stays.
      if (patchLacks(r).length > 0 && patchLacks(last).length === 0) r.superseded = true;
      else {
        last.superseded = true;
        lastRepeated.set(f, r);
      }
      model.duplicates.push({ resource: r, first: f });
    }
  }
}

/** Fields the API server requires of an object, by group and kind (under `spec`). */
const REQUIRED: Record<string, readonly string[]> = {
  'apiextensions.k8s.io/CustomResourceDefinition': ['group', 'names', 'scope', 'versions'],
  'apps/Deployment': ['selector', 'template'],
  'apps/ReplicaSet': ['selector', 'template'],
  'apps/StatefulSet': ['selector', 'template'],
  'apps/DaemonSet': ['selector', 'template'],
  'batch/Job': ['template'],
  'batch/CronJob': ['schedule', 'jobTemplate'],
};

/**
 * The required fields an object of a kind listed in REQUIRED lacks (`spec.template`, …): such a
 * document is a patch of a definition (`kubectl patch --patch-file`, a Kustomize or Flux patch
 * file), not one of its own. Empty for a complete object and for other kinds.
 */
export function patchLacks(r: Resource): string[] {
  const required = REQUIRED[`${r.group}/${r.kind}`];
  if (!required) return [];
  const spec = isMap(r.raw.spec) ? r.raw.spec : {};
  return required.filter((f) => spec[f] === undefined || spec[f] === null).map((f) => `spec.${f}`);
}

const NO_IDENTITY = -1;
const NUL_IDENTITY = -2;

/**
 * The hash of the group, kind and name of an object, to which `identify` adds its namespace (once
 * defaulted); NO_IDENTITY for a generated or missing name, NUL_IDENTITY when one of them has a
 * NUL character. (Computed as the object is read, while its strings are at hand.)
 */
export function partialHash(r: Resource): number {
  if (!r.name || r.generatedName) return NO_IDENTITY;
  let h = mixHash(0x811c9dc5, r.group);
  if (h >= 0) h = mixHash(h, r.kind);
  if (h >= 0) h = mixHash(h, r.name);
  return h;
}

/**
 * A hash (31 bits) of `h` and the characters of `s`, followed by the end of `s`; NUL_IDENTITY when
 * `s` has a NUL character.
 */
function mixHash(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return NUL_IDENTITY;
    h = Math.imul(h ^ c, 0x01000193);
  }
  // The end of `s` (as a NUL, which no part holds).
  return Math.imul(h, 0x01000193) >>> 1;
}

/** Same group, kind and namespace (after defaulting), as `Resource.key` compares them with the name. */
function sameObject(a: Resource, b: Resource): boolean {
  return a.kind === b.kind && a.group === b.group && (a.namespace ?? '') === (b.namespace ?? '');
}

/** The object sets no `metadata.namespace`: it lands in whichever namespace it is applied to. */
export function namespaceDefaulted(r: Resource): boolean {
  const meta = r.raw.metadata;
  return r.namespace !== null && !(isMap(meta) && scalarText(meta.namespace));
}

/** The folder of the file that defines an object (display path, `/` separators; '' at the top). */
export function folderOf(r: Resource): string {
  const p = r.file.path;
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** Does folder `outer` hold folder `inner` (itself, or a folder below it)? */
function holds(outer: string, inner: string): boolean {
  return outer === '' || inner === outer || inner.startsWith(`${outer}/`);
}

const folderSharing = new WeakMap<Model, { objects: Map<string, number>; shared: Map<string, number> }>();

/**
 * Do two folders look like variants of one thing (one per cluster or environment, or an install in
 * flavours of which one is applied)? They do when they define largely the same objects: at least
 * two identities in common, and at least half the objects of the smaller folder.
 */
export function foldersLookAlike(model: Model, fa: string, fb: string): { shared: number } | undefined {
  let sharing = folderSharing.get(model);
  if (!sharing) {
    const objects = new Map<string, number>();
    for (const r of model.resources) {
      const f = folderOf(r);
      objects.set(f, (objects.get(f) ?? 0) + 1);
    }
    // Identities defined in both folders of a pair, counted once per identity.
    const shared = new Map<string, number>();
    const seen = new Set<Resource>();
    for (const { first } of model.duplicates) {
      if (seen.has(first)) continue;
      seen.add(first);
      const folders = [...new Set(definitionsOf(model, first).map(folderOf))].sort();
      for (let i = 0; i < folders.length; i++) {
        for (let j = i + 1; j < folders.length; j++) {
          const k = `${folders[i]}\u0000${folders[j]}`;
          shared.set(k, (shared.get(k) ?? 0) + 1);
        }
      }
    }
    sharing = { objects, shared };
    folderSharing.set(model, sharing);
  }
  const n = sharing.shared.get(fa < fb ? `${fa}\u0000${fb}` : `${fb}\u0000${fa}`) ?? 0;
  const smaller = Math.min(sharing.objects.get(fa) ?? 0, sharing.objects.get(fb) ?? 0);
  return n >= 2 && 2 * n >= smaller ? { shared: n } : undefined;
}

/**
 * Why two definitions of one identity are perhaps two objects of the cluster, or undefined when
 * they are surely one. `namespace`: the kind is namespaced, at least one of them sets no
 * `metadata.namespace`, and they are in different folders: folders are often applied on their
 * own, each to its namespace (`kubectl apply -n`, an Argo CD destination, a Flux
 * `targetNamespace`), so the defaulted namespace is a guess. `cluster`: they are in sibling
 * folders (neither holds the other) that define largely the same objects, as repositories hold
 * alternatives, one per cluster or environment (`clusters/production`, `clusters/staging`). One
 * file, one folder, a folder and one below it (`kubectl apply -R`), sibling folders of different
 * objects (two applications sharing a Secret), or a Kustomize root (built as one, its `namespace:`
 * is in the objects) make them surely one object.
 */
export function distinctReason(model: Model, a: Resource, b: Resource): 'namespace' | 'cluster' | undefined {
  if (model.options.appliedTogether) return undefined;
  const fa = folderOf(a);
  const fb = folderOf(b);
  if (fa === fb) return undefined;
  if (a.namespace !== null && (namespaceDefaulted(a) || namespaceDefaulted(b))) return 'namespace';
  if (holds(fa, fb) || holds(fb, fa)) return undefined;
  return foldersLookAlike(model, fa, fb) ? 'cluster' : undefined;
}

/** Are two definitions of one identity perhaps two objects of the cluster (`distinctReason`)? */
export function mayBeDistinct(model: Model, a: Resource, b: Resource): boolean {
  return distinctReason(model, a, b) !== undefined;
}

const definitionGroups = new WeakMap<Model, Map<Resource, Resource[]>>();

/** Every definition of an object in input order (the last one wins when all are applied), or just `r`. */
export function definitionsOf(model: Model, r: Resource): readonly Resource[] {
  if (model.duplicates.length === 0) return [r];
  let groups = definitionGroups.get(model);
  if (!groups) {
    groups = new Map();
    for (const { resource, first } of model.duplicates) {
      let list = groups.get(first);
      if (!list) {
        list = [first];
        groups.set(first, list);
      }
      list.push(resource);
      groups.set(resource, list);
    }
    definitionGroups.set(model, groups);
  }
  return groups.get(r) ?? [r];
}

/**
 * Of several definitions, the one a route (or other object) in `from`'s folder goes with: the last
 * one in its folder, else the last one in the nearest folder above it; undefined when none is.
 */
export function nearestDefinition<T extends { res: Resource }>(defs: readonly T[], from: Resource): T | undefined {
  const folder = folderOf(from);
  let best: T | undefined;
  let bestDepth = -1;
  for (const d of defs) {
    const f = folderOf(d.res);
    if (!holds(f, folder)) continue;
    const depth = f === '' ? 0 : f.split('/').length;
    if (depth >= bestDepth) {
      best = d;
      bestDepth = depth;
    }
  }
  return best;
}
