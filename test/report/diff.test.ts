/**
 * The diff view of the network picture (`diff --format html`): what changed between two versions.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { reportOf } from '../../src/cli/graph.js';
import { COMMANDS } from '../../src/cli/main.js';
import { diffConnectivity } from '../../src/policy/report.js';
import { buildDiffData } from '../../src/report/diff.js';
import type { ReportData } from '../../src/report/model.js';
import { io, load, scripts } from '../support/graph-report.js';
import { tmp } from '../support/util.js';

describe('diff view', () => {
  it('marks the connections that were added and removed', async () => {
    const before = await load('app');
    const afterV = await load('app-v2');
    const changes = diffConnectivity(before.engine.connectivity(), afterV.engine.connectivity());
    const data = buildDiffData({
      before: reportOf(before, 'd'),
      after: reportOf(afterV, 'd'),
      changes,
      title: 'd',
      engines: { before: before.engine, after: afterV.engine },
    });
    const diffs = Object.fromEntries(
      data.edges.filter((e) => e.diff !== 'unchanged').map((e) => [e.id, `${e.diff} ${e.old?.status} -> ${e.status}`]),
    );
    assert.deepEqual(diffs, {
      'reference:wl:api/orders[Deployment]->svc:data/db': 'added blocked -> allowed',
      'reference:wl:web/frontend[Deployment]->svc:api/api': 'removed allowed -> blocked',
    });
    assert.deepEqual(
      data.changes?.map((c) => `${c.diff} ${c.src} ${c.dst} ${c.edge}`),
      [
        'added api/orders[Deployment] data/db[StatefulSet] reference:wl:api/orders[Deployment]->svc:data/db',
        'removed web/frontend[Deployment] api/api[Deployment] reference:wl:web/frontend[Deployment]->svc:api/api',
      ],
    );
    const removed = data.edges.find((e) => e.id === 'reference:wl:web/frontend[Deployment]->svc:api/api')!;
    assert.match(removed.explain[0].text, /BLOCKED/);
    assert.match(removed.old!.explain[0].text, /ALLOWED/);
    assert.ok(removed.details.includes('connectivity: - web/frontend[Deployment] => api/api[Deployment] : TCP 8080'));
  });

  it('draws a connection that no edge stands for, and nodes of one version only', async () => {
    const dir = tmp({}, 'kn-graph-');
    const app = (extra: string) => `apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: a}}
spec: {containers: [{name: a, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: b}}
spec: {containers: [{name: b, image: x, ports: [{containerPort: 80}]}]}
${extra}`;
    writeFileSync(path.join(dir, 'old.yaml'), app(''));
    writeFileSync(
      path.join(dir, 'new.yaml'),
      app(`---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-b}
spec: {podSelector: {matchLabels: {app: b}}}
---
apiVersion: v1
kind: Pod
metadata: {name: c, labels: {app: c}}
spec: {containers: [{name: c, image: x}]}
`),
    );
    const run = io(dir);
    assert.equal(
      await COMMANDS.diff.run(['old.yaml', 'new.yaml', '--no-config', '-f', 'html', '-o', 'diff.html'], run),
      0,
    );
    const html = readFileSync(path.join(dir, 'diff.html'), 'utf8');
    const data = (JSON.parse(scripts(html)[0].body) as { data: ReportData }).data;
    assert.equal(data.mode, 'diff');
    const conn = data.edges.find((e) => e.id === 'connection:wl:default/a[Pod]->wl:default/b[Pod]');
    assert.equal(conn?.diff, 'removed');
    assert.match(conn!.old!.explain[0].text, /ALLOWED/);
    assert.equal(data.nodes.find((n) => n.id === 'wl:default/c[Pod]')?.presence, 'new');
    assert.ok(data.changes!.length >= 3);
    // --fail-on-added: the new pod c opens connections.
    assert.equal(
      await COMMANDS.diff.run(
        ['old.yaml', 'new.yaml', '--no-config', '-f', 'html', '-o', 'diff.html', '--fail-on-added'],
        io(dir),
      ),
      1,
    );
    assert.equal(
      await COMMANDS.diff.run(
        ['new.yaml', 'new.yaml', '--no-config', '-f', 'html', '-o', 'same.html', '--fail-on-added'],
        io(dir),
      ),
      0,
    );
  });
});
