import { defineRule } from '../src/engine/types.js';
import { closest, list, q } from '../src/util/text.js';

export default defineRule(
  {
    id: 'ingress-class-missing',
    severity: 'warning',
    description:
      'An Ingress names an IngressClass that the input does not define, while the input defines IngressClasses.',
  },
  (ctx) => {
    const classes = ctx.model.ingressClasses;
    if (classes.length === 0) return;
    const names = new Set(classes.map((c) => c.name));
    for (const ing of ctx.model.ingresses) {
      if (!ing.className || names.has(ing.className)) continue;
      const fix = closest(ing.className, names);
      const field =
        ing.classSource === 'field'
          ? ing.at('spec', 'ingressClassName')
          : ing.res.at('metadata', 'annotations', 'kubernetes.io/ingress.class');
      ctx.report({
        at: field,
        object: ing.res,
        message:
          `${ing.res.displayShort}: IngressClass ${q(ing.className)} is not defined; ` +
          `the input defines ${list([...names].map((n) => q(n)))}${fix ? `; did you mean ${q(fix)}?` : ''}`,
        related: classes.slice(0, 3).map((c) => ({ at: c.res.nameLoc, message: c.res.display })),
        suggestions:
          fix && ing.classSource === 'field'
            ? [{ title: `Use IngressClass "${fix}"`, at: field, replacement: fix }]
            : [],
      });
    }
  },
);
