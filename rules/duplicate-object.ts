import { isDeepStrictEqual } from 'node:util';
import { defineRule } from '../src/engine/types.js';
import {
  definitionsOf,
  distinctReason,
  folderOf,
  foldersLookAlike,
  mayBeDistinct,
  namespaceDefaulted,
  patchLacks,
} from '../src/model/identity.js';
import type { Model } from '../src/model/model.js';
import { isMap } from '../src/model/resource.js';
import { q } from '../src/util/text.js';
import type { JsonMap, Resource } from '../src/model/resource.js';
import { alternatives } from './support/alternatives.js';

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

/** A patch and the definition it patches: said, not compared. */
function patchMessage(patch: Resource, lacks: string[], full: Resource): string {
  return (
    `${patch.display} lacks ${lacks.join(', ')}, which a ${patch.kind} requires: it reads as a ` +
    `patch of the definition in ${full.file.path} (kubectl patch), not a second definition, and is not compared with it`
  );
}

/** Folders applied each to its own namespace hold two objects: the namespace is a guess. */
function perNamespace(prev: Resource, r: Resource): string {
  const unset =
    namespaceDefaulted(prev) && namespaceDefaulted(r)
      ? 'neither definition sets metadata.namespace'
      : `the definition in ${(namespaceDefaulted(r) ? r : prev).file.path} sets no metadata.namespace`;
  return (
    `${unset}, so the two are one object only if both folders are applied to the same namespace (they ` +
    `land in ${q(r.namespace ?? '')} unless kubectl apply -n, an Argo CD destination, a Flux targetNamespace ` +
    `or a Kustomize namespace chooses another)`
  );
}

/** Sibling folders that define largely the same objects are variants: one per cluster, environment or flavour. */
function perCluster(model: Model, prev: Resource, r: Resource): string {
  const [fa, fb] = [folderOf(prev), folderOf(r)];
  const shared = foldersLookAlike(model, fa, fb)?.shared ?? 0;
  return (
    `${fa || '.'}/ and ${fb || '.'}/ are sibling folders that define ${shared} of the same objects (variants, ` +
    `often one per cluster, environment or install flavour), so the two are one object only if both folders ` +
    `are applied to the same cluster`
  );
}

/** Kinds whose names a Kustomize `namePrefix` or `nameSuffix` leaves as they are. */
const NOT_AFFIXED = new Set(['Namespace', 'CustomResourceDefinition', 'APIService']);

/**
 * In a Kustomize root linted without a build, the names a build gives two definitions of one name,
 * when its kustomizations' `namePrefix` and `nameSuffix` make them differ: two objects once built.
 */
function namedApart(model: Model, a: Resource, b: Resource): [string, string] | undefined {
  const of = model.options.nameAffixes;
  if (!of || NOT_AFFIXED.has(b.kind)) return undefined;
  const built = (r: Resource) => {
    const x = of(r.file);
    return `${x?.prefix ?? ''}${r.name}${x?.suffix ?? ''}`;
  };
  const [na, nb] = [built(a), built(b)];
  return na === nb ? undefined : [na, nb];
}

export default defineRule(
  {
    id: 'duplicate-object',
    severity: 'error',
    description: 'Two objects have the same API group, kind, namespace and name (after namespace defaulting).',
  },
  (ctx) => {
    // The model pairs every repeated definition with the first one (in input order).
    for (const { resource: r } of ctx.model.duplicates) {
      if (!r.kind) continue;
      // Compared with the last earlier definition that is surely the same object, else the first;
      // a patch of a definition (a CustomResourceDefinition without its required fields) is none:
      // each is said once (at the group's first repeat), against the first full definition.
      const defs = definitionsOf(ctx.model, r);
      const full = defs.filter((d) => patchLacks(d).length === 0);
      if (r === defs[1] && full.length) {
        for (const d of defs) {
          const lacks = patchLacks(d);
          if (!lacks.length) continue;
          ctx.report({
            at: d.nameLoc,
            object: d,
            severity: 'info',
            message: patchMessage(d, lacks, full[0]),
            related: [{ at: full[0].nameLoc, message: `definition of ${full[0].display}` }],
          });
        }
      }
      const at = full.indexOf(r);
      // A patch (said above), or the first full definition after patches only.
      if (at <= 0) continue;
      const earlier = full.slice(0, at);
      const prev = earlier.findLast((d) => !mayBeDistinct(ctx.model, d, r)) ?? earlier[0];
      const which = prev === earlier[0] ? 'first' : 'also';
      const where = prev.file === r.file ? '' : ` (${which} in ${prev.file.path})`;
      const identical = isDeepStrictEqual(content(prev.raw), content(r.raw));
      const related = [
        { at: prev.nameLoc, message: `${prev === earlier[0] ? 'first' : 'earlier'} definition of ${prev.display}` },
      ];
      const apart = namedApart(ctx.model, prev, r);
      if (apart) {
        ctx.report({
          at: r.nameLoc,
          object: r,
          severity: 'info',
          message:
            `${r.display} is also defined in ${prev.file.path}, but the namePrefix or nameSuffix of the ` +
            `kustomizations renames them once built, this one ${q(apart[1])} and that one ${q(apart[0])}: two ` +
            `objects; this root was not built, so the analysis takes the two as one (put kustomize or kubectl ` +
            `on the PATH for the built names)`,
          related,
        });
        continue;
      }
      const reason = distinctReason(ctx.model, prev, r);
      if (reason) {
        ctx.report({
          at: r.nameLoc,
          object: r,
          severity: identical ? 'info' : 'warning',
          message:
            `${reason === 'namespace' ? r.displayShort : r.display} is also defined in ${prev.file.path}, ` +
            `${identical ? 'with identical content' : 'with different content'}; ` +
            (reason === 'namespace' ? perNamespace(prev, r) : perCluster(ctx.model, prev, r)) +
            (identical ? '' : `; applied to one ${reason}, whichever is applied last wins`),
          related,
        });
        continue;
      }
      const variants = alternatives(ctx.model, prev, r);
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
