/**
 * The evaluation behind an edge of the network picture: whether the source pods reach the
 * destination pods on the wanted ports, asked of the policy engine as the rules ask it, with the
 * `explain` texts shown on the edge; and the edge's status and label once all its evaluations
 * are in.
 */
import { explainText } from '../format/connectivity/explain.js';
import type { PodTemplate } from '../model/model.js';
import { ConnSet } from '../policy/conn.js';
import type { Protocol } from '../policy/conn.js';
import type { NetPod, PolicyEngine } from '../policy/engine.js';
import type { EdgeExplanation, EdgeStatus, ReportEdge } from './model.js';

export interface PortWant {
  protocol: Protocol;
  port: number;
}

/** One (source pod, destination pod) evaluation of an edge. */
export interface Evaluation {
  allowed: boolean;
  conn: ConnSet;
  explain: EdgeExplanation[];
}

/** Evaluate src → the pods of `t` on the wanted ports, as the rules do, with `explain` texts. */
export function evaluateEdge(
  engine: PolicyEngine,
  src: NetPod,
  t: PodTemplate,
  wants: PortWant[],
): Evaluation | undefined {
  const dst = engine.podOf(t);
  if (!dst || wants.length === 0) return undefined;
  let want = ConnSet.NONE;
  for (const w of wants) want = want.union(ConnSet.of(w.protocol, w.port));
  const explanation = engine.evaluate({ kind: 'pod', pod: src }, { kind: 'pod', pod: dst }, true);
  const conn = explanation.conn.intersect(want);
  const notes: string[] = [];
  for (const p of [src, dst]) {
    if (p.workload?.hostNetwork)
      notes.push(`${p.name} uses hostNetwork: how NetworkPolicies apply to it depends on the network plugin`);
  }
  const seen = new Set<string>();
  const explain: EdgeExplanation[] = [];
  for (const w of wants) {
    const key = `${w.protocol}/${w.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    explain.push({
      text: explainText({ src: src.name, dst: dst.name, port: w, explanation, notes }),
      allowed: explanation.conn.has(w.protocol, w.port),
    });
  }
  return { allowed: !conn.isEmpty, conn: want, explain };
}

/** The edge as drawn: its status and label from its evaluations (or the unresolved count). */
export function finishEdge(e: ReportEdge, evals: Evaluation[], unresolved: number): ReportEdge {
  let status: EdgeStatus;
  if (evals.length === 0) status = unresolved > 0 ? 'unresolved' : 'none';
  else {
    const ok = evals.filter((v) => v.allowed).length;
    status = ok === evals.length ? 'allowed' : ok === 0 ? 'blocked' : 'partial';
  }
  let want = ConnSet.NONE;
  for (const v of evals) want = want.union(v.conn);
  const seen = new Set<string>();
  const explain = evals.flatMap((v) => v.explain).filter((x) => (seen.has(x.text) ? false : (seen.add(x.text), true)));
  const details = [...new Set(e.details)];
  const label = evals.length ? want.toString() : unresolved ? 'unresolved' : '';
  return { ...e, status, label, details, explain };
}
