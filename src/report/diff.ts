/**
 * The diff view: two versions of the network picture merged into one, with each edge marked by how
 * the connection it stands for changed, and the connections of `kube-netlint diff` that no edge
 * stands for drawn as extra edges.
 *
 * An edge's connection is what NetworkPolicies let through on it (`allowed` or `partial`), on the
 * ports of its label. `added`: allowed now, not before (a new edge, or one that was blocked);
 * `removed`: allowed before, not now (turned red, or gone); `changed`: allowed in both, on other
 * ports or for other pods; `unchanged` otherwise. Structural edges that carry no evaluated traffic
 * (`none`) count as a connection while they exist.
 */
import type { ConnectionDiff } from '../policy/report.js';
import { INGRESS_CONTROLLER } from '../policy/engine.js';
import type { PolicyEngine } from '../policy/engine.js';
import { explainText } from '../format/connectivity/explain.js';
import { NODE_ID, REPORT_DATA_VERSION, isAllowed } from './model.js';
import type { DiffStatus, EdgeStatus, ReportChange, ReportData, ReportEdge, ReportNode } from './model.js';

/** Connection edges drawn for changes no other edge stands for (the rest stay in the table). */
export const MAX_CONNECTION_EDGES = 400;
/** Changes listed in the page's table. */
export const MAX_CHANGES = 5000;

export interface DiffInput {
  before: ReportData;
  after: ReportData;
  changes: ConnectionDiff[];
  title: string;
  /** The engines of both versions, for the `explain` of connection edges. */
  engines?: { before: PolicyEngine; after: PolicyEngine };
}

function connects(status: EdgeStatus): boolean {
  return status === 'none' || isAllowed(status);
}

function edgeDiff(oldEdge: ReportEdge | undefined, newEdge: ReportEdge | undefined): DiffStatus {
  const was = oldEdge !== undefined && connects(oldEdge.status);
  const is = newEdge !== undefined && connects(newEdge.status);
  if (!was && is) return 'added';
  if (was && !is) return 'removed';
  if (was && is && (oldEdge!.status !== newEdge!.status || oldEdge!.label !== newEdge!.label)) return 'changed';
  return 'unchanged';
}

function explainPair(engine: PolicyEngine, src: string, dst: string): string | undefined {
  const find = (spec: string) => (spec === INGRESS_CONTROLLER ? [engine.controller] : engine.findPod(spec, ''));
  const s = find(src);
  const d = find(dst);
  if (s.length !== 1 || d.length !== 1) return undefined;
  return explainText({
    src,
    dst,
    explanation: engine.evaluate({ kind: 'pod', pod: s[0] }, { kind: 'pod', pod: d[0] }, true),
  });
}

