/**
 * Objects of add-ons that name Services and ports: prometheus-operator monitors and Prometheus,
 * Argo Rollouts, Istio routing, Traefik IngressRoutes and Contour HTTPProxies. The typed views are
 * in their own modules; this collects them while the model is built.
 */
import type { Resource } from './resource.js';
import { prometheusFrom, podMonitorFrom, serviceMonitorFrom } from './monitoring.js';
import type { PodMonitorInfo, PrometheusInfo, ServiceMonitorInfo } from './monitoring.js';
import { rolloutFrom } from './rollouts.js';
import type { RolloutInfo } from './rollouts.js';
import { destinationRuleFrom, serviceEntryFrom, virtualServiceFrom } from './istio.js';
import type { DestinationRuleInfo, ServiceEntryInfo, VirtualServiceInfo } from './istio.js';
import { httpProxyFrom, ingressRouteFrom } from './ingress-routes.js';
import type { IngressRouteInfo } from './ingress-routes.js';

const MONITORING_GROUP = 'monitoring.coreos.com';
const ISTIO_GROUPS: ReadonlySet<string> = new Set(['networking.istio.io']);
const TRAEFIK_GROUPS: ReadonlySet<string> = new Set(['traefik.io', 'traefik.containo.us']);

export class Consumers {
  readonly serviceMonitors: ServiceMonitorInfo[] = [];
  readonly podMonitors: PodMonitorInfo[] = [];
  readonly prometheuses: PrometheusInfo[] = [];
  readonly rollouts: RolloutInfo[] = [];
  readonly virtualServices: VirtualServiceInfo[] = [];
  readonly destinationRules: DestinationRuleInfo[] = [];
  readonly serviceEntries: ServiceEntryInfo[] = [];
  /** Traefik IngressRoutes (HTTP and TCP) and Contour HTTPProxies: Ingress-like routes to Services. */
  readonly ingressRoutes: IngressRouteInfo[] = [];

  /** Add an object of one of the kinds above (others are left alone). */
  add(r: Resource): void {
    switch (r.kind) {
      case 'ServiceMonitor':
        if (r.group === MONITORING_GROUP) this.serviceMonitors.push(serviceMonitorFrom(r));
        return;
      case 'PodMonitor':
        if (r.group === MONITORING_GROUP) this.podMonitors.push(podMonitorFrom(r));
        return;
      case 'Prometheus':
        if (r.group === MONITORING_GROUP) this.prometheuses.push(prometheusFrom(r));
        return;
      case 'Rollout':
        if (r.group === 'argoproj.io') this.rollouts.push(rolloutFrom(r));
        return;
      case 'VirtualService':
        if (ISTIO_GROUPS.has(r.group)) this.virtualServices.push(virtualServiceFrom(r));
        return;
      case 'DestinationRule':
        if (ISTIO_GROUPS.has(r.group)) this.destinationRules.push(destinationRuleFrom(r));
        return;
      case 'ServiceEntry':
        if (ISTIO_GROUPS.has(r.group)) this.serviceEntries.push(serviceEntryFrom(r));
        return;
      case 'IngressRoute':
      case 'IngressRouteTCP':
      case 'IngressRouteUDP':
        if (TRAEFIK_GROUPS.has(r.group)) this.ingressRoutes.push(ingressRouteFrom(r));
        return;
      case 'HTTPProxy':
        if (r.group === 'projectcontour.io') this.ingressRoutes.push(httpProxyFrom(r));
        return;
    }
  }
}
