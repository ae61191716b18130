/**
 * Generator of NetworkPolicy-heavy clusters for the connectivity benchmark: `workloads`
 * Deployments (each with a Service) over namespaces of 50, and `policies` NetworkPolicies —
 * a default deny per namespace, and allow rules between neighbouring apps, some across
 * namespaces, some with named ports and ipBlocks. With `tiers`, also admin-tier policies
 * (AdminNetworkPolicies with Deny/Pass/Allow rules per namespace, Admin-tier ClusterNetworkPolicies,
 * a BaselineAdminNetworkPolicy) and Cilium policies (per-app L4/L7 allows across namespaces,
 * CIDR deny rules, clusterwide policies). Deterministic (seeded).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rng } from './generate.js';

export function generateNet(
  dir: string,
  workloads: number,
  policies: number,
  seed = 7,
  tiers: { admin: number; cilium: number } = { admin: 0, cilium: 0 },
): { files: number } {
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
    const peer =
      nsI === nsJ
        ? `podSelector: {matchLabels: {app: app-${j}}}`
        : `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${nsJ}}}\n          podSelector: {matchLabels: {app: app-${j}}}`;
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
  for (let k = 0; k < tiers.admin; k++) {
    const ns = `team-${k % namespaces}`;
    const other = `team-${(k + 1) % namespaces}`;
    if (k === 0) {
      docs.push(`apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
    - {name: deny-other-teams, action: Deny, from: [{namespaces: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [team-0]}]}}]}
`);
      continue;
    }
    const v2 = k % 4 === 0;
    docs.push(
      v2
        ? `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: cnp-${k}}
spec:
  tier: Admin
  priority: ${k}
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ${ns}}}}
  ingress:
    - {name: accept-monitoring, action: Accept, from: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: team-0}}, podSelector: {matchLabels: {tier: t0}}}}], protocols: [{tcp: {destinationPort: {number: 9090}}}]}
    - {name: pass-neighbours, action: Pass, from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: ${other}}}}]}
  egress:
    - {name: no-metadata, action: Deny, to: [{networks: [169.254.169.254/32]}]}
`
        : `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: anp-${k}}
spec:
  priority: ${k}
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ${ns}}}}
  ingress:
    - {name: deny-neighbours-grpc, action: Deny, from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: ${other}}}}], ports: [{namedPort: grpc}]}
    - {name: pass-neighbours, action: Pass, from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: ${other}}}}]}
    - {name: allow-monitoring, action: Allow, from: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: team-0}}, podSelector: {matchLabels: {tier: t${k % 5}}}}}], ports: [{portRange: {protocol: TCP, start: 8000, end: 8100}}]}
`,
    );
  }
  for (let k = 0; k < tiers.cilium; k++) {
    const i = Math.floor(random() * workloads);
    const j = Math.floor(random() * workloads);
    const nsI = `team-${Math.floor(i / perNs)}`;
    const nsJ = `team-${Math.floor(j / perNs)}`;
    docs.push(
      k % 10 === 0
        ? `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: ccnp-${k}}
spec:
  endpointSelector: {matchLabels: {tier: t${k % 5}}}
  enableDefaultDeny: {ingress: false, egress: false}
  egressDeny:
    - toCIDRSet: [{cidr: 172.${16 + (k % 16)}.0.0/16, except: [172.${16 + (k % 16)}.1.0/24]}]
`
        : `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp-${k}, namespace: ${nsI}}
spec:
  endpointSelector: {matchLabels: {app: app-${i}}}
  ingress:
    - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: ${nsJ}, app: app-${j}}}]
      toPorts: [{ports: [{port: "8080", protocol: TCP}], rules: {http: [{method: GET}]}}]
    - fromEndpoints: [{matchLabels: {tier: t${k % 5}}}]
      toPorts: [{ports: [{port: grpc}]}]
  egress:
    - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: ${nsJ}, tier: t${k % 5}}}]
    - toEntities: [world]
      toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  egressDeny:
    - toCIDR: [10.${k % 250}.2.0/24]
`,
    );
  }
  let files = 0;
  for (let k = 0; k < docs.length; k += 200) {
    writeFileSync(path.join(dir, `part-${files++}.yaml`), docs.slice(k, k + 200).join('---\n'));
  }
  return { files };
}