export function buildDiffData(input: DiffInput): ReportData {
  const { before, after } = input;
  const nodes = new Map<string, ReportNode>();
  const beforeNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const afterIds = new Set(after.nodes.map((n) => n.id));
  for (const n of after.nodes)
    nodes.set(n.id, beforeNodes.has(n.id) || n.kind === 'namespace' ? { ...n } : { ...n, presence: 'new' });
  for (const n of before.nodes) {
    if (!afterIds.has(n.id))
      nodes.set(n.id, { ...n, findings: [], presence: n.kind === 'namespace' ? undefined : 'old' });
  }

  const edges = new Map<string, ReportEdge>();
  const beforeEdges = new Map(before.edges.map((e) => [e.id, e]));
  const afterEdges = new Map(after.edges.map((e) => [e.id, e]));
  for (const e of after.edges) {
    const o = beforeEdges.get(e.id);
    edges.set(e.id, {
      ...e,
      details: [...e.details],
      diff: edgeDiff(o, e),
      ...(o ? { old: { status: o.status, label: o.label, explain: o.explain } } : { presence: 'new' as const }),
    });
  }
  for (const o of before.edges) {
    if (afterEdges.has(o.id)) continue;
    edges.set(o.id, {
      ...o,
      details: [...o.details],
      explain: [],
      diff: edgeDiff(o, undefined),
      presence: 'old',
      old: { status: o.status, label: o.label, explain: o.explain },
    });
  }

  // Which node stands for an endpoint of `kube-netlint connectivity`?
  const controllerIds = new Set([
    NODE_ID.controller,
    ...[...nodes.values()].filter((n) => n.ingressController).map((n) => n.id),
  ]);
  const nodeOf = (name: string): string => {
    if (name === INGRESS_CONTROLLER) return [...controllerIds].find((id) => nodes.has(id)) ?? NODE_ID.controller;
    const wl = NODE_ID.workload(name);
    if (nodes.has(wl)) return wl;
    const id = NODE_ID.external(name);
    if (!nodes.has(id))
      nodes.set(id, {
        id,
        kind: 'external',
        label: name,
        subtitle: 'external addresses',
        info: ['an IPv4 range outside the cluster, as the policies cut the address space'],
        findings: [],
      });
    return id;
  };
  const out = [...edges.values()];
  const bySource = new Map<string, ReportEdge[]>();
  for (const e of out) {
    const list = bySource.get(e.source);
    if (list) list.push(e);
    else bySource.set(e.source, [e]);
  }
  /** The edge that stands for traffic src → dst: a reference through a Service, or Ingress traffic. */
  const covering = (src: string, dst: string): ReportEdge | undefined => {
    if (controllerIds.has(src)) {
      return out.find(
        (e) => e.kind === 'selects' && e.target === dst && (e.status !== 'none' || (e.old && e.old.status !== 'none')),
      );
    }
    for (const ref of bySource.get(src) ?? []) {
      if (ref.kind !== 'reference') continue;
      if ((bySource.get(ref.target) ?? []).some((s) => s.kind === 'selects' && s.target === dst)) return ref;
    }
    return undefined;
  };

  const changes: ReportChange[] = [];
  let drawn = 0;
  for (const c of input.changes) {
    const line =
      c.diff === 'added'
        ? `+ ${c.src} => ${c.dst} : ${c.new}`
        : c.diff === 'removed'
          ? `- ${c.src} => ${c.dst} : ${c.old}`
          : `~ ${c.src} => ${c.dst} : ${c.old} -> ${c.new}`;
    const change: ReportChange = {
      diff: c.diff,
      src: c.src,
      dst: c.dst,
      ...(c.old ? { old: c.old.toString() } : {}),
      ...(c.new ? { new: c.new.toString() } : {}),
    };
    const src = nodeOf(c.src);
    const dst = nodeOf(c.dst);
    const cover = covering(src, dst);
    if (cover) {
      cover.details.push(`connectivity: ${line}`);
      change.edge = cover.id;
    } else if (drawn < MAX_CONNECTION_EDGES) {
      drawn++;
      const id = `connection:${src}->${dst}`;
      const explainNew = input.engines ? explainPair(input.engines.after, c.src, c.dst) : undefined;
      const explainOld = input.engines ? explainPair(input.engines.before, c.src, c.dst) : undefined;
      const e: ReportEdge = {
        id,
        kind: 'connection',
        source: src,
        target: dst,
        status: c.new ? 'allowed' : 'blocked',
        label: (c.new ?? c.old)!.toString(),
        details: [`connectivity: ${line}`],
        explain: explainNew ? [{ text: explainNew, allowed: c.new !== undefined }] : [],
        diff: c.diff,
        old: {
          status: c.old ? 'allowed' : 'blocked',
          label: c.old?.toString() ?? '',
          explain: explainOld ? [{ text: explainOld, allowed: c.old !== undefined }] : [],
        },
      };
      out.push(e);
      change.edge = id;
    }
    if (changes.length < MAX_CHANGES) changes.push(change);
  }
  // Unused external nodes (changes beyond the drawing limit) are dropped again.
  const used = new Set(out.flatMap((e) => [e.source, e.target]));
  const nodeList = [...nodes.values()].filter((n) => n.kind !== 'external' || used.has(n.id));
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    version: REPORT_DATA_VERSION,
    mode: 'diff',
    title: input.title,
    tool: after.tool,
    namespaces: [...new Set([...before.namespaces, ...after.namespaces])].sort(),
    nodes: nodeList,
    edges: out,
    findings: after.findings,
    changes,
    changesTruncated: Math.max(0, input.changes.length - changes.length),
  };
}
