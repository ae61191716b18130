import { defineRule } from '../src/engine/types.js';
import { resolveRange } from '../src/load/source.js';
import type { Resource } from '../src/model/resource.js';
import { hasTemplatePlaceholder } from '../src/model/kinds.js';
import { formatPath, validateStructure } from '../src/model/schema.js';
import { LEGACY_PEER, legacyPeerField } from './support/admin-legacy.js';
import { PLACEHOLDER } from './support/template.js';

export default defineRule(
  {
    id: 'manifest-structure',
    severity: 'error',
    description:
      'A document is not a Kubernetes object, or a field that kube-netlint analyses has the wrong type or an ' +
      'invalid value.',
  },
  (ctx) => {
    for (const n of ctx.model.nonObjects) {
      ctx.report({ at: { doc: n.doc, path: n.path, key: n.key }, message: n.reason });
    }
    // The source text at a path of the object at hand, for messages (one function for every object).
    let current: Resource;
    const source = (path: readonly (string | number)[]) => {
      const [start, end] = resolveRange(current.at(...path));
      return current.file.text.slice(start, end);
    };
    for (const r of ctx.model.resources) {
      current = r;
      const missing = r.missingIdentity();
      if (missing.length) {
        const what = missing.length === 1 ? `field ${missing[0]}` : `fields ${missing.join(', ')}`;
        ctx.report({
          at: missing.includes('metadata') || missing.includes('kind') ? r.at() : r.keyAt('metadata'),
          object: r,
          message: `not a valid Kubernetes object: missing ${what}`,
        });
      }
      const problems = validateStructure(r, source);
      if (problems.length === 0) continue;
      for (const p of problems) {
        // A template placeholder written as a value (`port: {{ .Port }}`) reads as a map: not a value yet.
        const text = p.key ? undefined : source(p.path);
        if (text !== undefined && hasTemplatePlaceholder(text)) {
          ctx.report({
            at: r.at(...p.path),
            object: r,
            severity: 'info',
            message: `${r.displayShort}: ${formatPath(p.path)} ${PLACEHOLDER}`,
          });
          continue;
        }
        const legacy = legacyPeerField(r, p);
        if (legacy === null) continue;
        if (legacy) {
          ctx.report({
            at: r.keyAt(...p.path),
            object: r,
            severity: 'warning',
            message: `${r.displayShort}: ${formatPath(p.path)} ${LEGACY_PEER}`,
          });
          continue;
        }
        ctx.report({
          at: p.key ? r.keyAt(...p.path) : r.at(...p.path),
          object: r,
          message: `${r.displayShort}: ${p.message}`,
        });
      }
    }
  },
);
