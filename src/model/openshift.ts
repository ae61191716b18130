/**
 * OpenShift Route (route.openshift.io/v1): an entry like an Ingress. The router sends outside
 * traffic for `host`/`path` to the Service in `to` and the `alternateBackends` (weighted). A
 * Route is modelled as an Ingress whose backends carry `routeTargetPort`: its `port.targetPort`
 * names a Service port by name, or a number that the router matches against the endpoints'
 * (target) port; without it the router uses the Service's ports.
 */
import type { Path } from '../load/source.js';
import { Ingress } from './network.js';
import type { IngressBackend } from './network.js';
import { asArray, asInt, asMap, asString, scalarText } from './resource.js';
import type { Resource } from './resource.js';

export const OPENSHIFT_ROUTE_GROUP = 'route.openshift.io';

export class OpenShiftRoute extends Ingress {
  constructor(res: Resource) {
    super(res);
    const spec = asMap(res.raw.spec) ?? {};
    const route = { host: asString(spec.host), path: asString(spec.path) ?? '/' };
    const port = asMap(spec.port);
    const target = port?.targetPort;
    const portRef =
      target === undefined || target === null
        ? undefined
        : typeof target === 'number'
          ? { number: asInt(target), raw: target, path: ['spec', 'port', 'targetPort'] as Path }
          : { name: scalarText(target), raw: target, path: ['spec', 'port', 'targetPort'] as Path };
    const add = (raw: unknown, path: Path) => {
      const to = asMap(raw);
      if (!to) return;
      const kind = asString(to.kind) ?? 'Service';
      const b: IngressBackend = {
        ingress: this,
        path,
        kind: kind === 'Service' ? 'service' : 'resource',
        route,
        routeTargetPort: true,
      };
      if (kind === 'Service') {
        b.serviceName = scalarText(to.name);
        b.serviceNamePath = [...path, 'name'];
        b.port = portRef;
      }
      this.backends.push(b);
    };
    add(spec.to, ['spec', 'to']);
    asArray(spec.alternateBackends).forEach((b, i) => add(b, ['spec', 'alternateBackends', i]));
  }
}
