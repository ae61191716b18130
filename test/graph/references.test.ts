/**
 * Service references of workloads (src/graph/references.ts): the address scanner, how host names
 * are resolved to Services, where references are found, and the findings of
 * service-reference-unresolved built on them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULES, RULES_BY_ID } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import { Graph } from '../../src/graph/graph.js';
import { findAddresses } from '../../src/graph/references.js';
import type { ServiceReference } from '../../src/graph/references.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';

const RULE = 'service-reference-unresolved';

/** Build the graph of one or more manifest files. */
function graphOf(...texts: string[]): Graph {
  const files = texts.map((t, i) => loadText(`f${i}.yaml`, t));
  return new Graph(buildModel(files, { defaultNamespace: 'default' }));
}

function lintTexts(ruleIds: string[] | 'all', ...texts: string[]) {
  const files = texts.map((t, i) => loadText(`f${i}.yaml`, t));
  const rules = ruleIds === 'all' ? RULES : ruleIds.map((id) => RULES_BY_ID.get(id)!);
  return lint(files, { rules, settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] } });
}

/** `ns/name:port problem` summaries of the references, for compact assertions. */
const summary = (refs: ServiceReference[]) =>
  refs.map(
    (r) =>
      `${r.namespace}/${r.serviceName}${r.port !== undefined ? `:${r.port}` : ''}${r.problem ? ` ${r.problem}` : ''}`,
  );

const nsLine = (ns?: string) => (ns ? `\n  namespace: ${ns}` : '');

