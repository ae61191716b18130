import { isDeepStrictEqual } from 'node:util';
import { defineRule } from '../src/engine/types.js';
import { isMap } from '../src/model/resource.js';
import type { JsonMap } from '../src/model/resource.js';

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
    // The model pairs every repeated definition with the first one (in input order).
    for (const { resource: r, first: prev } of ctx.model.duplicates) {
      if (!r.kind) continue;
      const where = prev.file === r.file ? '' : ` (first in ${prev.file.path})`;
      const identical = isDeepStrictEqual(content(prev.raw), content(r.raw));
      ctx.report({
        at: r.nameLoc,
        object: r,
        severity: identical ? 'warning' : undefined,
        message: identical
          ? `${r.display} is defined twice with identical content${where}; keep one definition`
          : `${r.display} is defined twice with different content${where}; whichever is applied last wins, ` +
            `and re-applying flips the object between the two`,
        related: [{ at: prev.nameLoc, message: `first definition of ${prev.display}` }],
      });
    }
  },
);
