import { defineRule } from '../src/engine/types.js';
import { closest, list, q } from '../src/util/text.js';

export default defineRule(
  {
    id: 'gateway-class-missing',
    severity: 'warning',
    description:
      'A Gateway names a GatewayClass that the input does not define, while the input defines GatewayClasses.',
  },
  (ctx) => {
    const classes = ctx.model.gatewayClasses.filter((c) => !c.res.superseded);
    // Controllers often install their GatewayClass themselves: only an input with classes can tell.
    if (classes.length === 0) return;
    const names = new Set(classes.map((c) => c.name));
    for (const gw of ctx.model.gateways) {
      if (gw.res.superseded || !gw.className || names.has(gw.className)) continue;
      const fix = closest(gw.className, names);
      const at = gw.res.at('spec', 'gatewayClassName');
      ctx.report({
        at,
        object: gw.res,
        message:
          `${gw.res.displayShort}: GatewayClass ${q(gw.className)} is not defined; ` +
          `the input defines ${list([...names].map((n) => q(n)))}${fix ? `; did you mean ${q(fix)}?` : ''}; ` +
          `no controller programs a Gateway of an unknown class`,
        related: classes.slice(0, 3).map((c) => ({ at: c.res.nameLoc, message: c.res.display })),
        suggestions: fix ? [{ title: `Use GatewayClass "${fix}"`, at, replacement: fix }] : [],
      });
    }
  },
);
