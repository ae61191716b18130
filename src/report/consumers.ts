/**
 * The Service consumers of the analysis graph (src/graph) besides Ingresses, drawn with the Ingress shapes: a Gateway (or a
 * Prometheus) like an ingress controller, its routes (or monitors) like Ingresses, their backends
 * as `backend` edges to Services, evaluated from the Gateway's (Prometheus') pods.
 */
import { positionOf } from '../engine/runner.js';
import type { Graph } from '../graph/graph.js';
import { monitorTargets, prometheusSelects } from '../graph/monitoring.js';
import type { Model, PodTemplate, Service, ServicePort } from '../model/model.js';
import type { Resource } from '../model/resource.js';
import type { Protocol } from '../policy/conn.js';
import { isProtocol } from '../policy/conn.js';
import type { NetPod, PolicyEngine } from '../policy/engine.js';
import { NODE_ID } from './model.js';
import type { EdgeKind, ReportEdge, ReportNode } from './model.js';

/** What the picture's builder (build.ts) lends to this module. */
export interface Drawing {
  add(node: ReportNode): ReportNode;
  edge(kind: EdgeKind, source: string, target: string): ReportEdge & { evals: unknown[]; unresolved: number };
  /** Evaluate `src` → the pods of `t` on the ports (undefined: nothing to evaluate). */
  evaluate(src: NetPod, t: PodTemplate, wants: { protocol: Protocol; port: number }[]): unknown;
  missingNode(namespace: string, name: string): string;
}

const nodeId = (kind: string, r: Resource) => `${kind}:${r.namespace ?? ''}/${r.kind}/${r.name}`;

function objectNode(d: Drawing, id: string, kind: 'controller' | 'ingress', r: Resource, info: string[]): string {
  const ns = r.namespace ?? undefined;
  d.add({
    id,
    kind,
    label: r.name,
    subtitle: r.kind,
    namespace: ns,
    parent: ns ? NODE_ID.namespace(ns) : undefined,
    at: positionOf(r.nameLoc),
    info,
    findings: [],
  });
  return id;
}

/** A backend edge from `from` to a Service port, evaluated from `src` pods. */
function backend(
  d: Drawing,
  graph: Graph,
  engine: PolicyEngine,
  from: string,
  srcPods: NetPod[],
  svc: Service,
  ports: ServicePort[],
  what: string,
  at: Resource,
): void {
  const svcId = NODE_ID.service(svc.namespace, svc.name);
  const e = d.edge('backend', from, svcId);
  e.at ??= positionOf(at.nameLoc);
  e.details.push(`${what} → Service "${svc.name}" port ${ports.map((p) => p.port).join(', ') || '(none)'}`);
  let evaluated = 0;
  for (const sp of ports) {
    if (!isProtocol(sp.protocol)) continue;
    for (const t of graph.podsOf(svc)) {
      const target = graph.resolveTarget(sp, t);
      if (!target || (target.status !== 'ok' && target.status !== 'undeclared')) continue;
      for (const src of srcPods) {
        const ev = d.evaluate(src, t, [{ protocol: sp.protocol, port: target.number }]);
        if (!ev) continue;
        evaluated++;
        e.evals.push(ev);
        const pod = engine.podOf(t);
        if (pod) d.edge('selects', svcId, NODE_ID.workload(pod.name)).evals.push(ev);
      }
    }
  }
  if (evaluated === 0) e.unresolved++;
}

export function drawConsumers(d: Drawing, input: { model: Model; graph: Graph; engine: PolicyEngine }): void {
  const { model, graph, engine } = input;
  const standIns = new Map(engine.standIns.map((s) => [s.standIn.res, s.pods]));
  // Gateways and the routes they accept.
  for (const route of model.routes) {
    if (route.res.superseded) continue;
    const routeId = objectNode(d, nodeId('route', route.res), 'ingress', route.res, [
      `hostnames: ${route.hostnames.join(', ') || '(any)'}`,
    ]);
    const gateways: NetPod[] = [];
    for (const ref of route.parentRefs) {
      const a = graph.gateways.attachment(route, ref);
      if (a.status !== 'accepted') continue;
      const gwId = objectNode(
        d,
        nodeId('gw', a.gateway.res),
        'controller',
        a.gateway.res,
        a.gateway.listeners.map(
          (l) => `listener ${l.name}: ${l.protocol} ${l.port ?? '?'}${l.hostname ? ` ${l.hostname}` : ''}`,
        ),
      );
      d.edge('serves', gwId, routeId).details.push(
        `Gateway "${a.gateway.namespace}/${a.gateway.name}" accepts ${route.kind} "${route.res.name}" on listener${a.listeners.length === 1 ? '' : 's'} ${a.listeners.map((l) => l.name).join(', ')}`,
      );
      gateways.push(...(standIns.get(a.gateway.res) ?? []));
    }
    for (const ref of route.backendRefs) {
      if (!ref.name) continue;
      const r = graph.routeBackend(ref);
      const what = `${route.kind} "${route.res.name}" backendRef "${ref.name}"`;
      if (r.status === 'no-service' && model.namespaces.has(ref.namespace)) {
        const e = d.edge('backend', routeId, d.missingNode(ref.namespace, ref.name));
        e.details.push(`${what}: Service "${ref.name}" does not exist in namespace "${ref.namespace}"`);
        e.unresolved++;
      } else if (r.status === 'ok' || r.status === 'no-port') {
        backend(
          d,
          graph,
          engine,
          routeId,
          gateways,
          r.service,
          r.status === 'ok' ? [r.servicePort] : [],
          what,
          route.res,
        );
      }
    }
  }
  // ServiceMonitors, and the Prometheus that picks each up.
  for (const m of model.consumers.serviceMonitors) {
    if (m.res.superseded) continue;
    const monId = objectNode(d, nodeId('mon', m.res), 'ingress', m.res, [
      `endpoints: ${m.endpoints.map((e) => e.port ?? '?').join(', ') || '(none)'}`,
    ]);
    const scrapers: NetPod[] = [];
    for (const p of model.consumers.prometheuses) {
      if (p.res.superseded || !prometheusSelects(graph, p, m)) continue;
      const promId = objectNode(d, nodeId('prom', p.res), 'controller', p.res, [
        'prometheus-operator Prometheus (its pods are a stand-in unless the input has them)',
      ]);
      d.edge('serves', promId, monId).details.push(
        `Prometheus "${p.namespace}/${p.name}" picks up ServiceMonitor "${m.res.name}"`,
      );
      scrapers.push(...(standIns.get(p.res) ?? []));
    }
    for (const svc of monitorTargets(graph, m).services) {
      const ports = svc.ports.filter((sp) => m.endpoints.some((e) => e.port === undefined || e.port === sp.name));
      backend(d, graph, engine, monId, scrapers, svc, ports, `ServiceMonitor "${m.res.name}"`, m.res);
    }
  }
}
