/**
 * Generator of NetworkPolicy-heavy clusters for the connectivity benchmark: `workloads`
 * Deployments (each with a Service) over namespaces of 50, and `policies` NetworkPolicies —
 * a default deny per namespace, and allow rules between neighbouring apps, some across
 * namespaces, some with named ports and ipBlocks. Deterministic (seeded).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rng } from './generate.js';

export function generateNet(dir: string, workloads: number, policies: number, seed = 7): { files: number } {
  const random = rng(seed);
  mkdirSync(dir, { recursive: true });
  const perNs = 50;
  const namespaces = Math.ceil(workloads / perNs);
  const docs: string[] = [];
  for (let i = 0; i < workloads; i++) {
    const ns = `team-${Math.floor(i / perNs)}`;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}, tier: t${i % 5}}}
    spec:
      containers:
        - name: main
          image: registry.example.com/app:1
          ports: [{name: http, containerPort: 8080}, {name: grpc, containerPort: 9090}]
`);
  }
  let made = 0;
  for (let n = 0; n < namespaces && made < policies; n++, made++) {
    docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: team-${n}}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress:
    - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`);
  }
  for (; made < policies; made++) {
    const i = Math.floor(random() * workloads);
    const j = Math.floor(random() * workloads);
    const nsI = `team-${Math.floor(i / perNs)}`;
    const nsJ = `team-${Math.floor(j / perNs)}`;
    const peer = nsI === nsJ ? `podSelector: {matchLabels: {app: app-${j}}}` : `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${nsJ}}}\n          podSelector: {matchLabels: {app: app-${j}}}`;
    docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-${made}, namespace: ${nsI}}
spec:
  podSelector: {matchLabels: {app: app-${i}}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - ${peer}
      ports: [{port: http}]
    - from:
        - podSelector: {matchLabels: {tier: t${made % 5}}}
      ports: [{port: 9000, endPort: 9100}]
  egress:
    - to:
        - ${peer}
    - to:
        - ipBlock: {cidr: 10.${made % 250}.0.0/16, except: [10.${made % 250}.1.0/24]}
`);
  }
  let files = 0;
  for (let k = 0; k < docs.length; k += 200) {
    writeFileSync(path.join(dir, `part-${files++}.yaml`), docs.slice(k, k + 200).join('---\n'));
  }
  return { files };
}
