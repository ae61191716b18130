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

/** A fault planted in an app of the platform mode, and the rule expected to report it. */
export interface PlantedFault {
  app: string;
  rule: string;
}

export interface GeneratedPlatform extends Generated {
  apps: number;
  faults: PlantedFault[];
}

const FAULTS: readonly { rule: string }[] = [
  { rule: 'service-selector-no-pods' },
  { rule: 'service-target-port-unresolved' },
  { rule: 'service-reference-unresolved' },
  { rule: 'netpol-blocks-ingress-backend' },
  { rule: 'ingress-backend-missing' },
];

/**
 * The platform mode: a monorepo of `apps` apps (Deployment, Service, Ingress of the platform's
 * class, a NetworkPolicy admitting the platform's ingress controller and the app's namespace,
 * an OpenTelemetry exporter address and an upstream in the same namespace), and a `platform/`
 * folder with the ingress-nginx controller, its IngressClass and part of namespace `monitoring`
 * (Prometheus; the collector the apps export to is installed elsewhere). About one app in ten
 * carries one planted fault (`faultRate`), listed in `faults`. With `collector`, the platform
 * folder installs the OpenTelemetry collector too, so the apps' exporter addresses resolve.
 */
export function generatePlatform(
  dir: string,
  apps: number,
  seed = 7,
  faultRate = 0.105,
  collector = false,
): GeneratedPlatform {
  const random = rng(seed);
  mkdirSync(path.join(dir, 'platform'), { recursive: true });
  const platform = `apiVersion: v1
kind: Namespace
metadata:
  name: ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: ingress-nginx
      app.kubernetes.io/component: controller
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ingress-nginx
        app.kubernetes.io/component: controller
    spec:
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.11.2
          args: [/nginx-ingress-controller, --controller-class=k8s.io/ingress-nginx, --ingress-class=nginx]
          ports:
            - {name: http, containerPort: 80}
            - {name: https, containerPort: 443}
---
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: prometheus
  namespace: monitoring
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: prometheus}
  template:
    metadata:
      labels: {app.kubernetes.io/name: prometheus}
    spec:
      containers:
        - name: prometheus
          image: quay.io/prometheus/prometheus:v2.53.0
          ports: [{name: web, containerPort: 9090}]
---
apiVersion: v1
kind: Service
metadata:
  name: prometheus
  namespace: monitoring
spec:
  selector: {app.kubernetes.io/name: prometheus}
  ports: [{name: web, port: 9090, targetPort: web}]
`;
  const otel = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: otel-collector
  namespace: monitoring
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: otel-collector}
  template:
    metadata:
      labels: {app.kubernetes.io/name: otel-collector}
    spec:
      containers:
        - name: collector
          image: otel/opentelemetry-collector:0.104.0
          ports: [{name: otlp-grpc, containerPort: 4317}]
---
apiVersion: v1
kind: Service
metadata:
  name: otel-collector
  namespace: monitoring
spec:
  selector: {app.kubernetes.io/name: otel-collector}
  ports: [{name: otlp-grpc, port: 4317, targetPort: otlp-grpc}]
`;
  const text = collector ? platform + otel : platform;
  writeFileSync(path.join(dir, 'platform', 'platform.yaml'), text);
  let bytes = Buffer.byteLength(text);
  let objects = collector ? 9 : 7;
  let files = 1;
  const namespaces = Math.max(1, Math.round(apps / 20));
  const faults: PlantedFault[] = [];
  for (let i = 0; i < apps; i++) {
    const name = `app-${i}`;
    const ns = `team-${i % namespaces}`;
    const fault = random() < faultRate ? FAULTS[Math.floor(random() * FAULTS.length)].rule : undefined;
    if (fault) faults.push({ app: name, rule: fault });
    // The next app of the same namespace (wrapping around).
    const peer = i + namespaces < apps ? i + namespaces : i % namespaces;
    const upstreamPort = fault === 'service-reference-unresolved' ? 8080 : 80;
    const docs = [
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}, team: ${ns}}
    spec:
      containers:
        - name: main
          image: registry.example.com/${name}:1.${i % 7}.0
          ports: [{name: http, containerPort: 8080}]
          env:
            - {name: OTEL_SERVICE_NAME, value: ${name}}
            - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel-collector.monitoring.svc.cluster.local:4317"}
            - {name: UPSTREAM_URL, value: "http://app-${peer}.${ns}.svc.cluster.local:${upstreamPort}"}
`,
      `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector: {app: ${fault === 'service-selector-no-pods' ? `${name}x` : name}}
  ports: [{name: http, port: 80, targetPort: ${fault === 'service-target-port-unresolved' ? 'htpp' : 'http'}}]
`,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  ingressClassName: nginx
  rules:
    - host: ${name}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: ${fault === 'ingress-backend-missing' ? `${name}-svc` : name}, port: {number: 80}}
`,
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector:
    matchLabels: {app: ${name}}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: ${fault === 'netpol-blocks-ingress-backend' ? 'nginx-ingress' : 'ingress-nginx'}}
          podSelector:
            matchLabels: {app.kubernetes.io/name: ingress-nginx}
        - podSelector: {}
      ports: [{protocol: TCP, port: http}]
`,
    ];
    const text = docs.join('---\n');
    const sub = path.join(dir, 'apps', ns);
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `${name}.yaml`), text);
    bytes += Buffer.byteLength(text);
    objects += docs.length;
    files++;
  }
  return { dir, files, bytes, objects, apps, faults };
}
