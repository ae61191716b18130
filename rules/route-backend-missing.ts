import { defineRule } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import { BUILTIN_GROUPS } from '../src/model/kinds.js';
import { definitionsOf, mayBeDistinct, nearestDefinition } from '../src/model/identity.js';
import type { Resource } from '../src/model/resource.js';
import type { Service } from '../src/model/service.js';
import { serviceAbsence } from './support/missing-service.js';

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
    /**
     * A Service defined in several folders without metadata.namespace may be several Services (one
     * per namespace the folders are applied to): the route goes with the definition of its own
     * folder (or the nearest folder above), else it misses the port for sure only when all of them
     * lack it. Undefined: no finding; else the definition to name, and how sure.
     */
    const judgePort = (
      winner: Service,
      from: Resource,
      port: number,
      protocol: string,
    ): { service: Service; note: string; severity?: 'info' } | undefined => {
      const defs = definitionsOf(ctx.model, winner.res);
      if (defs.length < 2 || !defs.some((d) => mayBeDistinct(ctx.model, d, winner.res))) {
        return { service: winner, note: '' };
      }
      byResource ??= new Map(ctx.model.services.map((s) => [s.res, s]));
      const services = defs.map((d) => byResource?.get(d)).filter((s): s is Service => s !== undefined);
      const has = (s: Service) => s.ports.some((p) => p.port === port && p.protocol === protocol);
      const others = `the input defines ${q(winner.name)} in ${services.length} places without metadata.namespace`;
      const own = nearestDefinition(services, from);
      if (own) {
        if (has(own)) return undefined;
        return {
          service: own,
          note: ` as defined in ${own.res.file.path}, the definition nearest to the route (${others})`,
        };
      }
      const lacking = services.filter((s) => !has(s));
      if (lacking.length === services.length) {
        return { service: winner, note: ` nor of any of its other definitions (${others})` };
      }
      const service = lacking.includes(winner) ? winner : lacking[0];
      return {
        service,
        severity: 'info',
        note:
          ` as defined in ${service.res.file.path}, while another definition has it (${others} and none in the ` +
          `route's folder: which one the route reaches depends on the namespaces the folders are applied to)`,
      };
    };
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
          const absence = serviceAbsence(ctx.graph, ref.namespace, name);
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
          const verdict =
            ref.port === undefined
              ? { service: r.service, note: '' }
              : judgePort(r.service, route.res, ref.port, protocol);
          if (!verdict) continue;
          const { service, note } = verdict;
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
                  `Service ${q(service.name)}${note}${ports.length ? ` (its ${udp}ports are ${list(ports)})` : ''}${hint}`,
            related: [{ at: service.res.keyAt('spec', 'ports'), message: `ports of ${service.res.display}` }],
          });
        }
      }
    }
  },
);
