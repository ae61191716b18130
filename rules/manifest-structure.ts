import { defineRule } from '../src/engine/types.js';
import { resolveRange } from '../src/load/source.js';
import { validateStructure } from '../src/model/schema.js';

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
      const missing = r.missingIdentity();
      if (missing.length) {
        const what = missing.length === 1 ? `field ${missing[0]}` : `fields ${missing.join(', ')}`;
        ctx.report({
          at: missing.includes('metadata') || missing.includes('kind') ? r.at() : r.keyAt('metadata'),
          object: r,
          message: `not a valid Kubernetes object: missing ${what}`,
        });
      }
      const source = (path: readonly (string | number)[]) => {
        const [start, end] = resolveRange(r.at(...path));
        return r.file.text.slice(start, end);
      };
      for (const p of validateStructure(r, source)) {
        ctx.report({ at: p.key ? r.keyAt(...p.path) : r.at(...p.path), object: r, message: `${r.displayShort}: ${p.message}` });
      }
    }
  },
);
