/**
 * Live cluster dumps: typed lists whose items carry no kind, and the objects a controller made
 * (ReplicaSets, Jobs, pods with ownerReferences) folded into one workload with their owner (the
 * owners are tested in live-dump-owners.test.ts).
 *
 * test-fixtures/live-dump/ holds manifests (source/) and what a cluster running them returns
 * (dump.yaml: the API server's typed lists and kubectl's List; dump.json: `kubectl get -o json`).
 * Every command must give the same answer on the dump as on the manifests.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import type { JsonFinding } from '../../src/format/json.js';
import { Graph } from '../../src/graph/graph.js';
import { loadText } from '../../src/load/load.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { ROOT, cli as runCli } from '../support/util.js';
import type { Run } from '../support/util.js';
import { build, podItem, podList } from '../support/live-dump.js';

const DUMP = path.join(ROOT, 'test-fixtures/live-dump');
const INPUTS = ['source', 'dump.yaml', 'dump.json'];

/** The program run on the dump folder, without colour. */
const cli = (args: string[]): Run => runCli(args, { cwd: DUMP, env: { NO_COLOR: '1' } });

/** What a finding says, without where it is (the dump's lines differ from the manifests'). */
function said(stdout: string): string[] {
  const findings = (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
  return findings.map((f) => `${f.severity} ${f.ruleId}: ${f.message}`).sort();
}

describe('a dump of a cluster gives the answers of the manifests it came from', () => {
  it('connectivity: the same connections, named after the top-most owners', () => {
    const [source, ...dumps] = INPUTS.map((input) => cli(['connectivity', input]));
    assert.equal(source.status, 0, source.stderr);
    assert.match(source.stdout, /^data\/backup\[CronJob\] => data\/postgres\[StatefulSet\] : TCP 5432$/m);
    // The default-deny policies (in a NetworkPolicyList, items without kind) isolate the pods.
    assert.doesNotMatch(source.stdout, /=> web\/api\[Deployment\] : All Connections/);
    for (const [i, dump] of dumps.entries()) {
      assert.equal(dump.status, 0, dump.stderr);
      assert.equal(dump.stderr, '', INPUTS[i + 1]);
      assert.equal(dump.stdout, source.stdout, INPUTS[i + 1]);
      // No ReplicaSet, Job or pod of the dump is an endpoint of its own.
      assert.doesNotMatch(dump.stdout, /\[(ReplicaSet|Job|Pod)\]/);
    }
  });

  it('diff: nothing changes between the manifests and the dump', () => {
    // (It does see a change: the dump against the manifests without the DaemonSet.)
    const other = cli(['diff', '../connectivity/shop/manifests', 'dump.yaml', '-f', 'json']);
    assert.equal(other.status, 0, other.stderr);
    assert.deepEqual(
      (JSON.parse(other.stdout) as { diff: string; src: string }[]).map((d) => `${d.diff} ${d.src}`),
      ['added data/node-agent[DaemonSet]', 'added web/api[Deployment]'],
    );
    for (const dump of INPUTS.slice(1)) {
      const r = cli(['diff', 'source', dump, '-f', 'json']);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), [], dump);
    }
  });

  it('explain: the Deployment of the dump, isolated by the policies of the NetworkPolicyList', () => {
    const r = cli(['explain', 'web/frontend', 'web/api', 'dump.yaml', '--port', '9000']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^web\/frontend\[Deployment\] => web\/api\[Deployment\] \(TCP 9000\): ALLOWED$/m);
    assert.match(r.stdout, /NetworkPolicy "web\/default-deny" \(dump\.yaml:\d+:\d+\)/);
  });

  it('graph: the same picture as of the manifests (one node per workload)', () => {
    const [source, ...dumps] = INPUTS.map((input) => cli(['graph', input, '-f', 'mermaid']));
    assert.equal(source.status, 0, source.stderr);
    assert.match(source.stdout, /"frontend<br>Deployment"\]:::workloadFinding/);
    for (const [i, dump] of dumps.entries()) {
      assert.equal(dump.status, 0, dump.stderr);
      assert.equal(dump.stdout, source.stdout, INPUTS[i + 1]);
    }
  });

  it('lint: the findings of the manifests, once each (no per-pod or per-ReplicaSet copies)', () => {
    const [source, ...dumps] = INPUTS.map((input) => cli(['-f', 'json', input]));
    assert.equal(source.status, 1, source.stderr);
    const expected = said(source.stdout);
    assert.deepEqual(expected, [
      'error probe-port-unresolved: Deployment "frontend", container "frontend": readinessProbe.httpGet.port "healthz" is not a port name of this container; it defines http (8080)',
    ]);
    for (const [i, dump] of dumps.entries()) {
      assert.equal(dump.status, 1, dump.stderr);
      assert.deepEqual(said(dump.stdout), expected, INPUTS[i + 1]);
    }
  });
});
describe('lists', () => {
  it('items of a typed list take kind and apiVersion from it', () => {
    const model = build([
      podList(podItem('a', { app: 'a' })),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicyList',
        items: [{ metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }],
      },
    ]);
    assert.deepEqual(
      model.resources.map((r) => [r.apiVersion, r.kind, r.missingIdentity()]),
      [
        ['v1', 'Pod', []],
        ['networking.k8s.io/v1', 'NetworkPolicy', []],
      ],
    );
    assert.equal(model.networkPolicies.length, 1);
    const engine = new PolicyEngine(model, new Graph(model));
    const pod = engine.findPod('shop/a', 'default')[0];
    assert.equal(engine.isolatedIngress(pod).length, 1);
  });

  it('items of a generic List carry their own kind: one without is reported', () => {
    const model = build([{ apiVersion: 'v1', kind: 'List', items: [{ metadata: { name: 'x' } }] }]);
    assert.deepEqual(model.resources[0].missingIdentity(), ['apiVersion', 'kind']);
  });

  it('an item keeps the kind it carries', () => {
    const model = build([
      {
        apiVersion: 'v1',
        kind: 'ServiceList',
        items: [{ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'x' } }],
      },
    ]);
    assert.equal(model.resources[0].kind, 'Endpoints');
  });

  it('live fields (status, managedFields, defaulted fields) are no findings', () => {
    const result = lint([loadText('dump.json', JSON.stringify(podList(podItem('a', { app: 'a' }))))], {
      rules: RULES,
      settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] },
    });
    assert.deepEqual(
      result.findings.map((f) => f.message),
      [],
    );
  });
});
