/** `connectivity --port <name>`: a port name is resolved on each destination's container ports. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, BIN } from '../support/util.js';

const SHOP = path.join(ROOT, 'test-fixtures/connectivity/shop');

function connectivity(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'connectivity', 'manifests', ...args], {
    cwd: SHOP,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('connectivity --port <name>', () => {
  it('keeps the connections that allow the destination port of that name, each by its own number', () => {
    const all = connectivity();
    assert.equal(all.status, 0, all.stderr);
    const named = connectivity('--port', 'http');
    assert.equal(named.status, 0, named.stderr);
    // frontend's "http" is 8080 and api's is 9000: one name, two numbers.
    assert.deepEqual(named.stdout.trim().split('\n').sort(), [
      'web/frontend[Deployment] => web/api[Deployment] : TCP 9000',
      '{ingress-controller} => web/api[Deployment] : TCP 9000',
      '{ingress-controller} => web/frontend[Deployment] : TCP 8080',
    ]);
    // Every line it keeps is a line of the full list.
    const lines = new Set(all.stdout.trim().split('\n'));
    for (const l of named.stdout.trim().split('\n')) assert.ok(lines.has(l), l);
  });

  it('a name matches no connection to a destination whose port of that name is not allowed', () => {
    const metrics = connectivity('--port', 'metrics');
    assert.equal(metrics.status, 0, metrics.stderr);
    // api's metrics port (9100) is allowed to nobody; cache's and postgres' are allowed from api.
    assert.doesNotMatch(metrics.stdout, /=> web\/api\[Deployment\]/);
    assert.match(metrics.stdout, /^web\/api\[Deployment\] => data\/cache\[Deployment\] : TCP 6379,9121$/m);
  });

  it('agrees with the number where the name means one number', () => {
    const byName = connectivity('--port', 'http', '-f', 'json');
    const byNumber = connectivity('--port', '9000', '-f', 'json');
    const toApi = (s: string) => (JSON.parse(s) as { dst: string }[]).filter((c) => c.dst === 'web/api[Deployment]');
    assert.deepEqual(toApi(byName.stdout), toApi(byNumber.stdout));
  });

  it('a name no workload defines is a usage error', () => {
    const r = connectivity('--port', 'grpc');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--port "grpc": no workload in the input has a TCP container port named "grpc"/);
    assert.equal(r.stdout, '');
    const bad = connectivity('--port', 'not_a_name');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--port "not_a_name"/);
  });
});
