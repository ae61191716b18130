/**
 * The network picture as data: what `kube-netlint graph` renders as HTML, dot or mermaid, and what
 * the HTML page reads from its embedded JSON. Plain JSON values only (no class instances), so one
 * structure feeds every renderer and the browser.
 */

export const REPORT_DATA_VERSION = 1;

export type NodeKind =
  /** A namespace: a group (compound node) holding the objects of that namespace. */
  | 'namespace'
  /** The pods of one workload (Deployment, StatefulSet, Pod, …). */
  | 'workload'
  | 'service'
  | 'ingress'
  /** The ingress controller stand-in `{ingress-controller}` (when it is not a workload of the input). */
  | 'controller'
  /** A Service that an Ingress or a workload names but the input does not define. */
  | 'missing'
  /** An external IPv4 range (diff view only, for connections to or from the outside). */
  | 'external'
  /** The NetworkPolicies of a namespace: holds the findings reported on them (a policy is no node). */
  | 'policies'
  /** The rest of the input: holds the findings on objects that no node stands for. */
  | 'cluster';

/**
 * What NetworkPolicies say about the traffic an edge stands for.
 * - `allowed`: every pod behind the edge is reachable on the target port;
 * - `blocked`: none is;
 * - `partial`: some are, some are not;
 * - `unresolved`: no traffic to evaluate (missing Service or port, no selected pods);
 * - `none`: a structural edge that carries no evaluated traffic (the controller serving an
 *   Ingress, a Service selecting pods that no Ingress sends traffic to).
 */
export type EdgeStatus = 'allowed' | 'blocked' | 'partial' | 'unresolved' | 'none';

export type EdgeKind =
  /** The ingress controller → an Ingress it serves. */
  | 'serves'
  /** Ingress → the Service of a backend. */
  | 'backend'
  /** Service → a workload whose pods it selects. */
  | 'selects'
  /** Workload → a Service it calls (env, ConfigMap value, args, command). */
  | 'reference'
  /** Diff view: a changed connection between two endpoints that no other edge stands for. */
  | 'connection';

/** Added, removed or changed connection (diff view). */
export type DiffStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface PolicyRef extends SourcePosition {
  /** `namespace/name` of the NetworkPolicy. */
  name: string;
}

export interface ReportNode {
  /** Stable across versions of the manifests: built from namespace, kind and name. */
  id: string;
  kind: NodeKind;
  /** Short label drawn on the node (the object's name). */
  label: string;
  /** Kind of object (`Deployment`, `Service (NodePort)`, …). */
  subtitle: string;
  namespace?: string;
  /** Id of the namespace group holding the node. */
  parent?: string;
  /** Where the object is defined. */
  at?: SourcePosition;
  /** Extra facts shown when the node is selected (labels, selector, ports, routes). */
  info: string[];
  /** Indexes into `ReportData.findings`. */
  findings: number[];
  /** For pods: the NetworkPolicies that select them, per direction (empty: not isolated). */
  policies?: { ingress: PolicyRef[]; egress: PolicyRef[] };
  /** The workload the ingress controller runs as, when it is configured to one of the input. */
  ingressController?: boolean;
  /** Layout position (filled by the layout step for the HTML): the centre of the node. */
  position?: { x: number; y: number };
  /** Namespaces: the size of the box around their nodes (filled by the layout step). */
  size?: { width: number; height: number };
  /** Diff view: the node exists in one version only. */
  presence?: 'old' | 'new';
}

export interface EdgeExplanation {
  /** One `explain` run, as `kube-netlint explain SRC DST --port PORT` prints it. */
  text: string;
  allowed: boolean;
}

export interface ReportEdge {
  id: string;
  kind: EdgeKind;
  source: string;
  target: string;
  status: EdgeStatus;
  /** Short label: the ports concerned, e.g. `TCP 8080`. */
  label: string;
  /** What the edge stands for: routes, env variables, selectors, problems. */
  details: string[];
  /** Where the relation is written (the backend's service name, the reference's value). */
  at?: SourcePosition;
  /** `explain` for each (pod, port) the edge's traffic goes to. */
  explain: EdgeExplanation[];
  /** Diff view: how the allowed connection changed, the old status, and the old explanations. */
  diff?: DiffStatus;
  presence?: 'old' | 'new';
  old?: { status: EdgeStatus; label: string; explain: EdgeExplanation[] };
}

export interface ReportFinding extends SourcePosition {
  ruleId: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /**
   * Ids of the nodes the finding is about: its object's node; for a finding on a NetworkPolicy the
   * `policies` node of its namespace; else the `cluster` node.
   */
  nodes: string[];
}

/** A line of `kube-netlint diff`, for the diff view's table. */
export interface ReportChange {
  diff: 'added' | 'removed' | 'changed';
  src: string;
  dst: string;
  old?: string;
  new?: string;
  /** The edge that draws it. */
  edge?: string;
}

export interface ReportData {
  version: typeof REPORT_DATA_VERSION;
  /** `graph`: the picture of the `graph` command (one version); `diff`: of `diff --format html`. */
  mode: 'graph' | 'diff';
  title: string;
  tool: { name: string; version: string };
  namespaces: string[];
  nodes: ReportNode[];
  edges: ReportEdge[];
  findings: ReportFinding[];
  /** Diff view: every connection change; `truncated` counts those left out of the page. */
  changes?: ReportChange[];
  changesTruncated?: number;
}

export const NODE_ID = {
  namespace: (ns: string) => `ns:${ns}`,
  /** `wl:` + the policy engine's endpoint name (`namespace/name[Kind]`), so connectivity maps onto it. */
  workload: (netName: string) => `wl:${netName}`,
  service: (ns: string, name: string) => `svc:${ns}/${name}`,
  ingress: (ns: string, name: string) => `ing:${ns}/${name}`,
  missing: (ns: string, name: string) => `missing:${ns}/${name}`,
  controller: 'ctrl:{ingress-controller}',
  external: (range: string) => `ext:${range}`,
  policies: (ns: string) => `policies:${ns}`,
  cluster: 'cluster:',
};

/** Does an edge stand for traffic that NetworkPolicies let through (at least in part)? */
export function isAllowed(s: EdgeStatus): boolean {
  return s === 'allowed' || s === 'partial';
}
