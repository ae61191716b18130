import { defineRule } from '../src/engine/types.js';
import { q } from '../src/util/text.js';

const CERT_MANAGER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];

export default defineRule(
  {
    id: 'gateway-tls-secret-missing',
    severity: 'warning',
    description:
      "A Gateway listener's tls.certificateRefs names a Secret that the input does not define (or not of type " +
      'kubernetes.io/tls), or one in another namespace without a ReferenceGrant allowing it.',
  },
  (ctx) => {
    const secrets = new Map(
      ctx.model.secrets.filter((s) => !s.res.superseded).map((s) => [`${s.res.namespace}/${s.res.name}`, s]),
    );
    const namespaces = ctx.model.namespaces;
    for (const gw of ctx.model.gateways) {
      if (gw.res.superseded) continue;
      // cert-manager's gateway-shim creates the Secrets from the Gateway annotations.
      const managed = CERT_MANAGER_ANNOTATIONS.some((a) => gw.res.annotations.has(a));
      for (const l of gw.listeners) {
        if (l.tlsMode === 'Passthrough') continue;
        for (const ref of l.certificateRefs) {
          if ((ref.group !== '' && ref.group !== 'core') || ref.kind !== 'Secret' || !ref.name) continue;
          // Another namespace that the input does not cover holds both the Secret and the grant.
          if (ref.namespace !== gw.namespace && !namespaces.has(ref.namespace)) continue;
          const who = `${gw.res.displayShort} listener ${q(l.name)}`;
          if (
            ref.namespace !== gw.namespace &&
            !ctx.graph.gateways.grant('Gateway', gw.namespace, '', 'Secret', ref.namespace, ref.name)
          ) {
            ctx.report({
              at: gw.res.at(...ref.path, 'namespace'),
              object: gw.res,
              message:
                `${who}: a certificate Secret in namespace ${q(ref.namespace)} needs a ReferenceGrant in ` +
                `that namespace allowing Gateway from namespace ${q(gw.namespace)}; ` +
                `without one the listener is refused (ResolvedRefs False, RefNotPermitted)`,
            });
            continue;
          }
          const key = `${ref.namespace}/${ref.name}`;
          const secret = secrets.get(key);
          const at = gw.res.at(...ref.path, 'name');
          if (secret) {
            if (secret.type !== 'kubernetes.io/tls') {
              ctx.report({
                at,
                object: gw.res,
                message:
                  `${who}: certificate Secret ${q(ref.name)} is of type ${q(secret.type)}, ` +
                  `not "kubernetes.io/tls"; the controller refuses it (InvalidCertificateRef)`,
                related: [{ at: secret.res.nameLoc, message: secret.res.display }],
              });
            }
            continue;
          }
          if (managed || ctx.model.certificateSecrets.has(key)) continue;
          ctx.report({
            at,
            object: gw.res,
            message:
              `${who}: certificate Secret ${q(ref.name)} is not defined in namespace ${q(ref.namespace)}; ` +
              `without it the listener is not programmed (InvalidCertificateRef) (turn this rule off if ` +
              `certificates are created outside these manifests)`,
          });
        }
      }
    }
  },
);
