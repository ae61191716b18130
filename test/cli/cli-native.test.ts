/**
 * CLI tests of the introspection flags (--print-config, --debug, --list-rules -f json), the
 * network commands' conveniences (explain --exit-code, diff summary, name resolution, port names)
 * and --stdin-filename.
 */
import assert from 'node:assert/strict';

import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { ROOT, cli, tmp, type CliOptions } from '../support/util.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const run = (args: string[], opts: CliOptions = {}): Run => cli(args, opts);

const CONFIG = `rules:
  service-selector-no-pods: warning
namespace: shop
nodePortRange: 31000-31999
ignorePatterns:
  - "generated/**"
`;

describe('--print-config', () => {
  it('prints the effective settings for a file, with the config file, and exits 0', () => {
    const dir = tmp({
      '.kube-netlint.yaml': CONFIG,
      'k8s/a.yaml': 'kind: ConfigMap\n',
      'generated/b.yaml': 'kind: ConfigMap\n',
    });
    const r = run(['--print-config', 'k8s/a.yaml', '--rule', 'service-target-port-unresolved=off'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.file, 'k8s/a.yaml');
    assert.equal(c.configFile, '.kube-netlint.yaml');
    assert.equal(c.namespace, 'shop');
    assert.deepEqual(c.nodePortRange, [31000, 31999]);
    assert.deepEqual(c.ignorePatterns, ['generated/**']);
    assert.equal(c.roots, null);
    assert.ok('policy' in c);
    assert.equal(c.ignored, false);
    assert.deepEqual(Object.keys(c.rules).sort(), RULES.map((x) => x.meta.id).sort());
    assert.equal(c.rules['service-selector-no-pods'], 'warning');
    assert.equal(c.rules['service-target-port-unresolved'], 'off');
    const other = RULES.find(
      (x) => !['service-selector-no-pods', 'service-target-port-unresolved'].includes(x.meta.id),
    );
    assert.ok(other);
    assert.equal(c.rules[other.meta.id], other.meta.severity);
    const ignored = JSON.parse(run(['--print-config', 'generated/b.yaml'], { cwd: dir }).stdout);
    assert.equal(ignored.ignored, true);
  });

  it('says when there is no config file; a broken config is an error', () => {
    const dir = tmp({ 'a.yaml': 'kind: ConfigMap\n' });
    const r = run(['--print-config', 'a.yaml', '--no-config'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.configFile, null);
    assert.equal(c.namespace, 'default');
    const bad = tmp({ '.kube-netlint.yaml': 'rules: [\n' });
    const b = run(['--print-config', 'a.yaml'], { cwd: bad });
    assert.equal(b.status, 2);
    assert.equal(b.stdout, '');
  });
});

describe('--debug', () => {
  it('names the config file that was loaded on stderr', () => {
    const dir = tmp({
      '.kube-netlint.yaml': CONFIG,
      'k8s/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    });
    const r = run(['--debug', 'k8s'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^kube-netlint: config file \.kube-netlint\.yaml$/m);
    const none = run(['--debug', '--no-config', 'k8s'], { cwd: dir });
    assert.match(none.stderr, /^kube-netlint: no config file \(--no-config\)$/m);
    const quiet = run(['k8s'], { cwd: dir });
    assert.doesNotMatch(quiet.stderr, /config file/);
  });
});

describe('--list-rules', () => {
  it('honours -f json', () => {
    const r = run(['--list-rules', '-f', 'json']);
    assert.equal(r.status, 0);
    const list = JSON.parse(r.stdout) as { id: string; severity: string; description: string; docs: string }[];
    assert.deepEqual(
      list.map((x) => x.id),
      RULES.map((x) => x.meta.id),
    );
    for (const x of list) {
      assert.deepEqual(Object.keys(x), ['id', 'severity', 'description', 'docs']);
      assert.ok(['error', 'warning', 'info'].includes(x.severity));
      assert.match(x.docs, /^https:\/\//);
    }
    const text = run(['--list-rules']);
    assert.throws(() => JSON.parse(text.stdout));
    assert.equal(text.stdout.trim().split('\n').length, RULES.length);
  });
});

const SHOP = path.join(ROOT, 'test-fixtures/connectivity/shop');

describe('explain and connectivity: names, ports, exit code', () => {
  it('finds a bare name in the one namespace that has it, and resolves a port name on the destination', () => {
    const r = run(['explain', 'frontend', 'api', 'manifests', '--port', 'http'], { cwd: SHOP });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^web\/frontend\[Deployment\] => web\/api\[Deployment\] \(TCP 9000\): ALLOWED$/m);
    const metrics = run(['explain', 'frontend', 'api', 'manifests', '--port', 'metrics'], { cwd: SHOP });
    assert.match(metrics.stdout, /\(TCP 9100\): BLOCKED$/m);
    assert.equal(metrics.status, 0, 'without --exit-code the answer is not an exit code');
  });

  it('--exit-code: 1 when blocked, 0 when allowed', () => {
    assert.equal(
      run(['explain', '--exit-code', 'frontend', 'api', 'manifests', '--port', 'http'], { cwd: SHOP }).status,
      0,
    );
    const blocked = run(['explain', '--exit-code', 'frontend', 'api', 'manifests', '--port', 'metrics'], { cwd: SHOP });
    assert.equal(blocked.status, 1);
    assert.match(blocked.stdout, /BLOCKED/);
    const json = run(['explain', '--exit-code', '-f', 'json', 'web/frontend', 'data/postgres', 'manifests'], {
      cwd: SHOP,
    });
    assert.equal(JSON.parse(json.stdout).allowed, false);
    assert.equal(json.status, 1);
  });

  it('an unknown port name, an unknown or ambiguous workload: usage errors with suggestions', () => {
    const port = run(['explain', 'frontend', 'api', 'manifests', '--port', 'grpc'], { cwd: SHOP });
    assert.equal(port.status, 2);
    assert.match(port.stderr, /--port "grpc": web\/api\[Deployment\] has no TCP container port named "grpc"/);
    const typo = run(['explain', 'frontend', 'apj', 'manifests'], { cwd: SHOP });
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /no workload "apj" in the input; did you mean "web\/api"\?/);
    const focus = run(['connectivity', '--focus', 'postgress', 'manifests'], { cwd: SHOP });
    assert.equal(focus.status, 2);
    assert.match(focus.stderr, /did you mean "data\/postgres"\?/);
    const dir = tmp({
      'api.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: data}\nspec:\n  selector: {matchLabels: {app: api2}}\n' +
        '  template:\n    metadata: {labels: {app: api2}}\n    spec: {containers: [{name: c, image: x}]}\n',
    });
    const twice = run(['explain', 'frontend', 'api', path.join(SHOP, 'manifests'), dir], { cwd: SHOP });
    assert.equal(twice.status, 2);
    assert.match(
      twice.stderr,
      /"api" names workloads in several namespaces \(data\/api\[Deployment\], web\/api\[Deployment\]\): use namespace\/name/,
    );
  });
});

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - {name: web, containerPort: 8080}
`;
const SVC = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
`;

describe('--stdin-filename', () => {
  it('gives stdin findings that path in json, stylish and SARIF', () => {
    const dir = tmp({ '.kube-netlint.yaml': 'ignorePatterns: ["k8s/**"]\n', 'k8s/placeholder.txt': '' });
    const input = `${DEPLOY}---\n${SVC}`;
    const json = run(['-f', 'json', '--stdin-filename', 'k8s/app.yaml', '-'], { cwd: dir, input });
    assert.equal(json.status, 1, json.stderr);
    const findings = JSON.parse(json.stdout).findings as { file: string; ruleId: string }[];
    assert.ok(findings.length > 0, 'the ignore patterns are not applied to standard input');
    for (const f of findings) assert.equal(f.file, 'k8s/app.yaml');
    const stylish = run(['--stdin-filename', 'k8s/app.yaml', '-'], { cwd: dir, input });
    assert.match(stylish.stdout, /^k8s\/app\.yaml$/m);
    assert.doesNotMatch(stylish.stdout, /<stdin>/);
    const sarif = JSON.parse(run(['-f', 'sarif', '--stdin-filename', 'k8s/app.yaml', '-'], { cwd: dir, input }).stdout);
    const uris = new Set(
      sarif.runs[0].results.map(
        (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          r.locations[0].physicalLocation.artifactLocation.uri,
      ),
    );
    assert.ok(uris.size > 0);
    for (const u of uris) assert.ok(u === 'k8s/app.yaml' || (u as string).endsWith('/k8s/app.yaml'), String(u));
    const plain = JSON.parse(run(['-f', 'json', '-'], { cwd: dir, input }).stdout).findings as { file: string }[];
    assert.deepEqual(new Set(plain.map((f) => f.file)), new Set(['<stdin>']));
  });
});

describe('pre-commit mode and related locations', () => {
  it('reports a finding whose related location is in a staged file', () => {
    const dir = tmp({
      'deploy.yaml': DEPLOY,
      'svc.yaml': SVC,
      'other.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
    });
    const all = JSON.parse(run(['-f', 'json', '.'], { cwd: dir }).stdout).findings as {
      file: string;
      ruleId: string;
      related: { file: string }[];
    }[];
    const cross = all.find((f) => f.file === 'svc.yaml' && f.related.some((r) => r.file === 'deploy.yaml'));
    assert.ok(cross, 'the fixture has a finding in svc.yaml related to deploy.yaml');
    const staged = run(['-f', 'json', '--only-report-args', 'deploy.yaml'], { cwd: dir });
    assert.equal(staged.status, 1, staged.stderr);
    const reported = JSON.parse(staged.stdout).findings as { file: string; ruleId: string }[];
    assert.ok(reported.some((f) => f.file === 'svc.yaml' && f.ruleId === cross.ruleId));
    const unrelated = run(['-f', 'json', '--only-report-args', 'other.yaml'], { cwd: dir });
    assert.equal(unrelated.status, 0, unrelated.stderr);
    assert.deepEqual(JSON.parse(unrelated.stdout).findings, []);
  });
});
