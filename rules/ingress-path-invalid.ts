import { defineRule } from '../src/engine/types.js';
import type { Report } from '../src/engine/types.js';
import { q } from '../src/util/text.js';
import { isDnsSubdomain, placeholderIn } from '../src/model/kinds.js';
import { placeholderNote } from './support/template.js';
import { legacyNote } from '../src/model/network.js';

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'];
const BAD_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_SUFFIXES = ['/..', '/.'];

function hostProblem(host: string): string | undefined {
  if (host.includes(':')) return 'must not contain a port or be an IPv6 address';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host.split('.').every((o) => Number(o) <= 255))
    return 'must be a DNS name, not an IP address';
  const wildcard = host.startsWith('*.');
  const rest = wildcard ? host.slice(2) : host;
  if (rest.includes('*')) return 'may use a wildcard only as its whole first label ("*.example.com")';
  if (rest !== rest.toLowerCase() && isDnsSubdomain(rest.toLowerCase())) return 'must be lowercase';
  if (!isDnsSubdomain(rest)) return 'is not a valid DNS name (RFC 1123 subdomain)';
  return undefined;
}

export default defineRule(
  {
    id: 'ingress-path-invalid',
    severity: 'error',
    description:
      'An Ingress rule the API server rejects: an Exact or Prefix path that is not absolute, ' +
      'a missing or unknown pathType, or an invalid host.',
  },
  (ctx) => {
    for (const ing of ctx.model.ingresses) {
      const report = (at: Report['at'], message: string, severity?: 'info') =>
        ctx.report({ at, object: ing.res, severity, message: `${ing.res.displayShort}: ${message}${legacyNote(ing)}` });
      for (const h of ing.hosts) {
        // An empty host is the same as no host: the rule matches every host.
        if (h.host === '') continue;
        const problem = hostProblem(h.host);
        if (!problem) continue;
        // A placeholder (`${DOMAIN}`, `__HOST__`, `<your domain>`) is replaced before the file is applied.
        const placeholder = placeholderIn(h.host);
        if (placeholder) report(ing.at(...h.path), `host ${q(h.host)} ${placeholderNote(placeholder)}`, 'info');
        else report(ing.at(...h.path), `host ${q(h.host)} ${problem}`);
      }
      for (const p of ing.paths) {
        // pathType is required in networking.k8s.io/v1; the removed v1beta1 APIs defaulted it.
        if (p.rawPathType === undefined || p.rawPathType === null) {
          if (!ing.legacy)
            report(ing.at(...p.at), `paths[${p.index}] needs a pathType (Exact, Prefix or ImplementationSpecific)`);
        } else if (!PATH_TYPES.includes(p.pathType ?? '')) {
          report(
            ing.at(...p.at, 'pathType'),
            `pathType ${q(p.rawPathType)} is not one of Exact, Prefix, ImplementationSpecific`,
          );
          continue;
        }
        const path = p.path ?? '';
        const at = ing.at(...p.at, p.rawPath === undefined ? 'pathType' : 'path');
        // ImplementationSpecific (also the default of the removed beta APIs): an empty path is
        // allowed, any other must still be absolute; the controller interprets the rest.
        if (
          p.pathType === 'ImplementationSpecific' ||
          (ing.legacy && (p.rawPathType === undefined || p.rawPathType === null))
        ) {
          if (path !== '' && !path.startsWith('/'))
            report(at, `ImplementationSpecific path ${q(path)} must start with "/"`);
          continue;
        }
        if (p.pathType !== 'Exact' && p.pathType !== 'Prefix') continue;
        if (!path.startsWith('/')) {
          report(at, `${p.pathType} path ${q(path)} must start with "/"`);
          continue;
        }
        const seq = BAD_SEQUENCES.find((s) => path.includes(s));
        const suffix = BAD_SUFFIXES.find((s) => path.endsWith(s));
        if (seq || suffix) report(at, `${p.pathType} path ${q(path)} must not contain ${q(seq ?? suffix ?? '')}`);
      }
    }
  },
);
