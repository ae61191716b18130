/** Shared by the tests of the analysis gaps (test/policy/gaps*.test.ts): small clusters and their engine. */
import assert from 'node:assert/strict';
import { Graph } from '../../src/graph/graph.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import type { Endpoint } from '../../src/policy/engine.js';

/** A Deployment `name` in `ns` (container port 8080 named http), `extra` inserted in its pod spec. */
export function deployment(ns: string, name: string, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:${extra}
      containers:
        - name: c
          image: example/${name}:1
          ports: [{name: http, containerPort: 8080}]
---
`;
}

/** Two workloads of `shop` and one of `ops`. */
export const APP = deployment('shop', 'web') + deployment('shop', 'api') + deployment('ops', 'tool');

export function modelOf(text: string) {
  const model = buildModel([loadText('t.yaml', text)], { defaultNamespace: 'default' });
  const graph = new Graph(model);
  return { model, graph, engine: new PolicyEngine(model, graph) };
}

export function pod(engine: PolicyEngine, spec: string): Endpoint {
  const [p] = engine.findPod(spec, 'default');
  assert.ok(p, spec);
  return { kind: 'pod', pod: p };
}
