/**
 * Build the network picture from the model, the analysis graph (src/graph) and the policy engine.
 *
 * Edges are coloured with the same evaluation the rules use: an Ingress backend edge by whether the
 * ingress controller reaches the backend's pods on the target port (`netpol-blocks-ingress-backend`),
 * a reference edge by whether the client workload reaches the Service's pods on the target port
 * (`netpol-blocks-service-reference`). test/report/graph-report.test.ts checks that the red edges and
 * those rules' findings stay in step.
 */
import type { Finding } from '../engine/types.js';
import { positionOf } from '../engine/runner.js';
import type { Graph } from '../graph/graph.js';
import type { ServiceReference } from '../graph/references.js';
import type { Loc } from '../load/source.js';
import type { Model, PodTemplate, Service, ServicePort } from '../model/model.js';
import { describeIngressBackend } from '../model/network.js';
import type { Ingress } from '../model/network.js';
import { isProtocol } from '../policy/conn.js';
import type { NetPod, PolicyEngine } from '../policy/engine.js';
import { drawConsumers } from './consumers.js';
import { evaluateEdge, finishEdge } from './evaluate.js';
import type { Evaluation, PortWant } from './evaluate.js';
import { placeFindings } from './findings.js';
import { NODE_ID, REPORT_DATA_VERSION } from './model.js';
import type {
  EdgeKind,
  PolicyRef,
  ReportData,
  ReportEdge,
  ReportFinding,
  ReportNode,
  SourcePosition,
} from './model.js';

export interface BuildInput {
  model: Model;
  graph: Graph;
  engine: PolicyEngine;
  /** Findings of the lint run (`lint()` or `runRules()`), shown on their nodes and in the table. */
  findings: readonly Finding[];
  title: string;
  version: string;
}

const KIND_ORDER: Record<string, number> = {
  controller: 0,
  ingress: 1,
  service: 2,
  missing: 3,
  workload: 4,
  policies: 5,
  external: 6,
  cluster: 7,
  namespace: 8,
};

function where(loc: Loc): SourcePosition {
  return positionOf(loc);
}

function mapText(m: ReadonlyMap<string, string>): string {
  return [...m].map(([k, v]) => `${k}=${v}`).join(', ');
}

function servicePortText(sp: ServicePort): string {
  const target = sp.target ? `${sp.target.value}` : '?';
  return `${sp.port ?? '?'}${sp.name ? ` (${sp.name})` : ''} → ${target}/${sp.protocol}`;
}

class Builder {
  readonly nodes = new Map<string, ReportNode>();
  readonly edges = new Map<string, ReportEdge & { evals: Evaluation[]; unresolved: number }>();
  private readonly controllerId: string;
  private readonly controllerName: string;

  constructor(private readonly input: BuildInput) {
    const c = input.engine.controller;
    this.controllerId = c.workload ? NODE_ID.workload(c.name) : NODE_ID.controller;
    this.controllerName = c.name;
  }

