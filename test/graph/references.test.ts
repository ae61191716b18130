/**
 * Service references of workloads (src/graph/references.ts): the address scanner, and how host
 * names in their DNS forms and as bare names are resolved to Services. Where references are found
 * and their problems are in references-sources.test.ts, the findings of
 * service-reference-unresolved in references-findings.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAddresses } from '../../src/graph/references.js';
import { client, env, graphOf, service, summary, workload } from '../support/references.js';

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
