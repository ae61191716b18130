import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import { BUILTIN_GROUPS } from '../src/model/kinds.js';
import type { Resource } from '../src/model/resource.js';
import type { Service } from '../src/model/service.js';
import { serviceAbsence } from './support/missing-service.js';
import { judgeDefinitions } from './support/several-definitions.js';

export default defineRule(
  {
    id: 'route-backend-missing',
    severity: 'error',
    description:
      'A Gateway API route (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, ' +
      'UDPRoute) backendRef names a Service or Service port that does not exist, ' +
      'a Service in another namespace without a ReferenceGrant allowing it, or a kind that is no backend.',
  },
  (ctx) => {
    const namespaces = ctx.model.namespaces;
    let byResource: Map<Resource, Service> | undefined;
    const serviceOf = (r: Resource) => (byResource ??= new Map(ctx.model.services.map((x) => [x.res, x]))).get(r);
    for (const route of ctx.model.routes) {
      for (const ref of route.backendRefs) {
        const r = ctx.graph.routeBackend(ref);
        const who = `${route.res.displayShort} backendRef ${q(ref.name ?? '')}`;
        const at = route.res.at(...ref.path);
        if (r.status === 'not-a-service') {
          // Built-in API groups hold no backend kind but Service; custom kinds are the controller's.
          const group = ref.group === 'core' ? '' : ref.group;
          if (!ref.name || !BUILTIN_GROUPS.has(group)) continue;
          ctx.report({
            at: route.res.at(...ref.path, ref.kind !== 'Service' ? 'kind' : 'group'),
            object: route.res,
            message:
              `${who}: kind ${q(ref.kind)} in group ${q(group)} is not a backend (the core group's backend ` +
              `kind is Service); the controller refuses it (ResolvedRefs False, reason InvalidKind)`,
          });
        } else if (r.status === 'not-granted') {
          // A ReferenceGrant lives in the target namespace: one the input does not cover may hold it.
          if (!namespaces.has(ref.namespace)) continue;
          ctx.report({
            at: route.res.at(...ref.path, 'namespace'),
            object: route.res,
            message:
              `${who}: a reference to a Service in namespace ${q(ref.namespace)} needs a ReferenceGrant in ` +
              `that namespace allowing ${route.kind} from namespace ${q(route.res.namespace ?? '')}; ` +
              `without one the backend is refused (ResolvedRefs False, ` +
              `reason RefNotPermitted) and requests sent to it fail`,
          });
        } else if (r.status === 'no-service') {
          // Only a namespace the input covers can tell that the Service does not exist.
          if (!namespaces.has(ref.namespace)) continue;
          const name = ref.name ?? '';
          const absence = serviceAbsence(ctx.graph, ref.namespace, name, route.res);
          const { fix, elsewhere } = absence;
          const hint =
            (fix ? `; did you mean ${q(fix)}?` : '') +
            (elsewhere ? `; a Service ${q(name)} exists in namespace ${q(elsewhere.namespace)}` : '');
          ctx.report({
            at: route.res.at(...ref.path, 'name'),
            object: route.res,
            severity: absence.sure ? undefined : 'warning',
            message: `${who}: ${absence.statement}${hint}`,
            related: elsewhere ? [{ at: elsewhere.res.nameLoc, message: elsewhere.res.display }] : [],
          });
        } else if (r.status === 'no-port') {
          const protocol = route.kind === 'UDPRoute' ? 'UDP' : 'TCP';
          const port = ref.port;
          // A Service defined in several folders may be several Services: see support/several-definitions.ts.
          const verdict =
            port === undefined
              ? { def: r.service, note: '' }
              : judgeDefinitions(ctx.model, r.service, serviceOf, route.res, (svc) =>
                  svc.ports.some((p) => p.port === port && p.protocol === protocol),
                );
          if (!verdict) continue;
          const { def: service, note } = verdict;
          const udp = protocol === 'UDP' ? 'UDP ' : '';
          const ports = service.ports.filter((p) => p.protocol === protocol).map((p) => String(p.port));
          const behind = ref.port !== undefined ? ctx.graph.servicePortBehind(service, ref.port) : undefined;
          const hint = behind
            ? `; ${ref.port} is the target of its port ${behind.port}: a backendRef names the Service port`
            : '';
          ctx.report({
            at: ref.rawPort === undefined ? at : route.res.at(...ref.path, 'port'),
            object: route.res,
            severity: verdict.severity,
            message:
              ref.rawPort === undefined
                ? `${who}: a backendRef to a Service needs a port (the Service port, one of ${list(ports)})`
                : `${who}: port ${String(ref.rawPort)} is not a ${udp}port of ` +
                  `Service ${q(service.name)}${note}` +
                  `${ports.length ? ` (its ${udp}ports are ${list(ports)})` : ''}${hint}`,
            related: [{ at: service.res.keyAt('spec', 'ports'), message: `ports of ${service.res.display}` }],
          });
        }
      }
    }
  },
);
