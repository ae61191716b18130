/**
 * `diff` of the connectivity of two versions of the app of test-fixtures/connectivity/shop, and the
 * usage errors of `connectivity`, `explain` and `diff` (goldens: see connectivity.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { UsageError as CommandUsageError } from '../../src/cli/io.js';
import { APP, golden, lines, run, tmpCopy, usageError } from '../support/connectivity.js';
import type { Run } from '../support/connectivity.js';

describe('diff', () => {
  for (const format of ['txt', 'md', 'json']) {
    it(`one policy changed: one connection added, one removed, one changed (${format})`, async () => {
      const r = await run('diff', ['-f', format, 'manifests', 'manifests-v2']);
      assert.equal(r.code, 0);
      golden(`diff-expected.${format}`, r.stdout);
    });
  }

  it('the txt diff is the hand-derived one', async () => {
    const r = await run('diff', ['manifests', 'manifests-v2']);
    assert.deepEqual(lines(r.stdout), [
      '+ data/backup[CronJob] => 198.51.100.0/24 : TCP 22',
      '~ data/backup[CronJob] => 203.0.113.0/25 : TCP 443 -> TCP 443,8443',
      '- data/backup[CronJob] => data/postgres[StatefulSet] : TCP 5432',
      '1 added, 1 removed, 1 changed',
    ]);
  });

  it('a new ipBlock elsewhere does not rename unchanged external ranges', async () => {
    const r = await run('diff', ['manifests', 'manifests-v2']);
    assert.ok(!r.stdout.includes('web/api'), r.stdout);
    assert.ok(!r.stdout.includes('0.0.0.0/0'), r.stdout);
  });

  it('--fail-on-added: 1 when the new version opens a connection, 0 otherwise', async () => {
    assert.equal((await run('diff', ['--fail-on-added', 'manifests', 'manifests-v2'])).code, 1);
    assert.equal(
      (await run('diff', ['--fail-on-added', 'manifests-v2', 'manifests'])).code,
      1,
      'backup -> postgres comes back',
    );
    const same = await run('diff', ['--fail-on-added', 'manifests', 'manifests']);
    assert.equal(same.code, 0);
    assert.equal(same.stdout, 'no changes\n');
    assert.equal((await run('diff', ['-f', 'json', 'manifests', 'manifests'])).stdout, '[]\n');
    // Only narrowing: 8443 closed again and the SFTP rule dropped.
    const dir = tmpCopy(APP);
    const file = path.join(dir, 'manifests-v2/policies-data.yaml');
    const text = readFileSync(file, 'utf8');
    const narrowed = text
      .replace('        - port: 8443\n', '')
      .replace(/ {4}- to:\n {8}- ipBlock:\n {12}cidr: 198\.51\.100\.0\/24\n {6}ports:\n {8}- port: 22\n/, '');
    assert.notEqual(narrowed, text);
    assert.ok(!narrowed.includes('cidr: 198.51.100'));
    writeFileSync(file, narrowed);
    const narrow = await run('diff', ['--fail-on-added', path.join(APP, 'manifests-v2'), 'manifests-v2'], { cwd: dir });
    assert.deepEqual(lines(narrow.stdout), [
      '- data/backup[CronJob] => 198.51.100.0/24 : TCP 22',
      '~ data/backup[CronJob] => 203.0.113.0/25 : TCP 443,8443 -> TCP 443',
      '0 added, 1 removed, 1 changed',
    ]);
    assert.equal(narrow.code, 0);
    assert.equal(
      (await run('diff', ['manifests-v2', path.join(APP, 'manifests-v2')], { cwd: dir })).code,
      0,
      'without the flag the exit code is 0',
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('usage errors', () => {
  it('unknown workloads in explain', async () => {
    await usageError('explain', ['web/nothing', 'web/api', 'manifests'], /no workload "web\/nothing" in the input/);
    await usageError(
      'explain',
      ['web/api', 'frontnd', 'manifests'],
      /no workload "frontnd" in the input; did you mean "web\/frontend"\?/,
    );
    await usageError(
      'explain',
      ['web/api[StatefulSet]', 'web/frontend', 'manifests'],
      /no workload "web\/api\[StatefulSet\]"/,
    );
    await usageError('explain', ['web/api', 'manifests'], /no workload "manifests"/);
    await usageError('explain', ['web/api'], /explain needs a source and a destination/);
  });

  it('an ambiguous workload name in explain asks for the kind', async () => {
    const dir = tmpCopy(APP);
    writeFileSync(
      path.join(dir, 'manifests/twin.yaml'),
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: api, namespace: web}\nspec:\n  serviceName: api\n  selector: {matchLabels: {app: api-sts}}\n  template:\n    metadata: {labels: {app: api-sts}}\n    spec: {containers: [{name: c, image: x}]}\n',
    );
    await usageError(
      'explain',
      ['web/api', 'web/frontend', 'manifests'],
      /"web\/api" names 2 workloads \(.*web\/api\[StatefulSet\].*\): add \[Kind\]/,
      dir,
    );
    const r = await run('explain', ['web/api[StatefulSet]', 'web/frontend', 'manifests'], { cwd: dir });
    assert.match(r.stdout, /^web\/api\[StatefulSet\] => web\/frontend\[Deployment\] \(any port\): BLOCKED/);
  });

  it('bad --port values', async () => {
    for (const bad of ['0', '65536', 'http', '80/icmp', '80/', '8o', '1.5']) {
      // Both commands take port names too (http, 8o), resolved on the destinations' container ports.
      if (bad === 'http' || bad === '8o') continue;
      await usageError(
        'connectivity',
        ['--port', bad, 'manifests'],
        new RegExp(
          `--port "${bad.replace(/[/.*+?^${}()|[\]\\-]/g, '\\$&')}": expected <port> or <port>/<TCP\\|UDP\\|SCTP>`,
        ),
      );
      await usageError('explain', ['web/api', 'web/frontend', '--port', bad, 'manifests'], /--port .*expected <port>/);
    }
    await usageError(
      'connectivity',
      ['--port', '8o', 'manifests'],
      /--port "8o": no workload in the input has a TCP container port named "8o"/,
    );
    await usageError(
      'explain',
      ['web/api', 'web/frontend', '--port', '8o', 'manifests'],
      /--port "8o": web\/frontend\[Deployment\] has no TCP container port named "8o"/,
    );
  });

  it('unknown formats', async () => {
    await usageError(
      'connectivity',
      ['-f', 'yaml', 'manifests'],
      /unknown format "yaml" \(available: txt, json, csv, md, dot\)/,
    );
    await usageError(
      'explain',
      ['web/api', 'web/frontend', '-f', 'csv', 'manifests'],
      /unknown format "csv" \(available: txt, json\)/,
    );
    await usageError(
      'diff',
      ['-f', 'dot', 'manifests', 'manifests-v2'],
      /unknown format "dot" \(available: txt, md, json, html\)/,
    );
  });

  it('bad IPv4 addresses, unknown options, missing inputs', async () => {
    await usageError('explain', ['300.1.1.1', 'web/api', 'manifests'], /"300\.1\.1\.1" is not a valid IPv4 address/);
    await usageError('connectivity', ['--bogus', 'manifests'], /Unknown option '--bogus'/);
    await usageError('connectivity', ['does-not-exist'], /no files matching "does-not-exist" were found/);
    await usageError('diff', ['manifests'], /diff needs two inputs/);
    await usageError('diff', ['manifests', 'manifests-v2', 'extra'], /diff needs two inputs/);
  });

  it('an unknown --focus workload is a usage error', async () => {
    await usageError('connectivity', ['--focus', 'web/nothing', 'manifests'], /web\/nothing/);
  });

  it('explain with a CIDR that policies split is a usage error, not an answer for its first address', async () => {
    const r = await run('explain', ['web/api', '0.0.0.0/0', '--port', '443', 'manifests']).catch((e: unknown) => e);
    assert.ok(
      r instanceof CommandUsageError || !(r as Run).stdout.includes('ALLOWED'),
      'either rejected, or not reported as allowed for every address',
    );
  });

  it('--help prints the network commands', async () => {
    const r = await run('connectivity', ['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /kube-netlint connectivity \[options\] <paths\.\.\.>/);
  });
});
