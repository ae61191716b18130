import { defineRule } from '../src/engine/types.js';
import type { RuleContext } from '../src/engine/types.js';
import { list, q } from '../src/util/text.js';
import { monitorTargets, prometheusSelects } from '../src/graph/monitoring.js';
import type { PodTemplate } from '../src/model/model.js';
import type { Resource } from '../src/model/resource.js';
import { asMap } from '../src/model/resource.js';
import { ConnSet } from '../src/policy/conn.js';
import type { NetPod } from '../src/policy/engine.js';

/** A scrape: the Prometheus pod, the pod scraped, the TCP port, and what asks for it. */
interface Scrape {
  from: NetPod;
  prometheus: string;
  pod: PodTemplate;
  port: number;
  why: string;
  source: Resource;
}

export default defineRule(
  {
    id: 'netpol-blocks-monitoring',
    severity: 'error',
    description:
      'NetworkPolicies stop the Prometheus pods from reaching a port that a ServiceMonitor, ' +
      'a PodMonitor or a prometheus.io/scrape annotation asks them to scrape.',
  },
  (ctx) => {
    if (ctx.model.networkPolicies.length === 0) return;
    const engine = ctx.policy;
    const prometheus = engine.standIns.filter((s) => s.standIn.kind === 'prometheus');
    // A Prometheus server deployed as a workload of the input (Helm chart, plain manifests).
    // Or the one the configuration names (its own pods in the input, or a stand-in).
    const servers =
      engine.configuredPrometheus ??
      engine.workloadPods.filter(
        (p) => p.labels.get('app.kubernetes.io/name') === 'prometheus' || p.labels.get('app') === 'prometheus',
      );
    if (prometheus.length === 0 && servers.length === 0) return;
    const seen = new Set<string>();
    for (const scrape of [...scrapes(ctx, prometheus), ...annotated(ctx, servers)]) {
      const dst = engine.podOf(scrape.pod);
      if (!dst) continue;
      const want = ConnSet.of('TCP', scrape.port);
      const e = engine.evaluate({ kind: 'pod', pod: scrape.from }, { kind: 'pod', pod: dst }, true);
      if (!e.conn.intersect(want).isEmpty) continue;
      const ingressBlocks = e.ingress && e.ingress.isolatedBy.length > 0 && e.ingress.conn.intersect(want).isEmpty;
      const egressBlocks = e.egress && e.egress.isolatedBy.length > 0 && e.egress.conn.intersect(want).isEmpty;
      const blockers = [...(ingressBlocks ? e.ingress!.isolatedBy : []), ...(egressBlocks ? e.egress!.isolatedBy : [])];
      const policy = blockers[0];
      if (!policy) continue;
      const key = `${policy.res.key}|${scrape.pod.id}|${scrape.port}|${scrape.prometheus}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const sides: string[] = [];
      if (ingressBlocks)
        sides.push(
          `${list(
            e.ingress!.isolatedBy.map((p) => q(p.name)),
            3,
          )} isolate${e.ingress!.isolatedBy.length === 1 ? 's' : ''} ${scrape.pod.display} for ingress and no rule ` +
            `admits Prometheus on TCP ${scrape.port}`,
        );
      if (egressBlocks)
        sides.push(
          `${list(
            e.egress!.isolatedBy.map((p) => q(p.name)),
            3,
          )} isolate${e.egress!.isolatedBy.length === 1 ? 's' : ''} the Prometheus pods for egress without allowing it`,
        );
      ctx.report({
        at: policy.res.keyAt('spec', 'podSelector'),
        object: policy.res,
        message:
          `${scrape.why} → ${scrape.pod.display} TCP ${scrape.port} is blocked for ` +
          `Prometheus ${q(scrape.prometheus)} (pods ${[...scrape.from.labels]
            .slice(0, 2)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')} in namespace ${q(scrape.from.namespace)}): ${sides.join('; ')}; ` +
          `the target is down and its metrics missing`,
        related: [
          { at: scrape.source.nameLoc, message: scrape.source.display },
          ...blockers
            .slice(1, 3)
            .map((p) => ({ at: p.res.keyAt('spec', 'podSelector'), message: `also isolates: ${p.res.display}` })),
        ],
      });
    }
  },
);

function* scrapes(
  ctx: RuleContext,
  prometheus: { standIn: { res: Resource; name: string }; pods: NetPod[] }[],
): Generator<Scrape> {
  const { serviceMonitors, podMonitors, prometheuses } = ctx.model.consumers;
  for (const { standIn, pods } of prometheus) {
    const from = pods[0];
    const info = prometheuses.find((p) => p.res === standIn.res);
    if (!info || !from) continue;
    const name = `${info.namespace}/${info.name}`;
    for (const m of serviceMonitors) {
      if (m.res.superseded || !prometheusSelects(ctx.graph, info, m)) continue;
      const t = monitorTargets(ctx.graph, m);
      for (const e of m.endpoints) {
        for (const svc of t.services) {
          for (const sp of svc.ports) {
            if (sp.protocol !== 'TCP' || (e.port !== undefined && sp.name !== e.port)) continue;
            for (const pod of ctx.graph.podsOf(svc)) {
              const r = ctx.graph.resolveTarget(sp, pod);
              if (!r || (r.status !== 'ok' && r.status !== 'undeclared')) continue;
              yield {
                from,
                prometheus: name,
                pod,
                port: r.number,
                why: `${m.res.displayShort} → Service ${q(svc.name)} port ${q(sp.name ?? String(sp.port))}`,
                source: m.res,
              };
            }
          }
        }
      }
    }
    for (const m of podMonitors) {
      if (m.res.superseded || !prometheusSelects(ctx.graph, info, m)) continue;
      const t = monitorTargets(ctx.graph, m);
      for (const e of m.endpoints) {
        for (const pod of t.pods) {
          for (const cp of pod.servingPorts()) {
            if (cp.protocol !== 'TCP' || cp.number === undefined) continue;
            if (e.port !== undefined ? cp.name !== e.port : e.portNumber !== undefined && cp.number !== e.portNumber)
              continue;
            yield {
              from,
              prometheus: name,
              pod,
              port: cp.number,
              why: `${m.res.displayShort} port ${q(e.port ?? String(cp.number))}`,
              source: m.res,
            };
          }
        }
      }
    }
  }
}

/**
 * Pods annotated `prometheus.io/scrape: "true"` with a `prometheus.io/port`, for a Prometheus
 * server of the input (whose configuration conventionally has the kubernetes-pods job; the
 * operator's Prometheus resource has no such job by default).
 */
function* annotated(ctx: RuleContext, servers: NetPod[]): Generator<Scrape> {
  if (servers.length === 0) return;
  for (const pod of ctx.model.podTemplates) {
    if (pod.workload.superseded) continue;
    const ann = asMap(asMap(pod.template.metadata)?.annotations);
    if (ann?.['prometheus.io/scrape'] !== 'true') continue;
    const port = Number(ann['prometheus.io/port']);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) continue;
    for (const from of servers) {
      if (from.workload === pod) continue;
      yield {
        from,
        prometheus: from.name,
        pod,
        port,
        why: `prometheus.io/scrape annotation of ${pod.display}`,
        source: pod.workload,
      };
    }
  }
}
