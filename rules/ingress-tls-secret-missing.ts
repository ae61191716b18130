import { defineRule } from '../src/engine/types.js';
import { q } from '../src/util/text.js';

const CERT_MANAGER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer', 'kubernetes.io/tls-acme'];

export default defineRule(
  {
    id: 'ingress-tls-secret-missing',
    severity: 'warning',
    description:
      "An Ingress TLS entry names a Secret that the input does not define in the Ingress's namespace (or one that " +
      'is not of type kubernetes.io/tls).',
  },
  (ctx) => {
    const secrets = new Map(
      ctx.model.secrets.filter((s) => !s.res.superseded).map((s) => [`${s.res.namespace}/${s.res.name}`, s]),
    );
    for (const ing of ctx.model.ingresses) {
      // cert-manager creates the Secret from the Ingress annotations (ingress-shim).
      const managed = CERT_MANAGER_ANNOTATIONS.some(
        (a) => ing.res.annotations.has(a) && ing.res.annotations.get(a) !== 'false',
      );
      for (const t of ing.tls) {
        if (!t.secretName) continue;
        const key = `${ing.namespace}/${t.secretName}`;
        const secret = secrets.get(key);
        const at = ing.at(...t.at, 'secretName');
        if (secret) {
          if (secret.type !== 'kubernetes.io/tls') {
            ctx.report({
              at,
              object: ing.res,
              message:
                `${ing.res.displayShort}: TLS Secret ${q(t.secretName)} is of type ${q(secret.type)}, ` +
                `not "kubernetes.io/tls"; controllers expect tls.crt and tls.key`,
              related: [{ at: secret.res.nameLoc, message: secret.res.display }],
            });
          }
          continue;
        }
        if (managed || ctx.model.certificateSecrets.has(key)) continue;
        ctx.report({
          at,
          object: ing.res,
          message:
            `${ing.res.displayShort}: TLS Secret ${q(t.secretName)} is not defined in ` +
            `namespace ${q(ing.namespace)}; without it the controller serves its default certificate (turn this ` +
            `rule off if certificates are created outside these manifests)`,
        });
      }
    }
  },
);
