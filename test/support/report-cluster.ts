/**
 * Generated clusters for the tests of the HTML report (test/browser.test.ts,
 * test/graph-report.test.ts): Deployments with Services over namespaces, service references
 * between them (some across namespaces), an Ingress and NetworkPolicies per namespace.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ClusterShape {
  workloads: number;
  /** Workloads per namespace (default 50). */
  perNamespace?: number;
}

/**
 * Writes one file per namespace `team-N` under `dir`: `workloads` Deployments `app-I` with a
 * Service each; each calls the next one of its namespace (every tenth one of the next namespace);
 * an Ingress `edge` to the first of each namespace; a policy that admits only its own namespace on
 * `http`, and in every other namespace one that opens the first workload to everyone.
 * Objects: 2 × workloads + 2 per namespace (+ 1 in every other namespace).
 */
export function generateCluster(dir: string, shape: ClusterShape): void {
  const { workloads } = shape;
  const perNs = shape.perNamespace ?? 50;
  for (let n = 0; n < Math.ceil(workloads / perNs); n++) {
    const ns = `team-${n}`;
    const docs: string[] = [];
    const end = Math.min(workloads, (n + 1) * perNs);
    for (let i = n * perNs; i < end; i++) {
      const j = i % 10 === 9 ? (i + perNs) % workloads : i + 1 < end ? i + 1 : n * perNs;
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      containers:
        - name: main
          image: registry.example.com/app:1
          ports: [{name: http, containerPort: 8080}]
          env: [{name: UPSTREAM_URL, value: "http://app-${j}.team-${Math.floor(j / perNs)}.svc.cluster.local:80"}]
---
apiVersion: v1
kind: Service
metadata: {name: app-${i}, namespace: ${ns}}
spec:
  selector: {app: app-${i}}
  ports: [{name: http, port: 80, targetPort: http}]
`);
    }
    docs.push(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: edge, namespace: ${ns}}
spec:
  rules: [{host: ${ns}.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app-${n * perNs}, port: {number: 80}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-namespace, namespace: ${ns}}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {}}], ports: [{port: http}]}]
`);
    if (n % 2 === 0) {
      docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-anywhere, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {app: app-${n * perNs}}}
  ingress: [{}]
`);
    }
    writeFileSync(path.join(dir, `${ns}.yaml`), docs.join('---\n'));
  }
}