function service(
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
function workload(
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
const env = (vars: Record<string, string>) =>
  `          env:\n${Object.entries(vars)
    .map(([k, v]) => `            - name: ${k}\n              value: ${v}`)
    .join('\n')}`;

/** A client Deployment with env values. */
const client = (vars: Record<string, string>, ns?: string) => workload('client', { ns, body: env(vars) });

describe('findAddresses', () => {
  const one = (text: string) => {
    const a = findAddresses(text);
    assert.equal(a.length, 1, `${text}: ${JSON.stringify(a)}`);
    return a[0];
  };

  it('reads a URL: scheme, host, port and path', () => {
    assert.deepEqual(one('http://api.shop.svc.cluster.local:8080/v1'), {
      token: 'http://api.shop.svc.cluster.local:8080/v1',
      host: 'api.shop.svc.cluster.local',
      port: 8080,
      scheme: true,
    });
    assert.deepEqual(one('grpc://greeter:50051'), {
      token: 'grpc://greeter:50051',
      host: 'greeter',
      port: 50051,
      scheme: true,
    });
  });

  it('reads host:port pairs and bare host names', () => {
    assert.deepEqual(one('redis:6379'), { token: 'redis:6379', host: 'redis', port: 6379, scheme: false });
    assert.deepEqual(one('postgres'), { token: 'postgres', host: 'postgres', port: undefined, scheme: false });
    assert.deepEqual(one('api:8080/healthz'), { token: 'api:8080/healthz', host: 'api', port: 8080, scheme: false });
  });

  it('drops user information, the path and the query', () => {
    const a = one('postgres://app:s3cret@db.data.svc:5432/shop?sslmode');
    assert.equal(a.host, 'db.data.svc');
    assert.equal(a.port, 5432);
    assert.equal(a.scheme, true);
    // "=" separates words: a query value is a word of its own (a bare word is not a reference by itself).
    assert.deepEqual(
      findAddresses('redis://:pw@cache:6380/0?ssl=true').map((a) => a.host),
      ['cache', 'true'],
    );
  });

  it('strips the trailing dot of an absolute DNS name', () => {
    assert.equal(one('api.shop.svc.cluster.local.:80').host, 'api.shop.svc.cluster.local');
  });

  it('splits lists, flags and shell text into separate addresses', () => {
    const hosts = (t: string) => findAddresses(t).map((a) => `${a.host}${a.port !== undefined ? `:${a.port}` : ''}`);
    assert.deepEqual(hosts('kafka-0.kafka:9092,kafka-1.kafka:9092'), ['kafka-0.kafka:9092', 'kafka-1.kafka:9092']);
    assert.deepEqual(hosts('--upstream=http://api:8081'), ['api:8081']);
    assert.deepEqual(hosts('until nc -z db:5432; do sleep 2; done'), ['until', 'nc', 'db:5432', 'do', 'sleep', 'done']);
    assert.deepEqual(hosts('"memcached-0:11211" "memcached-1:11211"'), ['memcached-0:11211', 'memcached-1:11211']);
  });

  it('skips paths, IP addresses, non-numeric ports and variable expansions', () => {
    assert.deepEqual(findAddresses('/var/run/app.sock'), []);
    assert.deepEqual(findAddresses('10.0.0.12:8080'), []);
    assert.deepEqual(findAddresses('http://127.0.0.1:9090/metrics'), []);
    assert.deepEqual(findAddresses('redis:latest'), []);
    assert.deepEqual(findAddresses('$(API_HOST):8080'), []);
    assert.deepEqual(findAddresses('http://${API_HOST}:8080'), []);
    assert.deepEqual(findAddresses(':8443'), []);
    assert.deepEqual(findAddresses('Error:'), []);
    assert.deepEqual(findAddresses(''), []);
  });

  it('does not take upper-case words or other symbols for host names', () => {
    assert.deepEqual(findAddresses('INFO'), []);
    assert.deepEqual(findAddresses('-Xmx512m'), []);
    assert.deepEqual(findAddresses('a_b:80'), []);
  });

  it('looks at the first 4096 characters only', () => {
    const text = `${'x '.repeat(2100)}api:8080`;
    assert.ok(!findAddresses(text).some((a) => a.host === 'api'));
    assert.ok(findAddresses(`${'x '.repeat(10)}api:8080`).some((a) => a.host === 'api' && a.port === 8080));
  });
});

describe('reference detection: DNS forms', () => {
  it('resolves <svc>.<ns>.svc.cluster.local and <svc>.<ns>.svc', () => {
    const g = graphOf(
      service('api', { ns: 'shop' }) +
        workload('api', { ns: 'shop', ports: [80] }) +
        client({ A: 'http://api.shop.svc.cluster.local/v1', B: 'api.shop.svc:80' }, 'web'),
    );
    assert.deepEqual(summary(g.references), ['shop/api', 'shop/api:80']);
    assert.ok(g.references.every((r) => r.service?.name === 'api'));
    assert.equal(g.references[1].servicePort?.port, 80);
  });

  it('resolves a pod of a headless Service: <pod>.<svc>.<ns>.svc…', () => {
    const g = graphOf(
      service('web', { headless: true, port: 80, target: 8080 }) +
        workload('web', { kind: 'StatefulSet', ports: [8080] }) +
        client({ SEED: 'web-0.web.default.svc.cluster.local:8080' }),
    );
    assert.deepEqual(summary(g.references), ['default/web:8080']);
    assert.equal(g.references[0].host, 'web-0.web.default.svc.cluster.local');
  });

  it('resolves <svc>.<ns> only when <ns> is a namespace of the input', () => {
    const g = graphOf(
      service('api', { ns: 'backend' }) +
        workload('api', { ns: 'backend', ports: [80] }) +
        client({ A: 'http://api.backend:80', B: 'http://search.elastic:9200', C: 'example.com' }, 'shop'),
    );
    assert.deepEqual(summary(g.references), ['backend/api:80']);
  });

  it('never reports a name in a namespace the input does not cover', () => {
    const g = graphOf(
      client({ DNS: 'kube-dns.kube-system.svc.cluster.local:53', OTEL: 'http://otel.observability.svc:4317' }),
    );
    assert.deepEqual(summary(g.references), ['kube-system/kube-dns:53', 'observability/otel:4317']);
    assert.ok(g.references.every((r) => r.problem === undefined && r.service === undefined));
  });

  it('ignores localhost, external hosts, IPs and names of other shapes', () => {
    const g = graphOf(
      service('api') +
        workload('api', { ports: [80] }) +
        client({
          A: 'localhost:8080',
          B: 'https://api.payments.example.com:8443/v2',
          C: '10.96.0.10:53',
          D: 'a.b.c.d.svc.cluster.local:80',
        }),
    );
    assert.deepEqual(summary(g.references), []);
  });
});

describe('reference detection: bare names', () => {
  const base =
    service('api') +
    workload('api', { ports: [80] }) +
    service('redis', { port: 6379 }) +
    workload('redis', { ports: [6379] });

  it('counts a bare Service name with a port or a scheme', () => {
    const g = graphOf(base + client({ A: 'redis:6379', B: 'http://api/v1', C: 'tcp://redis' }));
    assert.deepEqual(summary(g.references), ['default/redis:6379', 'default/api', 'default/redis']);
  });

  it('counts a bare name that is the whole value of a host-like variable', () => {
    const g = graphOf(
      base +
        client({ REDIS_HOST: 'redis', API_ADDR: 'api', CACHE_URL: 'redis', UPSTREAM: 'api', CACHE_DRIVER: 'redis' }),
    );
    assert.deepEqual(
      g.references.map((r) => r.envName),
      ['REDIS_HOST', 'API_ADDR', 'CACHE_URL', 'UPSTREAM'],
    );
  });

  it('does not count a bare name inside a sentence, in args without a port, or that is not a Service', () => {
    const g = graphOf(
      base +
        workload('client', {
          body: `${env({ GREETING: '"talk to api please"', DB_HOST: 'postgres', LOG_LEVEL: 'debug' })}\n          args: ["--cache", "redis", "--mode", "api"]`,
        }),
    );
    assert.deepEqual(summary(g.references), []);
  });

  it('only counts a bare name for a Service of the pod namespace', () => {
    const g = graphOf(
      service('api', { ns: 'backend' }) +
        workload('api', { ns: 'backend', ports: [80] }) +
        client({ A: 'http://api:80' }, 'shop'),
    );
    assert.deepEqual(summary(g.references), []);
  });

  it('reports one reference per Service and port of a text', () => {
    const g = graphOf(base + client({ PEERS: 'redis:6379,redis:6379 redis:6380' }));
    assert.deepEqual(summary(g.references), ['default/redis:6379', 'default/redis:6380 no-port']);
  });
});

describe('reference detection: where references are found', () => {
  it('reads env values, args and command of app containers', () => {
    const g = graphOf(
      service('api') +
        workload('api', { ports: [80] }) +
        workload('proxy', {
          body: `          command: ["/proxy", "--upstream=http://api:80"]\n          args: ["--fallback", "api.default.svc:80"]\n${env({ API: 'http://api' })}`,
        }),
    );
    assert.deepEqual(
      g.references.map((r) => `${r.source} ${r.text}`),
      ['env http://api', 'command http://api:80', 'args api.default.svc:80'],
    );
    assert.deepEqual(g.references[1].at.path, ['spec', 'template', 'spec', 'containers', 0, 'command', 1]);
  });

  it('reads init containers (wait loops) and native sidecars', () => {
    const init = `        - name: wait-for-db
          image: busybox:1.36
          command: ["sh", "-c", "until nc -z db:5432; do sleep 2; done"]
        - name: agent
          image: otel/opentelemetry-collector:0.104.0
          restartPolicy: Always
          env:
            - name: OTEL_EXPORTER_OTLP_ENDPOINT
              value: http://otel-collector:4317`;
    const g = graphOf(
      service('db', { port: 5432 }) +
        workload('db', { ports: [5432] }) +
        service('otel-collector', { port: 4317 }) +
        workload('otel-collector', { ports: [4317] }) +
        workload('app', { ports: [8080], init }),
    );
    assert.deepEqual(
      g.references.map((r) => `${r.container.name} ${r.serviceName}:${r.port}`),
      ['wait-for-db db:5432', 'agent otel-collector:4317'],
    );
    assert.ok(g.references.every((r) => !r.problem));
  });

  it('follows valueFrom.configMapKeyRef to the ConfigMap value', () => {
    const g = graphOf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  API_URL: http://api:8081
  UNUSED: http://api:9999
${service('api')}${workload('api', { ports: [80] })}${workload('web', {
      body: `          env:
            - name: BACKEND
              valueFrom:
                configMapKeyRef:
                  name: cfg
                  key: API_URL`,
    })}`);
    assert.deepEqual(summary(g.references), ['default/api:8081 no-port']);
    const [ref] = g.references;
    assert.equal(ref.envName, 'BACKEND');
    assert.deepEqual(ref.at.path, ['data', 'API_URL']);
    assert.equal(ref.via?.configMap.res.name, 'cfg');
    assert.equal(ref.via?.key, 'API_URL');
    assert.deepEqual(ref.via?.at.path, ['spec', 'template', 'spec', 'containers', 0, 'env', 0]);
  });

  it('reads every key of an envFrom ConfigMap, with its prefix', () => {
    const g = graphOf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  API_URL: http://api:80
  MODE: production
${service('api')}${workload('api', { ports: [80] })}${workload('web', {
      body: `          envFrom:
            - prefix: APP_
              configMapRef:
                name: cfg`,
    })}`);
    assert.deepEqual(summary(g.references), ['default/api:80']);
    assert.equal(g.references[0].envName, 'APP_API_URL');
    assert.deepEqual(g.references[0].via?.at.path, ['spec', 'template', 'spec', 'containers', 0, 'envFrom', 0]);
  });

  it('ignores ConfigMaps of another namespace and ConfigMaps the input does not have', () => {
    const g = graphOf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: other
data:
  API_URL: http://api:8081
${service('api')}${workload('api', { ports: [80] })}${workload('web', {
      body: `          envFrom:
            - configMapRef:
                name: cfg
            - configMapRef:
                name: missing`,
    })}`);
    assert.deepEqual(summary(g.references), []);
  });
});

describe('reference detection: problems', () => {
  it('no-service: a missing Service in a namespace of the input', () => {
    const g = graphOf(client({ A: 'http://api.shop.svc.cluster.local:8080/v1' }, 'shop'));
    assert.deepEqual(summary(g.references), ['shop/api:8080 no-service']);
  });

  it('no-port: a port the Service does not have (also its targetPort)', () => {
    const g = graphOf(
      service('redis', { port: 6379 }) +
        workload('redis', { ports: [6379] }) +
        service('api', { port: 80, target: 8080 }) +
        workload('api', { ports: [8080] }) +
        client({ A: 'redis:6380', B: 'http://api:8080' }),
    );
    assert.deepEqual(summary(g.references), ['default/redis:6380 no-port', 'default/api:8080 no-port']);
  });

  it('any port of an ExternalName Service', () => {
    const g = graphOf(
      service('payments', { externalName: 'api.payments.example.com', port: 443 }) +
        client({ A: 'https://payments:8443' }),
    );
    assert.deepEqual(summary(g.references), ['default/payments:8443']);
  });

  it('a headless Service accepts the ports its pods serve, and only those', () => {
    const g = graphOf(
      service('web', { headless: true, port: 80, target: 8080 }) +
        workload('web', { kind: 'StatefulSet', ports: [8080] }) +
        client({ A: 'web-0.web.default.svc.cluster.local:8080', B: 'web.default.svc:9090' }),
    );
    assert.deepEqual(summary(g.references), ['default/web:8080', 'default/web:9090 no-port']);
  });

  it('a headless Service whose pods declare no ports accepts any port', () => {
    const g = graphOf(
      service('web', { headless: true, port: 80 }) +
        workload('web', { kind: 'StatefulSet' }) +
        client({ A: 'web-0.web.default.svc:9090' }),
    );
    assert.deepEqual(summary(g.references), ['default/web:9090']);
  });

  it('ignores superseded workloads and the earlier of two ConfigMaps with the same name', () => {
    const cfg = (url: string) => `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  API_URL: ${url}
`;
    const g = graphOf(
      service('api') + workload('api', { ports: [80] }) + cfg('http://api:8081') + cfg('http://api:80'),
      workload('web', { body: '          envFrom:\n            - configMapRef:\n                name: cfg' }),
    );
    assert.deepEqual(summary(g.references), ['default/api:80']);
  });

  it('reads <pod>.<headless svc> from the pod namespace first, and image tags are not ports', () => {
    // <pod>.<svc> from the Service's own namespace, when a namespace has the Service's name.
    const kafka = graphOf(
      service('kafka', { ns: 'kafka', headless: true, port: 9092 }) +
        workload('kafka', {
          ns: 'kafka',
          kind: 'StatefulSet',
          ports: [9092],
          body: env({ BOOTSTRAP: 'kafka-0.kafka:9092' }),
        }),
    );
    assert.deepEqual(
      summary(kafka.references).filter((s) => s.includes('no-')),
      [],
    );
    // An image reference name:tag read as host:port.
    const image = graphOf(
      service('postgres', { port: 5432 }) +
        workload('postgres', { ports: [5432], body: env({ PG_IMAGE: 'postgres:16' }) }),
    );
    assert.deepEqual(
      summary(image.references).filter((s) => s.includes('no-')),
      [],
    );
    // JDBC URLs carry a sub-scheme.
    const jdbc = graphOf(
      service('postgres', { port: 5432 }) +
        workload('app', { body: env({ DB_URL: 'jdbc:postgresql://postgres:5433/app' }) }),
    );
    assert.deepEqual(summary(jdbc.references), ['default/postgres:5433 no-port']);
  });

  it('checks a headless Service address against the pod ports, not the Service ports', () => {
    // No proxy translates 80 → 8080 for a headless Service: web:80 reaches the pods on port 80.
    const g = graphOf(
      service('web', { headless: true, port: 80, target: 8080 }) +
        workload('web', { kind: 'StatefulSet', ports: [8080] }) +
        client({ A: 'http://web:80' }),
    );
    assert.deepEqual(summary(g.references), ['default/web:80 no-port']);
  });
});

describe('service-reference-unresolved findings', () => {
  it('reports a ConfigMap value once, on the ConfigMap, relating every workload that reads it', () => {
    const r = lintTexts(
      [RULE],
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: shared
data:
  API_URL: http://api.default.svc.cluster.local:9090
${service('api')}${workload('api', { ports: [80] })}${workload('web', {
        body: '          env:\n            - name: API_URL\n              valueFrom:\n                configMapKeyRef:\n                  name: shared\n                  key: API_URL',
      })}${workload('worker', { body: '          envFrom:\n            - configMapRef:\n                name: shared' })}`,
    );
    assert.equal(r.findings.length, 1);
    const [f] = r.findings;
    assert.equal(f.object?.kind, 'ConfigMap');
    assert.equal(f.file.position(f.range[0]).line, 6);
    assert.match(f.message, /read as env API_URL by Deployment "default\/web", Deployment "default\/worker"/);
    assert.deepEqual(
      f.related.filter((l) => l.message.includes('reads')).map((l) => l.message),
      [
        'Deployment "default/web" reads ConfigMap "shared" key "API_URL"',
        'Deployment "default/worker" reads ConfigMap "shared" key "API_URL"',
      ],
    );
  });

  it('reports the same wrong value of two workloads of one file twice', () => {
    const r = lintTexts(
      [RULE],
      service('api', { target: 8080 }) +
        workload('api', { ports: [8080] }) +
        workload('web', { body: env({ A: 'http://api:8080' }) }) +
        workload('worker', { body: env({ A: 'http://api:8080' }) }),
    );
    assert.deepEqual(
      r.findings.map((f) => f.object?.name),
      ['web', 'worker'],
    );
    assert.ok(r.findings.every((f) => f.message.includes('8080 is the targetPort of its port 80')));
  });

  it('suggests a close Service name and the namespace where the name exists', () => {
    const r = lintTexts(
      [RULE],
      service('api', { ns: 'prod' }) +
        workload('api', { ns: 'prod', ports: [80] }) +
        service('search', { ns: 'staging' }) +
        workload('search', { ns: 'staging', ports: [80] }),
      client({ A: 'http://api.staging:80', B: 'http://serch.staging:80' }, 'staging'),
    );
    assert.deepEqual(
      r.findings.map((f) => f.message),
      [
        '"http://api.staging:80" refers to Service "api" in namespace "staging", which does not exist (env A of container "client"); a Service "api" exists in namespace "prod" (use api.prod)',
        '"http://serch.staging:80" refers to Service "serch" in namespace "staging", which does not exist (env B of container "client"); did you mean "search"?',
      ],
    );
  });

  it('explains headless Services by the ports their pods serve', () => {
    const r = lintTexts(
      [RULE],
      service('web', { headless: true, port: 80, target: 8080 }) +
        workload('web', { kind: 'StatefulSet', ports: [8080, 9100] }) +
        client({ A: 'web-1.web.default.svc:9090' }),
    );
    assert.equal(r.findings.length, 1);
    assert.match(r.findings[0].message, /which no pod of headless Service "web" serves \(.*they serve 8080, 9100\)/);
  });

  it('leaves a clean cluster slice clean with every rule enabled', () => {
    const r = lintTexts(
      'all',
      service('api', { port: 80, target: 8080 }) +
        workload('api', { ports: [8080] }) +
        workload('web', {
          ports: [3000],
          body: env({
            API_URL: 'http://api:80',
            DNS: 'kube-dns.kube-system.svc.cluster.local:53',
            LOCAL: 'localhost:9000',
          }),
        }),
    );
    assert.deepEqual(
      r.findings.map((f) => `${f.ruleId}: ${f.message}`),
      [],
    );
  });
});

