import { defineRule } from '../src/engine/types.js';
import { closest, list, q } from '../src/util/text.js';
import { albAction, knativeServiceBehind } from '../src/graph/conventions.js';
import { describeIngressBackend, legacyNote } from '../src/model/network.js';
import { describeRouteService, ingressRouteBackend } from '../src/graph/ingress-routes.js';
import type { Model } from '../src/model/model.js';
import type { Resource } from '../src/model/resource.js';
import type { Service } from '../src/model/service.js';
import { serviceAbsence } from './support/missing-service.js';
import { judgeDefinitions } from './support/several-definitions.js';

export default defineRule(
  {
    id: 'ingress-backend-missing',
    severity: 'error',
    description:
      "An Ingress (or Traefik IngressRoute, Contour HTTPProxy) backend names a Service that is not in the Ingress's " +
      'namespace, or a port that the Service does not have (port.number is compared with the Service port, ' +
      'not its targetPort).',
  },
  (ctx) => {
    let byResource: Map<Resource, Service> | undefined;
    const serviceOf = (r: Resource) => (byResource ??= new Map(ctx.model.services.map((x) => [x.res, x]))).get(r);
    for (const ing of ctx.model.ingresses) {
      for (const b of ing.backends) {
        if (b.kind !== 'service') continue;
        const r = ctx.graph.ingressBackend(b);
        const where = describeIngressBackend(b);
        const action = albAction(b);
        // An Argo Rollout with ALB traffic routing writes the action annotation at run time.
        if (action && !action.defined && rolloutWritesAction(ctx.model, ing.namespace, ing.res.name, action.name))
          continue;
        if (r.status === 'no-service' || (r.status === 'not-a-service' && !b.serviceName)) {
          if (!b.serviceName) {
            ctx.report({
              at: ing.at(...b.path),
              object: ing.res,
              message: `${where} of ${ing.res.displayShort} names no Service${legacyNote(ing)}`,
            });
            continue;
          }
          const absence = serviceAbsence(ctx.graph, ing.namespace, b.serviceName, ing.res);
          const { fix, elsewhere } = absence;
          // A Service that Knative Serving makes from a Knative Service of the input.
          if (knativeServiceBehind(ctx.model, ing.namespace, b.serviceName)) continue;
          let hint = fix ? `; did you mean ${q(fix)}?` : '';
          if (action)
            hint +=
              `; port.name use-annotation names an AWS Load Balancer Controller action, ` +
              `defined by the annotation alb.ingress.kubernetes.io/actions.${action.name}, ` +
              `which ${ing.res.displayShort} does not have`;
          if (elsewhere)
            hint +=
              `; a Service ${q(b.serviceName)} exists in namespace ${q(elsewhere.namespace)}, ` +
              `but an Ingress only reaches Services in its own namespace`;
          ctx.report({
            at: ing.at(...(b.serviceNamePath ?? b.path)),
            object: ing.res,
            // An action the Ingress's own annotations lack is no guess about other manifests.
            severity: absence.sure || action ? undefined : 'warning',
            message:
              `${where} of ${ing.res.displayShort}: ` +
              (action
                ? `Service ${q(b.serviceName)} does not exist in namespace ${q(ing.namespace)}`
                : absence.statement) +
              `${hint}${legacyNote(ing)}`,
            related: elsewhere ? [{ at: elsewhere.res.nameLoc, message: `${elsewhere.res.display}` }] : [],
            suggestions:
              fix && b.serviceNamePath
                ? [
                    {
                      title: `Change the backend Service to "${fix}"`,
                      at: ing.at(...b.serviceNamePath),
                      replacement: fix,
                    },
                  ]
                : [],
          });
          continue;
        }
        if (r.status !== 'no-port') continue;
        // Ports of an ExternalName Service are informational: controllers (ingress-nginx, Traefik)
        // proxy to the external name on the backend's port number whether or not the Service lists it.
        const portless = (s: Service) => s.type === 'ExternalName' && b.port?.number !== undefined;
        if (portless(r.service)) continue;
        // A Service defined in several folders may be several Services: see support/several-definitions.ts.
        const port = b.port;
        const verdict =
          port === undefined || b.routeTargetPort
            ? { def: r.service, note: '', severity: undefined }
            : judgeDefinitions(
                ctx.model,
                r.service,
                serviceOf,
                ing.res,
                (s) => portless(s) || ctx.graph.servicePortFor(s, port) !== undefined,
              );
        if (!verdict) continue;
        const svc = verdict.def;
        const ports = svc.ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port)));
        const avail = ports.length ? `; its ports are ${list(ports, 6)}` : '; it has no ports';
        let detail: string;
        if (!b.port) detail = 'the backend names no port';
        else if (b.port.number !== undefined && b.routeTargetPort) {
          detail =
            `targetPort ${b.port.number} is not the target port of any TCP port of Service ${q(svc.name)} (a ` +
            `Route's numeric targetPort is the pods' port; a name is the Service port's name)`;
        } else if (b.port.number !== undefined) {
          const behind = ctx.graph.servicePortBehind(svc, b.port.number);
          detail = `port ${b.port.number} is not a port of Service ${q(svc.name)}`;
          if (behind)
            detail += ` (${b.port.number} is the target of its port ${behind.port}; an Ingress names the Service port)`;
          const other = svc.ports.find((p) => p.port === b.port?.number && p.protocol !== 'TCP');
          if (other) detail += ` (its port ${other.port} is ${other.protocol}; an Ingress backend needs a TCP port)`;
        } else if (action) {
          detail =
            `port.name use-annotation names an AWS Load Balancer Controller action, defined by the annotation ` +
            `alb.ingress.kubernetes.io/actions.${action.name}, which ${ing.res.displayShort} does not have`;
        } else if (b.port.name === undefined) {
          detail = `the backend port must be a number or a name, not ${JSON.stringify(b.port.raw)}`;
        } else {
          const named = svc.ports.some((p) => p.name);
          const other = svc.ports.find((p) => p.name === b.port?.name && p.protocol !== 'TCP');
          detail = other
            ? `port ${q(b.port.name)} of Service ${q(svc.name)} is ${other.protocol}; ` +
              `an Ingress backend needs a TCP port`
            : `Service ${q(svc.name)} has no port ` +
              `named ${q(b.port.name)}${named ? '' : ' (its ports have no names; use port.number)'}`;
        }
        const fix =
          b.port?.name !== undefined && !action
            ? closest(
                b.port.name,
                svc.ports.map((p) => p.name).filter((n): n is string => !!n),
              )
            : undefined;
        ctx.report({
          at: ing.at(...(b.port?.path ?? b.path)),
          object: ing.res,
          severity: verdict.severity,
          message: `${where} of ${ing.res.displayShort}: ${detail}${verdict.note}${avail}${legacyNote(ing)}`,
          related: [{ at: svc.res.keyAt('spec', 'ports'), message: `ports of ${svc.res.display}` }],
          suggestions:
            fix && b.port
              ? [{ title: `Change the port name to "${fix}"`, at: ing.at(...b.port.path), replacement: fix }]
              : [],
        });
      }
    }
    // Traefik IngressRoutes and Contour HTTPProxies route to Services like an Ingress.
    for (const route of ctx.model.consumers.ingressRoutes) {
      if (route.res.superseded) continue;
      for (const b of route.services) {
        // Another namespace that the input does not cover may hold the Service.
        if (!ctx.model.namespaces.has(b.namespace)) continue;
        const r = ingressRouteBackend(ctx.graph, b);
        const where = describeRouteService(route, b);
        if (r.status === 'no-service') {
          const absence = serviceAbsence(ctx.graph, b.namespace, b.name, route.res);
          const { fix, elsewhere } = absence;
          ctx.report({
            at: route.res.at(...b.path, 'name'),
            object: route.res,
            severity: absence.sure ? undefined : 'warning',
            message:
              `${where}: ${absence.statement}${fix ? `; did you mean ${q(fix)}?` : ''}` +
              `${elsewhere ? `; a Service ${q(b.name)} exists in namespace ${q(elsewhere.namespace)}` : ''}`,
            related: elsewhere ? [{ at: elsewhere.res.nameLoc, message: elsewhere.res.display }] : [],
          });
        } else if (
          r.status === 'no-port' &&
          b.port &&
          !(r.service.type === 'ExternalName' && b.port.number !== undefined)
        ) {
          const ports = r.service.ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port)));
          const behind =
            b.port.number !== undefined ? ctx.graph.servicePortBehind(r.service, b.port.number) : undefined;
          ctx.report({
            at: route.res.at(...b.port.path),
            object: route.res,
            message:
              `${where}: port ${String(b.port.raw)} is not a ${b.protocol} port of ` +
              `Service ${q(r.service.name)}${
                behind ? ` (it is the target of its port ${behind.port}; name the Service port)` : ''
              }${ports.length ? `; its ports are ${list(ports, 6)}` : '; it has no ports'}`,
            related: [{ at: r.service.res.keyAt('spec', 'ports'), message: `ports of ${r.service.res.display}` }],
          });
        }
      }
    }
  },
);

/** Does an Argo Rollout of the namespace write the ALB action `action` into the Ingress's annotations? */
function rolloutWritesAction(model: Model, namespace: string, ingress: string, action: string): boolean {
  return model.consumers.rollouts.some(
    (ro) =>
      !ro.res.superseded &&
      ro.namespace === namespace &&
      ro.alb?.action === action &&
      ro.alb.ingresses.includes(ingress),
  );
}
