/**
 * Service references of workloads (src/graph/references.ts): where references are found (env,
 * args and command, init containers, ConfigMaps read through env), the problems they have, and
 * connection strings and identity variables.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAddresses } from '../../src/graph/references.js';
import { client, env, graphOf, service, summary, workload } from '../support/references.js';

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
