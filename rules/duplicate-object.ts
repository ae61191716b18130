import { isDeepStrictEqual } from 'node:util';
import { defineRule } from '../src/engine/types.js';
import { definitionsOf, folderOf, mayBeDistinct, namespaceDefaulted } from '../src/model/identity.js';
import type { Model } from '../src/model/model.js';
import { isMap } from '../src/model/resource.js';
import { q } from '../src/util/text.js';
import type { JsonMap, Resource } from '../src/model/resource.js';

/**
 * Why definitions with different content may be alternatives rather than one object defined twice,
 * or undefined: their two folders define largely the same objects (variants of one install, such
 * as an install for cert-manager and one for OpenShift, of which one is applied), the identity is
 * defined in three or more files of one folder (a folder of samples, each applied on its own), or
 * one file is named as a variant of the other (httpbin.yaml, httpbin-nodeport.yaml).
 */
type Alternatives = (a: Resource, b: Resource) => string | undefined;

/** A file's name without its folder and extension. */
const stem = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/\.(ya?ml|json)$/i, '');

function alternatives(model: Model): Alternatives {
  const objects = new Map<string, number>();
  for (const r of model.resources) {
    const f = folderOf(r);
    objects.set(f, (objects.get(f) ?? 0) + 1);
  }
  // Identities defined in both folders of a pair; files defining each identity of one folder.
  const shared = new Map<string, number>();
  const seen = new Set<Resource>();
  for (const { first } of model.duplicates) {
    if (seen.has(first)) continue;
    seen.add(first);
    const folders = [...new Set(definitionsOf(model, first).map(folderOf))].sort();
    for (let i = 0; i < folders.length; i++)
      for (let j = i + 1; j < folders.length; j++) {
        const k = `${folders[i]}\u0000${folders[j]}`;
        shared.set(k, (shared.get(k) ?? 0) + 1);
      }
  }
  return (a, b) => {
    const fa = folderOf(a);
    const fb = folderOf(b);
    if (fa === fb) {
      const files = new Set(
        definitionsOf(model, b)
          .filter((d) => folderOf(d) === fb)
          .map((d) => d.file),
      );
      if (files.size >= 3)
        return (
          `it is defined in ${files.size} files of ${fb ? q(fb) : 'the top folder'}, which look like ` +
          `alternatives (samples or variants applied one at a time)`
        );
      // httpbin.yaml and httpbin-nodeport.yaml: a variant named after the file it varies.
      const [sa, sb] = [stem(a.file.path), stem(b.file.path)];
      const [short, long] = sa.length < sb.length ? [sa, sb] : [sb, sa];
      return long.startsWith(`${short}-`) || long.startsWith(`${short}_`)
        ? `${q(long)} is named as a variant of ${q(short)}, so the two files look like alternatives`
        : undefined;
    }
    const n = shared.get(fa < fb ? `${fa}\u0000${fb}` : `${fb}\u0000${fa}`) ?? 0;
    const smaller = Math.min(objects.get(fa) ?? 0, objects.get(fb) ?? 0);
    return n >= 2 && 2 * n >= smaller
      ? `${q(fa || '.')} and ${q(fb || '.')} define ${n} of the same objects, so they look like alternative ` +
          `variants of one install, of which one is applied`
      : undefined;
  };
}

/**
 * The object without `metadata.namespace`: the key already compares namespaces after defaulting,
 * so a missing namespace and `namespace: default` (or any namespace on a cluster-scoped kind) do
 * not make two copies differ.
 */
function content(raw: JsonMap): JsonMap {
  const meta = raw.metadata;
  if (!isMap(meta) || !('namespace' in meta)) return raw;
  const { namespace: _ns, ...rest } = meta;
  return { ...raw, metadata: rest };
}

export default defineRule(
  {
    id: 'duplicate-object',
    severity: 'error',
    description: 'Two objects have the same API group, kind, namespace and name (after namespace defaulting).',
  },
  (ctx) => {
    let alt: Alternatives | undefined;
    // The model pairs every repeated definition with the first one (in input order).
    for (const { resource: r, first } of ctx.model.duplicates) {
      if (!r.kind) continue;
      // Compared with the last earlier definition that is surely the same object, else the first.
      const defs = definitionsOf(ctx.model, r);
      const earlier = defs.slice(0, defs.indexOf(r));
      const prev = earlier.findLast((d) => !mayBeDistinct(ctx.model, d, r)) ?? first;
      const which = prev === first ? 'first' : 'also';
      const where = prev.file === r.file ? '' : ` (${which} in ${prev.file.path})`;
      const identical = isDeepStrictEqual(content(prev.raw), content(r.raw));
      const related = [
        { at: prev.nameLoc, message: `${prev === first ? 'first' : 'earlier'} definition of ${prev.display}` },
      ];
      if (mayBeDistinct(ctx.model, prev, r)) {
        // Folders applied each to its own namespace hold two objects: the namespace is a guess.
        const unset =
          namespaceDefaulted(prev) && namespaceDefaulted(r)
            ? 'neither definition sets metadata.namespace'
            : `the definition in ${(namespaceDefaulted(r) ? r : prev).file.path} sets no metadata.namespace`;
        ctx.report({
          at: r.nameLoc,
          object: r,
          severity: identical ? 'info' : 'warning',
          message:
            `${r.displayShort} is also defined in ${prev.file.path}, ` +
            `${identical ? 'with identical content' : 'with different content'}; ${unset}, so the two are one ` +
            `object only if both folders are applied to the same namespace (they land in ${q(r.namespace ?? '')} ` +
            `unless kubectl apply -n, an Argo CD destination, a Flux targetNamespace or a Kustomize namespace ` +
            `chooses another)` +
            (identical ? '' : `; applied to one namespace, whichever is applied last wins`),
          related,
        });
        continue;
      }
      const variants = (alt ??= alternatives(ctx.model))(prev, r);
      if (variants) {
        ctx.report({
          at: r.nameLoc,
          object: r,
          severity: identical ? 'info' : 'warning',
          message:
            `${r.display} is defined twice with ${identical ? 'identical' : 'different'} content${where}; ` +
            `${variants}` +
            (identical ? '' : `; if more than one is applied, whichever is applied last wins`),
          related,
        });
        continue;
      }
      ctx.report({
        at: r.nameLoc,
        object: r,
        severity: identical ? 'warning' : undefined,
        message: identical
          ? `${r.display} is defined twice with identical content${where}; keep one definition`
          : `${r.display} is defined twice with different content${where}; whichever is applied last wins, ` +
            `and re-applying flips the object between the two`,
        related,
      });
    }
  },
);
