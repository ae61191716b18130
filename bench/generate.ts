/**
 * Deterministic generator of cluster slices for the benchmark: per app a Deployment, a Service
 * and a ConfigMap (every tenth app a StatefulSet with a headless Service instead), spread over
 * namespaces and files. About 1 in 50 Services carries a broken selector or port, so the rules
 * have findings to report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** mulberry32: a small seeded PRNG, so every run generates the same cluster. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function app(i: number, ns: string, random: () => number): string[] {
  const name = `app-${i}`;
  const stateful = i % 10 === 0;
  const broken = random() < 0.02;
  const port = 8000 + (i % 100);
  const labels = `app: ${name}\n        team: team-${i % 17}\n        tier: ${i % 3 === 0 ? 'backend' : 'frontend'}`;
  const workload = `apiVersion: apps/v1
kind: ${stateful ? 'StatefulSet' : 'Deployment'}
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
spec:
  replicas: ${1 + (i % 3)}
${stateful ? `  serviceName: ${name}\n` : ''}  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        ${labels}
    spec:
      containers:
        - name: main
          image: registry.example.com/${name}:1.${i % 7}.0
          ports:
            - name: http
              containerPort: ${port}
            - name: metrics
              containerPort: 9090
          env:
            - name: CONFIG
              valueFrom:
                configMapKeyRef:
                  name: ${name}-config
                  key: mode
          readinessProbe:
            httpGet:
              path: /ready
              port: http
`;
  const service = `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${stateful ? '  clusterIP: None\n' : ''}  selector:
    app: ${broken && random() < 0.5 ? `${name}x` : name}
  ports:
    - name: http
      port: 80
      targetPort: ${broken ? 'htpp' : 'http'}
    - name: metrics
      port: 9090
`;
  const config = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  mode: production
  upstream: http://app-${(i + 1) % 1000}.${ns}.svc.cluster.local:80
`;
  return [workload, service, config];
}

export interface Generated {
  dir: string;
  files: number;
  bytes: number;
  objects: number;
}

/** Write a cluster of about `objects` objects into `dir` (100 objects per file). */
export function generate(dir: string, objects: number, seed = 42): Generated {
  const random = rng(seed);
  mkdirSync(dir, { recursive: true });
  const apps = Math.ceil(objects / 3);
  const namespaces = Math.max(1, Math.round(apps / 50));
  let docs: string[] = [];
  let files = 0;
  let bytes = 0;
  let count = 0;
  const flush = () => {
    if (!docs.length) return;
    const ns = Math.floor(files / 10);
    const text = docs.join('---\n');
    const sub = path.join(dir, `ns-${ns}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `part-${files}.yaml`), text);
    bytes += Buffer.byteLength(text);
    files++;
    docs = [];
  };
  for (let i = 0; i < apps && count < objects; i++) {
    const ns = `ns-${i % namespaces}`;
    for (const d of app(i, ns, random)) {
      if (count >= objects) break;
      docs.push(d);
      count++;
    }
    if (docs.length >= 100) flush();
  }
  flush();
  return { dir, files, bytes, objects: count };
}
