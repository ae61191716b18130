import { defineRule } from '../src/engine/types.js';
import { q } from '../src/util/text.js';
import type { IngressPath } from '../src/model/network.js';

export default defineRule(
  {
    id: 'ingress-path-conflict',
    severity: 'warning',
    description:
      'Two Ingress paths of the same class with the same host, path and pathType: ' +
      'only one of them receives the traffic.',
  },
  (ctx) => {
    const defaultClass = ctx.model.ingressClasses.find((c) => c.isDefault)?.name;
    const first = new Map<string, IngressPath>();
    for (const ing of ctx.model.ingresses) {
      if (ing.res.superseded) continue;
      const cls = ing.className ?? defaultClass ?? '';
      // An ingress-nginx canary Ingress repeats the host and path of its primary on purpose.
      const canary = ['true', 'True', 'TRUE', 't', 'T', '1'].includes(
        ing.res.annotations.get('nginx.ingress.kubernetes.io/canary') ?? '',
      );
      for (const p of ing.paths) {
        const pathType = p.pathType ?? (ing.legacy ? 'ImplementationSpecific' : '');
        const key = `${cls}\u0000${canary ? 'canary' : ''}\u0000${p.host ?? ''}\u0000${p.path ?? ''}\u0000${pathType}`;
        const prev = first.get(key);
        if (!prev) {
          first.set(key, p);
          continue;
        }
        const same = prev.ingress === ing;
        const clsText = cls ? `class ${q(cls)}` : 'no class';
        ctx.report({
          at: ing.at(...p.at, p.rawPath === undefined ? 'backend' : 'path'),
          object: ing.res,
          message:
            `${ing.res.displayShort}: host ${q(p.host ?? '*')} path ${q(p.path ?? '')} ` +
            `(${pathType || 'no pathType'}, ${clsText}) is already routed ` +
            `by ${
              same ? 'an earlier rule of this Ingress' : prev.ingress.res.display
            }; the controller sends the traffic to only one backend`,
          related: [{ at: prev.ingress.at(...prev.at), message: `same route in ${prev.ingress.res.display}` }],
        });
      }
    }
  },
);
