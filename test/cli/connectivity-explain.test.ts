/**
 * `explain` on the multi-namespace app of test-fixtures/connectivity/shop: why a connection is
 * allowed or denied, policy by policy (goldens: see connectivity.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lines, run } from '../support/connectivity.js';

describe('explain', () => {
  it('an allowed pair: which policies isolate each side and which rules admit', async () => {
    const r = await run('explain', ['web/frontend', 'web/api', 'manifests']);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      `web/frontend[Deployment] => web/api[Deployment] (any port): ALLOWED
  allowed connections: TCP 9000
egress of web/frontend[Deployment]: isolated by
  - NetworkPolicy "web/default-deny" (manifests/policies-web.yaml:5:9)
  - NetworkPolicy "web/allow-dns" (manifests/policies-web.yaml:14:9)
  - NetworkPolicy "web/frontend" (manifests/policies-web.yaml:37:9)
  + egress[0] of NetworkPolicy "web/frontend" (manifests/policies-web.yaml:54:7) admits web/api[Deployment]: TCP 9000
ingress of web/api[Deployment]: isolated by
  - NetworkPolicy "web/default-deny" (manifests/policies-web.yaml:5:9)
  - NetworkPolicy "web/api" (manifests/policies-web.yaml:64:9)
  + ingress[0] of NetworkPolicy "web/api" (manifests/policies-web.yaml:72:7) admits web/frontend[Deployment]: TCP 9000
`,
    );
    const j = JSON.parse(
      (await run('explain', ['web/frontend', 'web/api', '-f', 'json', '--port', '9000', 'manifests'])).stdout,
    ) as Record<string, unknown>;
    assert.deepEqual(j, {
      src: 'web/frontend[Deployment]',
      dst: 'web/api[Deployment]',
      port: 'TCP 9000',
      allowed: true,
      conn: 'TCP 9000',
      egress: {
        isolated: true,
        isolatedBy: [
          { policy: 'web/default-deny', file: 'manifests/policies-web.yaml', line: 5, column: 9 },
          { policy: 'web/allow-dns', file: 'manifests/policies-web.yaml', line: 14, column: 9 },
          { policy: 'web/frontend', file: 'manifests/policies-web.yaml', line: 37, column: 9 },
        ],
        admitting: [
          {
            rule: 'egress[0] of NetworkPolicy "web/frontend"',
            conn: 'TCP 9000',
            file: 'manifests/policies-web.yaml',
            line: 54,
            column: 7,
          },
        ],
        conn: 'TCP 9000',
      },
      notes: [],
      incomplete: [],
      ingress: {
        isolated: true,
        isolatedBy: [
          { policy: 'web/default-deny', file: 'manifests/policies-web.yaml', line: 5, column: 9 },
          { policy: 'web/api', file: 'manifests/policies-web.yaml', line: 64, column: 9 },
        ],
        admitting: [
          {
            rule: 'ingress[0] of NetworkPolicy "web/api"',
            conn: 'TCP 9000',
            file: 'manifests/policies-web.yaml',
            line: 72,
            column: 7,
          },
        ],
        conn: 'TCP 9000',
      },
    });
  });

  it('a pair blocked by the source egress (the destination ingress would admit it)', async () => {
    const r = await run('explain', ['web/frontend', 'data/postgres', 'manifests']);
    const out = lines(r.stdout);
    assert.equal(out[0], 'web/frontend[Deployment] => data/postgres[StatefulSet] (any port): BLOCKED');
    assert.equal(out[1], '  allowed connections: No Connections');
    assert.ok(out.includes('  no rule admits data/postgres[StatefulSet]: nothing allowed'));
    assert.ok(
      out.indexOf('  no rule admits data/postgres[StatefulSet]: nothing allowed') <
        out.indexOf('ingress of data/postgres[StatefulSet]: isolated by'),
      'on the egress side',
    );
    assert.ok(
      out.includes(
        '  + ingress[0] of NetworkPolicy "data/allow-metrics" (manifests/policies-data.yaml:75:7) admits web/frontend[Deployment]: TCP 9187',
      ),
    );
    const j = JSON.parse(
      (await run('explain', ['web/frontend', 'data/postgres', '-f', 'json', 'manifests'])).stdout,
    ) as {
      allowed: boolean;
      conn: string;
      egress: { isolated: boolean; admitting: unknown[]; conn: string };
      ingress: { admitting: { rule: string; conn: string }[]; conn: string };
    };
    assert.equal(j.allowed, false);
    assert.equal(j.conn, 'No Connections');
    assert.equal(j.egress.isolated, true);
    assert.deepEqual(j.egress.admitting, []);
    assert.equal(j.egress.conn, 'No Connections');
    assert.deepEqual(
      j.ingress.admitting.map((a) => [a.rule, a.conn]),
      [['ingress[0] of NetworkPolicy "data/allow-metrics"', 'TCP 9187']],
    );
  });

  it('a pair blocked by the destination ingress (the source egress would allow DNS ports)', async () => {
    const out = lines((await run('explain', ['data/backup', 'data/cache', 'manifests'])).stdout);
    assert.deepEqual(out, [
      'data/backup[CronJob] => data/cache[Deployment] (any port): BLOCKED',
      '  allowed connections: No Connections',
      'egress of data/backup[CronJob]: isolated by',
      '  - NetworkPolicy "data/backup" (manifests/policies-data.yaml:85:9)',
      '  + egress[2] of NetworkPolicy "data/backup" (manifests/policies-data.yaml:106:7) admits data/cache[Deployment]: TCP 53,UDP 53',
      'ingress of data/cache[Deployment]: isolated by',
      '  - NetworkPolicy "data/default-deny-ingress" (manifests/policies-data.yaml:5:9)',
      '  - NetworkPolicy "data/cache" (manifests/policies-data.yaml:41:9)',
      '  - NetworkPolicy "data/allow-metrics" (manifests/policies-data.yaml:70:9)',
      '  no rule admits data/backup[CronJob]: nothing allowed',
    ]);
    const j = JSON.parse((await run('explain', ['data/backup', 'data/cache', '-f', 'json', 'manifests'])).stdout) as {
      allowed: boolean;
      egress: { conn: string };
      ingress: { conn: string; admitting: unknown[] };
    };
    assert.equal(j.allowed, false);
    assert.equal(j.egress.conn, 'TCP 53,UDP 53');
    assert.equal(j.ingress.conn, 'No Connections');
    assert.deepEqual(j.ingress.admitting, []);
  });

  it('--port: rules admit the pair, but not on that port', async () => {
    const out = lines((await run('explain', ['web/api', 'data/postgres', '--port', '6379', 'manifests'])).stdout);
    assert.deepEqual(out, [
      'web/api[Deployment] => data/postgres[StatefulSet] (TCP 6379): BLOCKED',
      '  allowed connections: TCP 5432,9187',
      'egress of web/api[Deployment]: isolated by',
      '  - NetworkPolicy "web/default-deny" (manifests/policies-web.yaml:5:9)',
      '  - NetworkPolicy "web/allow-dns" (manifests/policies-web.yaml:14:9)',
      '  - NetworkPolicy "web/api" (manifests/policies-web.yaml:64:9)',
      '  + egress[0] of NetworkPolicy "web/api" (manifests/policies-web.yaml:82:7) admits data/postgres[StatefulSet]: TCP 5432',
      '  + egress[2] of NetworkPolicy "web/api" (manifests/policies-web.yaml:100:7) admits data/postgres[StatefulSet]: TCP 9187',
      '  none of these rules allows TCP 6379',
      'ingress of data/postgres[StatefulSet]: isolated by',
      '  - NetworkPolicy "data/default-deny-ingress" (manifests/policies-data.yaml:5:9)',
      '  - NetworkPolicy "data/postgres" (manifests/policies-data.yaml:14:9)',
      '  - NetworkPolicy "data/allow-metrics" (manifests/policies-data.yaml:70:9)',
      '  + ingress[0] of NetworkPolicy "data/postgres" (manifests/policies-data.yaml:21:7) admits web/api[Deployment]: TCP 5432',
      '  + ingress[0] of NetworkPolicy "data/allow-metrics" (manifests/policies-data.yaml:75:7) admits web/api[Deployment]: TCP 9187',
      '  none of these rules allows TCP 6379',
    ]);
    const ok = lines((await run('explain', ['web/api', 'data/postgres', '--port', '5432/tcp', 'manifests'])).stdout);
    assert.equal(ok[0], 'web/api[Deployment] => data/postgres[StatefulSet] (TCP 5432): ALLOWED');
    assert.ok(!ok.some((l) => l.includes('none of these rules')));
    const udp = JSON.parse(
      (await run('explain', ['web/api', 'data/cache', '--port', '6379/UDP', '-f', 'json', 'manifests'])).stdout,
    ) as {
      port: string;
      allowed: boolean;
      egress: { conn: string };
      ingress: { conn: string };
    };
    assert.equal(udp.port, 'UDP 6379');
    assert.equal(udp.allowed, false, 'the cache ingress opens UDP 6379, the api egress does not');
    assert.equal(udp.egress.conn, 'TCP 6379,9121');
    assert.equal(udp.ingress.conn, 'TCP 6379,9121,UDP 6379');
  });

  it('an external IP as source, and as destination', async () => {
    const out = lines((await run('explain', ['8.8.8.8', 'web/frontend', 'manifests'])).stdout);
    assert.deepEqual(out, [
      '8.8.8.8 => web/frontend[Deployment] (any port): BLOCKED',
      '  allowed connections: No Connections',
      'egress of 8.8.8.8: not governed by NetworkPolicies (external endpoint)',
      'ingress of web/frontend[Deployment]: isolated by',
      '  - NetworkPolicy "web/default-deny" (manifests/policies-web.yaml:5:9)',
      '  - NetworkPolicy "web/frontend" (manifests/policies-web.yaml:37:9)',
      '  no rule admits 8.8.8.8: nothing allowed',
    ]);
    const src = JSON.parse((await run('explain', ['8.8.8.8', 'web/frontend', '-f', 'json', 'manifests'])).stdout) as {
      src: string;
      allowed: boolean;
      egress: unknown;
    };
    assert.equal(src.src, '8.8.8.8');
    assert.equal(src.allowed, false);
    assert.equal(src.egress, null);
    const dst = JSON.parse(
      (await run('explain', ['web/api', '8.8.8.8', '--port', '443', '-f', 'json', 'manifests'])).stdout,
    ) as {
      allowed: boolean;
      conn: string;
      ingress: unknown;
      egress: { admitting: { rule: string; conn: string; line: number }[] };
    };
    assert.equal(dst.allowed, true);
    assert.equal(dst.conn, 'TCP 443');
    assert.equal(dst.ingress, null);
    assert.deepEqual(
      dst.egress.admitting.map((a) => [a.rule, a.conn, a.line]),
      [['egress[3] of NetworkPolicy "web/api"', 'TCP 443', 106]],
    );
    const priv = lines((await run('explain', ['web/api', '10.1.2.3', '--port', '443', 'manifests'])).stdout);
    assert.equal(priv[0], 'web/api[Deployment] => 10.1.2.3 (TCP 443): BLOCKED', '10.0.0.0/8 is in the except list');
    const store = lines((await run('explain', ['data/backup', '203.0.113.200', 'manifests'])).stdout);
    assert.equal(store[0], 'data/backup[CronJob] => 203.0.113.200 (any port): BLOCKED', '203.0.113.128/25 is excepted');
    const store2 = lines((await run('explain', ['data/backup', '203.0.113.7', 'manifests'])).stdout);
    assert.equal(store2[0], 'data/backup[CronJob] => 203.0.113.7 (any port): ALLOWED');
  });

  it('the ingress controller as source, with and without its settings', async () => {
    const withCfg = lines((await run('explain', ['{ingress-controller}', 'web/frontend', 'manifests'])).stdout);
    assert.equal(withCfg[0], '{ingress-controller} => web/frontend[Deployment] (any port): ALLOWED');
    assert.equal(withCfg[1], '  allowed connections: TCP 8080');
    const without = lines(
      (await run('explain', ['{ingress-controller}', 'web/frontend', '--no-config', 'manifests'])).stdout,
    );
    assert.equal(without[0], '{ingress-controller} => web/frontend[Deployment] (any port): BLOCKED');
  });
});
