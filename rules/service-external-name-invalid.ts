import { defineRule } from '../src/engine/types.js';
import { q } from '../src/util/text.js';
import { isDnsSubdomain } from '../src/model/kinds.js';

export default defineRule(
  {
    id: 'service-external-name-invalid',
    severity: 'error',
    description: 'An ExternalName Service without a valid externalName (a lowercase RFC 1123 DNS name).',
  },
  (ctx) => {
    for (const svc of ctx.model.services) {
      if (svc.type !== 'ExternalName') continue;
      const r = svc.res;
      const name = svc.externalName;
      if (name === undefined || name === '') {
        ctx.report({
          at: r.at('spec', 'type'),
          object: r,
          message: `${r.displayShort}: type ExternalName needs spec.externalName`,
        });
        continue;
      }
      const host = name.endsWith('.') ? name.slice(0, -1) : name;
      let problem: string | undefined;
      // IPv4, or IPv6 (at least two colons, hex digits only): not "https://…" or "host:port".
      if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || /^\[?[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*\]?$/i.test(host)) {
        problem =
          'is an IP address; ExternalName is a DNS CNAME and an IP is not resolved as an address (use a ' +
          'selector-less Service with Endpoints)';
      } else if (/[A-Z]/.test(host) && isDnsSubdomain(host.toLowerCase())) {
        problem = 'must be lowercase';
      } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host) || host.includes('/')) {
        problem = 'must be a host name, not a URL';
      } else if (!isDnsSubdomain(host)) {
        problem = 'is not a valid DNS name (RFC 1123: lowercase letters, digits, "-" and ".")';
      }
      if (problem) {
        ctx.report({
          at: r.at('spec', 'externalName'),
          object: r,
          message: `${r.displayShort}: externalName ${q(name)} ${problem}`,
        });
      }
    }
  },
);
