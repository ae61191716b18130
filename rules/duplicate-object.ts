import { isDeepStrictEqual } from 'node:util';
import { defineRule } from '../src/engine/types.js';
import type { Resource } from '../src/model/resource.js';

export default defineRule(
  {
    id: 'duplicate-object',
    severity: 'error',
    description: 'Two objects have the same API group, kind, namespace and name (after namespace defaulting).',
  },
  (ctx) => {
    const first = new Map<string, Resource>();
    for (const r of ctx.model.resources) {
      if (!r.name || !r.kind || r.generatedName) continue;
      const key = `${r.group}\u0000${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
      const prev = first.get(key);
      if (!prev) {
        first.set(key, r);
        continue;
      }
      const where = prev.file === r.file ? '' : ` (first in ${prev.file.path})`;
      const identical = isDeepStrictEqual(prev.raw, r.raw);
      ctx.report({
        at: r.nameLoc,
        object: r,
        severity: identical ? 'warning' : undefined,
        message: identical
          ? `${r.display} is defined twice with identical content${where}; keep one definition`
          : `${r.display} is defined twice with different content${where}; whichever is applied last wins, and re-applying flips the object between the two`,
        related: [{ at: prev.nameLoc, message: `first definition of ${prev.display}` }],
      });
    }
  },
);