describe('reference detection: connection strings and identity variables', () => {
  const base =
    service('api') +
    workload('api', { ports: [80] }) +
    service('redis', { port: 6379 }) +
    workload('redis', { ports: [6379] });

  it('reads the target of a gRPC dns: name, with or without an authority', () => {
    assert.equal(findAddresses('dns:///jaeger.tracing:14250')[0].host, 'jaeger.tracing');
    assert.equal(findAddresses('dns://10.0.0.10/api.shop:80')[0].host, 'api.shop');
    assert.deepEqual(findAddresses('dns:api'), []);
    const g = graphOf(base + client({ TARGET: 'dns:///redis:6380' }));
    assert.deepEqual(summary(g.references), ['default/redis:6380 no-port']);
  });

  it('reads every host of a mongodb:// host list and of a Kafka bootstrap list', () => {
    const g = graphOf(
      base +
        client({ MONGO_URL: 'mongodb://u:p@redis:6379,api:81/db', KAFKA_BOOTSTRAP_SERVERS: 'redis:6379,redis:6390' }),
    );
    assert.deepEqual(summary(g.references), [
      'default/redis:6379',
      'default/api:81 no-port',
      'default/redis:6379',
      'default/redis:6390 no-port',
    ]);
  });

  it('takes identity variables and *_BACKEND words for names, not addresses', () => {
    const g = graphOf(
      base +
        client({
          SERVICE_NAME: 'api',
          OTEL_SERVICE_NAME: 'api',
          POD_NAME: 'redis',
          CACHE_BACKEND: 'redis',
          DB_HOST_NAME: 'redis',
          APP_NAME: 'http://api:81',
        }),
    );
    assert.deepEqual(
      g.references.map((r) => r.envName),
      ['DB_HOST_NAME', 'APP_NAME'],
    );
  });

  it('finds fully qualified names in ConfigMap values no workload reads as env, not the API server', () => {
    const cm = `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: conf
data:
  file.yaml: |
    upstream: apii.default.svc.cluster.local:80
    api: https://kubernetes.default.svc:443
    ok: api.default.svc:80
  read: api.default.svc:81
`;
    const g = graphOf(
      base +
        cm +
        workload('reader', {
          body: `          env:\n            - name: X\n              valueFrom:\n                configMapKeyRef:\n                  name: conf\n                  key: read`,
        }),
    );
    assert.deepEqual(
      g.configMapAddresses.map((a) => `${a.key} ${a.namespace}/${a.serviceName} ${a.problem}`),
      ['file.yaml default/apii no-service'],
    );
    assert.deepEqual(summary(g.references), ['default/api:81 no-port']);
  });
});
