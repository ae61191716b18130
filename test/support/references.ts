/**
 * Helpers of the Service-reference tests (test/graph/references*.test.ts): the graph and the
 * findings of manifest texts, compact summaries of references, and builders of Services, workloads
 * and client workloads with env values.
 */
import { RULES, RULES_BY_ID } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import { Graph } from '../../src/graph/graph.js';
import type { ServiceReference } from '../../src/graph/references.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';

export const RULE = 'service-reference-unresolved';

/** Build the graph of one or more manifest files. */
export function graphOf(...texts: string[]): Graph {
  const files = texts.map((t, i) => loadText(`f${i}.yaml`, t));
  return new Graph(buildModel(files, { defaultNamespace: 'default' }));
}

export function lintTexts(ruleIds: string[] | 'all', ...texts: string[]) {
  const files = texts.map((t, i) => loadText(`f${i}.yaml`, t));
  const rules = ruleIds === 'all' ? RULES : ruleIds.map((id) => RULES_BY_ID.get(id)!);
  return lint(files, { rules, settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] } });
}

/** `ns/name:port problem` summaries of the references, for compact assertions. */
export const summary = (refs: ServiceReference[]) =>
  refs.map(
    (r) =>
      `${r.namespace}/${r.serviceName}${r.port !== undefined ? `:${r.port}` : ''}${r.problem ? ` ${r.problem}` : ''}`,
  );

export const nsLine = (ns?: string) => (ns ? `\n  namespace: ${ns}` : '');

export function service(
  name: string,
  opts: { ns?: string; port?: number; target?: number; headless?: boolean; externalName?: string } = {},
): string {
  const port = opts.port ?? 80;
  if (opts.externalName) {
    return `---
apiVersion: v1
kind: Service
metadata:
  name: ${name}${nsLine(opts.ns)}
spec:
  type: ExternalName
  externalName: ${opts.externalName}
  ports:
    - port: ${port}
`;
  }
  return `---
apiVersion: v1
kind: Service
metadata:
  name: ${name}${nsLine(opts.ns)}
spec:${opts.headless ? '\n  clusterIP: None' : ''}
  selector:
    app: ${name}
  ports:
    - name: main
      port: ${port}
      targetPort: ${opts.target ?? port}
`;
}

/** A Deployment (or StatefulSet) whose single container serves `ports`; `body` is spliced into the container. */
export function workload(
  name: string,
  opts: { ns?: string; ports?: number[]; body?: string; kind?: string; init?: string } = {},
): string {
  const ports = opts.ports ?? [];
  const portsText = ports.length
    ? `\n          ports:\n${ports.map((p) => `            - containerPort: ${p}`).join('\n')}`
    : '';
  const serviceName = opts.kind === 'StatefulSet' ? `\n  serviceName: ${name}` : '';
  return `---
apiVersion: apps/v1
kind: ${opts.kind ?? 'Deployment'}
metadata:
  name: ${name}${nsLine(opts.ns)}
spec:${serviceName}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:${opts.init ? `\n      initContainers:\n${opts.init}` : ''}
      containers:
        - name: ${name}
          image: ghcr.io/example/${name}:1.0${portsText}${opts.body ? `\n${opts.body}` : ''}
`;
}

/** `env:` lines of a container (values are written as YAML plain or quoted scalars by the caller). */
export const env = (vars: Record<string, string>) =>
  `          env:\n${Object.entries(vars)
    .map(([k, v]) => `            - name: ${k}\n              value: ${v}`)
    .join('\n')}`;

/** A client Deployment with env values. */
export const client = (vars: Record<string, string>, ns?: string) => workload('client', { ns, body: env(vars) });
