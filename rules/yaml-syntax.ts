import { defineRule } from '../src/engine/types.js';

export default defineRule(
  {
    id: 'yaml-syntax',
    severity: 'error',
    description: 'A document is not valid YAML; the other documents of the file are still linted.',
  },
  (ctx) => {
    for (const file of ctx.model.files) {
      for (const p of file.problems) {
        ctx.report({ at: { file, range: p.range }, message: p.message });
      }
    }
  },
);
