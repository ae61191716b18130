import { defineRule } from '../src/engine/types.js';
import { closest, q } from '../src/util/text.js';
import { ALL_RULES_WORDS, IGNORE_ANNOTATION, directiveComments, parseIgnoreList } from '../src/engine/suppress.js';

export default defineRule(
  {
    id: 'suppression-unknown-rule',
    severity: 'warning',
    description:
      'A kube-netlint-disable-next-line comment or a kube-netlint.io/ignore annotation names a rule that does not ' +
      'exist, so it suppresses nothing.',
  },
  (ctx) => {
    const hint = (name: string) => {
      const fix = closest(name, ctx.ruleIds);
      return fix ? `; did you mean ${q(fix)}?` : '';
    };
    for (const file of ctx.model.files) {
      for (const d of directiveComments(file)) {
        for (const n of d.names) {
          if (ctx.ruleIds.has(n.name)) continue;
          const fix = closest(n.name, ctx.ruleIds);
          ctx.report({
            at: { file, range: n.range },
            message:
              `kube-netlint-disable-next-line names ${q(n.name)}, which is not a rule, ` +
              `so it suppresses nothing${hint(n.name)}`,
            suggestions: fix
              ? [{ title: `Name the rule "${fix}"`, at: { file, range: n.range }, replacement: fix }]
              : [],
          });
        }
      }
    }
    for (const res of ctx.model.resources) {
      const ann = res.annotations.get(IGNORE_ANNOTATION);
      if (ann === undefined) continue;
      const unknown = [...parseIgnoreList(ann)].filter((n) => !ctx.ruleIds.has(n) && !ALL_RULES_WORDS.has(n));
      for (const n of unknown) {
        ctx.report({
          at: res.at('metadata', 'annotations', IGNORE_ANNOTATION),
          object: res,
          message:
            `annotation ${IGNORE_ANNOTATION} of ${res.displayShort} names ${q(n)}, which is not a rule, ` +
            `so it suppresses nothing${hint(n)}`,
        });
      }
    }
  },
);