  build(): ReportData {
    const { model, graph, engine } = this.input;
    for (const pod of engine.workloadPods) this.workloadNode(pod);
    // The ingress controller is drawn when it has something to serve (or is a workload anyway).
    if (model.ingresses.some((i) => !i.res.superseded)) this.controllerNode();
    for (const svc of model.services) if (!svc.res.superseded) this.serviceNode(svc);
    for (const ing of model.ingresses) if (!ing.res.superseded) this.ingress(ing);
    drawConsumers(
      {
        add: (n) => this.add(n),
        edge: (k, s, t) => this.edge(k, s, t),
        evaluate: (src, t, w) => this.evaluate(src, t, w),
        missingNode: (ns, n) => this.missingNode(ns, n),
      },
      this.input,
    );
    for (const svc of model.services) {
      if (svc.res.superseded) continue;
      for (const t of graph.podsOf(svc)) {
        const pod = engine.podOf(t);
        if (!pod) continue;
        const e = this.edge('selects', NODE_ID.service(svc.namespace, svc.name), NODE_ID.workload(pod.name));
        e.details.push(`Service "${svc.name}" selects ${mapText(svc.selector ?? new Map())}`);
        e.at ??= where(svc.res.at('spec', 'selector'));
      }
    }
    for (const ref of graph.references) this.reference(ref);
    const findings = this.findings();
    const edges = [...this.edges.values()].map(({ evals, unresolved, ...e }) => finishEdge(e, evals, unresolved));
    const nodes = [...this.nodes.values()];
    const namespaces = [...new Set(nodes.filter((n) => n.namespace !== undefined).map((n) => n.namespace!))].sort();
    for (const ns of namespaces) {
      const res = model.namespaces.get(ns)?.res;
      nodes.push({
        id: NODE_ID.namespace(ns),
        kind: 'namespace',
        label: ns,
        subtitle: 'Namespace',
        at: res ? where(res.nameLoc) : undefined,
        info: res ? [`labels: ${mapText(res.labels) || '(none)'}`] : ['(no Namespace object in the input)'],
        findings: [],
      });
    }
    findings.forEach((f, i) => {
      for (const id of f.nodes) this.nodes.get(id)?.findings.push(i);
    });
    nodes.sort(
      (a, b) =>
        (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
        cmp(a.id, b.id),
    );
    edges.sort((a, b) => cmp(a.id, b.id));
    return {
      version: REPORT_DATA_VERSION,
      mode: 'graph',
      title: this.input.title,
      tool: { name: 'kube-netlint', version: this.input.version },
      namespaces,
      nodes,
      edges,
      findings,
    };
  }

  private add(node: ReportNode): ReportNode {
    const prev = this.nodes.get(node.id);
    if (prev) return prev;
    this.nodes.set(node.id, node);
    return node;
  }

  private workloadNode(pod: NetPod): void {
    const t = pod.workload!;
    const ports = [...t.servingPorts()].map(
      (cp) => `${cp.name ? `${cp.name} ` : ''}${String(cp.rawNumber)}/${cp.protocol}`,
    );
    this.add({
      id: NODE_ID.workload(pod.name),
      kind: 'workload',
      label: t.ownerName,
      subtitle: t.ownerKind,
      namespace: t.namespace,
      parent: NODE_ID.namespace(t.namespace),
      at: where((t.owner?.res ?? t.workload).nameLoc),
      info: [
        ...(t.owner?.variant
          ? [`${t.owner.variant}: kept apart from the template of ${t.ownerKind} "${t.ownerName}"`]
          : []),
        ...(t.members.length
          ? [
              `folds ${t.members.length} live object${t.members.length === 1 ? '' : 's'}: ${t.members
                .slice(0, 5)
                .map((m) => `${m.workload.kind} "${m.workload.name}"`)
                .join(', ')}${t.members.length > 5 ? ', …' : ''}`,
            ]
          : []),
        `pod labels: ${mapText(t.labels) || '(none)'}`,
        `ports: ${ports.join(', ') || '(none declared)'}`,
        ...(t.hostNetwork ? ['hostNetwork: true (how policies apply depends on the network plugin)'] : []),
      ],
      findings: [],
      policies: { ingress: this.policiesOn(pod, 'ingress'), egress: this.policiesOn(pod, 'egress') },
    });
  }

  /**
   * The policies that speak for a pod in a direction: its NetworkPolicies (`namespace/name`), then
   * the Admin tier, Cilium policies and the Baseline tier, named with their kind.
   */
  private policiesOn(pod: NetPod, dir: 'ingress' | 'egress'): PolicyRef[] {
    const engine = this.input.engine;
    const ref = (
      res: { kind: string; namespace: string | null; name: string; nameLoc: Loc },
      withKind: boolean,
    ): PolicyRef => ({
      name: `${withKind ? `${res.kind} ` : ''}${res.namespace ? `${res.namespace}/` : ''}${res.name}`,
      ...where(res.nameLoc),
    });
    const out = (dir === 'ingress' ? engine.isolatedIngress(pod) : engine.isolatedEgress(pod)).map((np) =>
      ref(np.res, false),
    );
    const seen = new Set<unknown>();
    const add = (res: { kind: string; namespace: string | null; name: string; nameLoc: Loc }) => {
      if (seen.has(res)) return;
      seen.add(res);
      out.push(ref(res, true));
    };
    for (const p of engine.tiers.policiesOf('Admin', dir, pod.id)) add(p.res);
    for (const r of engine.cilium.rulesOf(dir, pod.id)) add(r.policy.res);
    for (const p of engine.tiers.policiesOf('Baseline', dir, pod.id)) add(p.res);
    return out;
  }

  private controllerNode(): void {
    const c = this.input.engine.controller;
    const policy = (list: { res: { namespace: string | null; name: string; nameLoc: Loc } }[]): PolicyRef[] =>
      list.map((np) => ({ name: `${np.res.namespace}/${np.res.name}`, ...where(np.res.nameLoc) }));
    if (c.workload) {
      const node = this.nodes.get(this.controllerId);
      if (node) {
        node.ingressController = true;
        node.info.unshift(
          this.input.engine.settings.ingressController
            ? 'runs the ingress controller (ingressController in the configuration)'
            : "runs the ingress controller (read from the input: the Ingresses' IngressClass and this workload's image, labels or arguments)",
        );
      }
      return;
    }
    const anonymous = c.namespace === '{ingress-controller}';
    this.add({
      id: NODE_ID.controller,
      kind: 'controller',
      label: c.name,
      subtitle: 'ingress controller',
      namespace: anonymous ? undefined : c.namespace,
      parent: anonymous ? undefined : NODE_ID.namespace(c.namespace),
      info: anonymous
        ? [
            'a stand-in: an unlabelled pod in a namespace of its own (set ingressController in .kube-netlint.yaml to say where it runs)',
          ]
        : [
            `a stand-in for the pods labelled ${mapText(c.labels) || '(any)'} in namespace ${c.namespace} (none is in the input)`,
          ],
      findings: [],
      policies: {
        ingress: policy(this.input.engine.isolatedIngress(c)),
        egress: policy(this.input.engine.isolatedEgress(c)),
      },
    });
  }

  private serviceNode(svc: Service): void {
    const info = [
      svc.type === 'ExternalName'
        ? `externalName: ${svc.externalName ?? '(missing)'}`
        : `selector: ${svc.selector ? mapText(svc.selector) : '(none: endpoints come from elsewhere)'}`,
      `ports: ${svc.ports.map(servicePortText).join(', ') || '(none)'}`,
    ];
    if (svc.headless) info.push('headless (clusterIP: None)');
    this.add({
      id: NODE_ID.service(svc.namespace, svc.name),
      kind: 'service',
      label: svc.name,
      subtitle: svc.type === 'ClusterIP' ? 'Service' : `Service (${svc.type})`,
      namespace: svc.namespace,
      parent: NODE_ID.namespace(svc.namespace),
      at: where(svc.res.nameLoc),
      info,
      findings: [],
    });
  }

  private missingNode(namespace: string, name: string): string {
    const id = NODE_ID.missing(namespace, name);
    this.add({
      id,
      kind: 'missing',
      label: name,
      subtitle: 'Service (not in the input)',
      namespace,
      parent: NODE_ID.namespace(namespace),
      info: [`no Service "${name}" in namespace "${namespace}" is defined in the input`],
      findings: [],
    });
    return id;
  }

  private edge(kind: EdgeKind, source: string, target: string) {
    const id = `${kind}:${source}->${target}`;
    let e = this.edges.get(id);
    if (!e) {
      e = { id, kind, source, target, status: 'none', label: '', details: [], explain: [], evals: [], unresolved: 0 };
      this.edges.set(id, e);
    }
    return e;
  }

  /** Evaluate src → the pods of `t` on the wanted ports, as the rules do, with `explain` texts. */
  private evaluate(src: NetPod, t: PodTemplate, wants: PortWant[]): Evaluation | undefined {
    return evaluateEdge(this.input.engine, src, t, wants);
  }

  private ingress(ing: Ingress): void {
    const { graph, engine } = this.input;
    const ingId = NODE_ID.ingress(ing.namespace, ing.res.name);
    const info: string[] = [];
    if (ing.className) info.push(`class: ${ing.className}${ing.classSource === 'annotation' ? ' (annotation)' : ''}`);
    if (ing.legacy) info.push(`apiVersion ${ing.res.apiVersion} (removed in Kubernetes 1.22)`);
    for (const b of ing.backends) {
      const to =
        b.kind === 'service'
          ? `Service ${b.serviceName ?? '?'}:${b.port?.number ?? b.port?.name ?? '?'}`
          : b.kind === 'resource'
            ? 'a resource backend'
            : 'an invalid backend';
      info.push(`${describeIngressBackend(b)} → ${to}`);
    }
    this.add({
      id: ingId,
      kind: 'ingress',
      label: ing.res.name,
      subtitle: 'Ingress',
      namespace: ing.namespace,
      parent: NODE_ID.namespace(ing.namespace),
      at: where(ing.res.nameLoc),
      info,
      findings: [],
    });
    const serves = this.edge('serves', this.controllerId, ingId);
    serves.details.push(
      `the ingress controller serves Ingress "${ing.namespace}/${ing.res.name}"${ing.className ? ` (class ${ing.className})` : ''}`,
    );
    // The controller of this Ingress's class, as the rule sees it (a load balancer outside the
    // cluster has no pods: the stand-in is drawn instead).
    const controller = engine.ingressControllerFor(ing).pods[0] ?? engine.controller;
    for (const b of ing.backends) {
      if (b.kind !== 'service' || !b.serviceName) continue;
      const r = graph.ingressBackend(b);
      const at = where(ing.res.at(...(b.serviceNamePath ?? b.path)));
      const what = describeIngressBackend(b);
      if (r.status !== 'ok' && r.status !== 'no-port') {
        const e = this.edge('backend', ingId, this.missingNode(ing.namespace, b.serviceName));
        e.at ??= at;
        e.details.push(`${what}: Service "${b.serviceName}" does not exist in namespace "${ing.namespace}"`);
        e.unresolved++;
        continue;
      }
      const svcId = NODE_ID.service(r.service.namespace, r.service.name);
      const e = this.edge('backend', ingId, svcId);
      e.at ??= at;
      if (r.status === 'no-port') {
        e.details.push(
          `${what}: port ${String(b.port?.number ?? b.port?.name ?? '(none)')} is not a TCP port of Service "${r.service.name}"`,
        );
        e.unresolved++;
        continue;
      }
      const sp = r.servicePort;
      e.details.push(`${what} → Service port ${sp.port}${sp.name ? ` (${sp.name})` : ''}`);
      const pods = graph.podsOf(r.service);
      if (pods.length === 0 || !isProtocol(sp.protocol)) {
        if (pods.length === 0) e.details.push(`Service "${r.service.name}" selects no pods`);
        e.unresolved++;
        continue;
      }
      let evaluated = 0;
      for (const t of pods) {
        const target = graph.resolveTarget(sp, t);
        if (!target || (target.status !== 'ok' && target.status !== 'undeclared')) continue;
        const ev = this.evaluate(controller, t, [{ protocol: sp.protocol, port: target.number }]);
        if (!ev) continue;
        evaluated++;
        e.evals.push(ev);
        const pod = engine.podOf(t)!;
        const sel = this.edge('selects', svcId, NODE_ID.workload(pod.name));
        sel.evals.push(ev);
        sel.details.push(`Ingress traffic: ${what} of Ingress "${ing.res.name}" → ${sp.protocol} ${target.number}`);
      }
      if (evaluated === 0) {
        e.details.push(`the target port ${sp.target?.value ?? '?'} does not resolve on the selected pods`);
        e.unresolved++;
      }
    }
  }

  private reference(ref: ServiceReference): void {
    const { graph, engine } = this.input;
    const srcPod = engine.podOf(ref.pod);
    if (!srcPod) return;
    const srcId = NODE_ID.workload(srcPod.name);
    const what = `${ref.envName ? `env ${ref.envName}` : ref.source}${ref.via ? ` (ConfigMap "${ref.via.configMap.res.name}" key ${ref.via.key})` : ''}: ${ref.text}`;
    const svc = ref.service;
    if (!svc) {
      if (ref.problem !== 'no-service') {
        this.nodes
          .get(srcId)
          ?.info.push(`calls ${ref.text} (${ref.serviceName}.${ref.namespace}: a namespace the input does not cover)`);
        return;
      }
      const e = this.edge('reference', srcId, this.missingNode(ref.namespace, ref.serviceName));
      e.at ??= where(ref.at);
      e.details.push(`${what}: no Service "${ref.serviceName}" in namespace "${ref.namespace}"`);
      e.unresolved++;
      return;
    }
    const e = this.edge('reference', srcId, NODE_ID.service(svc.namespace, svc.name));
    e.at ??= where(ref.at);
    if (ref.problem) {
      e.details.push(`${what}: port ${ref.port} is not a port of Service "${svc.name}"`);
      e.unresolved++;
      return;
    }
    e.details.push(what);
    if (svc.type === 'ExternalName' || !svc.selector) {
      e.details.push(
        svc.type === 'ExternalName'
          ? 'an ExternalName Service: traffic leaves the cluster (not evaluated)'
          : 'a Service without selector: its endpoints are not in the input (not evaluated)',
      );
      return;
    }
    // As netpol-blocks-service-reference: the Service port's target on each pod, or any Service port
    // when the reference names none; a headless Service is reached on the pod port itself.
    const ports: ServicePort[] = ref.servicePort ? [ref.servicePort] : ref.port === undefined ? svc.ports : [];
    let evaluated = 0;
    for (const t of graph.podsOf(svc)) {
      if (t === ref.pod) continue; // a pod can always reach itself
      let wants: PortWant[] = [];
      for (const sp of ports) {
        const r = graph.resolveTarget(sp, t);
        if (r && (r.status === 'ok' || r.status === 'undeclared') && isProtocol(sp.protocol))
          wants.push({ protocol: sp.protocol, port: r.number });
      }
      if (ref.port !== undefined && !ref.servicePort && svc.headless) wants = [{ protocol: 'TCP', port: ref.port }];
      const ev = this.evaluate(srcPod, t, wants);
      if (!ev) continue;
      evaluated++;
      e.evals.push(ev);
    }
    if (evaluated === 0) {
      e.details.push(
        graph.podsOf(svc).length === 0
          ? `Service "${svc.name}" selects no pods`
          : 'no target port resolves on the selected pods',
      );
      e.unresolved++;
    }
  }

  /** The findings of the lint run, each placed on the nodes it is about (findings.ts). */
  private findings(): ReportFinding[] {
    return placeFindings(this.input, this.nodes, (n) => this.add(n));
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The network picture of one version of the manifests. */
export function buildReportData(input: BuildInput): ReportData {
  return new Builder(input).build();
}
