import { defineRule } from '../src/engine/types.js';
import { asMap, isMap } from '../src/model/resource.js';
import type { Resource } from '../src/model/resource.js';
import { validateStructure } from '../src/model/schema.js';

/** A copy without null map entries: the API server reads `field: null` (or `field:`) as an omitted field. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isMap(v)) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== null)
      .map(([k, x]) => [k, withoutNulls(x)]),
  );
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

export default defineRule(
  {
    id: 'manifest-structure',
    severity: 'error',
    description:
      'A document is not a Kubernetes object, or a field that kube-netlint analyses has the wrong type or an invalid value.',
  },
  (ctx) => {
    for (const n of ctx.model.nonObjects) {
      ctx.report({ at: { doc: n.doc, path: n.path }, message: n.reason });
    }
    for (const r of ctx.model.resources) {
      // A field that is there with the wrong type is reported by the type check below, not as missing.
      const meta = asMap(r.raw.metadata);
      const missing = r.missingIdentity().filter((f) => !present(f === 'metadata.name' ? meta?.name : r.raw[f]));
      if (missing.length) {
        const what = missing.length === 1 ? `field ${missing[0]}` : `fields ${missing.join(', ')}`;
        ctx.report({
          at: missing.includes('metadata') || missing.includes('kind') ? r.at() : r.keyAt('metadata'),
          object: r,
          message: `not a valid Kubernetes object: missing ${what}`,
        });
      }
      const typed = Object.create(r, { raw: { value: withoutNulls(r.raw) } }) as Resource;
      for (const p of validateStructure(typed)) {
        ctx.report({ at: p.key ? r.keyAt(...p.path) : r.at(...p.path), object: r, message: `${r.displayShort}: ${p.message}` });
      }
    }
  },
);
