import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { JsonFinding } from '../../src/format/json.js';
import { ROOT, cli, tmp, type CliOptions } from '../support/util.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const run = (args: string[], opts: CliOptions = {}): Run => cli(args, opts);

function json(r: Run): { version: number; findings: JsonFinding[]; summary: Record<string, number> } {
  return JSON.parse(r.stdout);
}

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
            - {name: http, containerPort: 8080}
`;
const SVC = (selector: string, extra = '') => `apiVersion: v1
kind: Service
metadata:
  name: web
${extra}spec:
  selector: {app: ${selector}}
  ports:
    - {name: http, port: 80, targetPort: http}
`;

describe('examples/', () => {
  it('reports each marked problem at its line and exits 1', () => {
    // Without a build program (test/load/kustomize.test.ts builds examples/kustomize with one).
    // (examples/monorepo is one cluster slice of its own, with its own configuration: test/system/monorepo.test.ts.)
    const r = run([
      '--format',
      'json',
      '--kustomize-command',
      'none',
      '--ignore-pattern',
      'examples/monorepo/**',
      'examples/',
    ]);
    assert.equal(r.status, 1, r.stderr);
    const out = json(r);
    const actual = out.findings.map((f) => `${f.file}:${f.line}:${f.ruleId}`).sort();
    const expected: string[] = [];
    for (const name of readdirSync(path.join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' })) {
      if (!/\.ya?ml$/.test(name) || name.startsWith(`monorepo${path.sep}`)) continue;
      readFileSync(path.join(ROOT, 'examples', name), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const m = /#\s*([a-z]+(?:-[a-z]+)+):/.exec(line);
          if (m) expected.push(`examples/${name.split(path.sep).join('/')}:${i + 1}:${m[1]}`);
        });
    }
    assert.deepEqual(actual, expected.sort());
    // 11 files of shop, bank and clean, 4 of tiers; the Kustomize roots' resources (base/deployment.yaml and
    // base/service.yaml, read once for both overlays, and overlays/prod/metrics-service.yaml).
    assert.equal(out.summary.files, 18);
  });

  it('exits 0 on a clean app and prints nothing', () => {
    const r = run(['examples/clean']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
  });
});

describe('exit codes and usage errors', () => {
  it('exits 2 on an unknown flag with a one-line message', () => {
    const r = run(['--no-such-flag', 'examples/']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^kube-netlint: Unknown option '--no-such-flag'/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('exits 2 on an unknown format, a missing path and no path', () => {
    assert.equal(run(['-f', 'xml', 'examples/']).status, 2);
    const missing = run(['does-not-exist/']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no files matching "does-not-exist\/"/);
    assert.equal(run([]).status, 2);
  });

  it('counts warnings against --max-warnings and hides them with --quiet', () => {
    const dir = tmp({
      'a.yaml': `${DEPLOY}---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 9999}]\n`,
    });
    const plain = run(['-f', 'json', '.'], { cwd: dir });
    assert.equal(plain.status, 0);
    assert.deepEqual(
      json(plain).findings.map((f) => f.ruleId),
      ['service-target-port-undeclared'],
    );
    const strict = run(['--max-warnings', '0', '.'], { cwd: dir });
    assert.equal(strict.status, 1);
    assert.match(strict.stdout, /too many warnings \(maximum: 0, found: 1\)/);
    const quiet = run(['--quiet', '-f', 'json', '.'], { cwd: dir });
    assert.equal(json(quiet).findings.length, 0);
  });

  it('writes the report to --output-file', () => {
    const dir = tmp({ 'svc.yaml': SVC('nope'), 'deploy.yaml': DEPLOY });
    const r = run(['-f', 'json', '-o', 'out/report.json', '.'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const report = JSON.parse(readFileSync(path.join(dir, 'out/report.json'), 'utf8'));
    assert.equal(report.findings[0].ruleId, 'service-selector-no-pods');
  });
});

describe('the JSON contract', () => {
  it('has exactly the documented keys, 1-based ranges, and related locations', () => {
    const dir = tmp({ 'svc/web.yaml': SVC('webb'), 'deploy/web.yaml': DEPLOY });
    const r = run(['--format', 'json', '.'], { cwd: dir });
    const out = json(r);
    assert.deepEqual(Object.keys(out), ['version', 'findings', 'summary']);
    assert.equal(out.version, 1);
    assert.deepEqual(out.summary, { files: 2, objects: 2, errors: 1, warnings: 0 });
    const [f] = out.findings;
    assert.deepEqual(Object.keys(f), [
      'ruleId',
      'severity',
      'message',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'object',
      'related',
    ]);
    assert.deepEqual(
      { file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn },
      { file: 'svc/web.yaml', line: 6, column: 19, endLine: 6, endColumn: 23 },
    );
    assert.deepEqual(f.object, { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' });
    assert.deepEqual(f.related, [
      { file: 'deploy/web.yaml', line: 10, column: 15, message: 'pod labels of Deployment "default/web"' },
    ]);
  });
});

describe('inputs', () => {
  it('reads a Helm stream from stdin and names the template of each finding', () => {
    const stream = `---\n# Source: shop/templates/deploy.yaml\n${DEPLOY}---\n# Source: shop/templates/svc.yaml\n${SVC('wbe')}`;
    const r = run(['-', '--no-color'], { input: stream });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^<stdin>$/m);
    assert.match(r.stdout, /service-selector-no-pods/);
    assert.match(r.stdout, /\(shop\/templates\/svc\.yaml\)/);
    const j = json(run(['-', '-f', 'json'], { input: stream }));
    assert.equal(j.findings[0].file, '<stdin>');
    assert.equal(j.findings[0].line, 26);
  });

  it('lints JSON manifests and expands List kinds', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'a' },
          spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] },
        },
      ],
    };
    const dir = tmp({ 'list.json': JSON.stringify(list, null, 2) });
    const out = json(run(['-f', 'json', '.'], { cwd: dir }));
    assert.deepEqual(
      out.findings.map((f) => [f.ruleId, f.line, f.column]),
      [['service-node-port-range', 16, 25]],
    );
  });

  it('skips YAML that is not a manifest when expanding a directory, and honours ignores', () => {
    const dir = tmp({
      '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
      'values.yaml': 'replicaCount: 1\n',
      'generated/svc.yaml': SVC('nothing'),
      'ignored/svc.yaml': SVC('nothing'),
      '.gitignore': 'generated/\n',
      'ok.yaml': DEPLOY,
    });
    const r = run(['-f', 'json', '--ignore-pattern', 'ignored/**', '.'], { cwd: dir });
    assert.equal(r.status, 0, r.stdout);
    assert.equal(json(r).summary.files, 1);
  });

  it('leaves out Helm chart templates and tool configs such as kustomization.yaml', () => {
    const dir = tmp({
      'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
      'chart/templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
      'base/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deploy.yaml]\n',
      'base/deploy.yaml': DEPLOY,
    });
    const r = run(['-f', 'json', '.'], { cwd: dir });
    assert.equal(r.status, 0, r.stdout);
    assert.deepEqual(json(r).findings, []);
    assert.equal(json(r).summary.objects, 1);
    assert.match(r.stderr, /skipping Helm chart chart: render it first/);
    // Named explicitly, a template is linted (and its template syntax reported).
    const explicit = run(['-f', 'json', 'chart/templates/svc.yaml'], { cwd: dir });
    assert.equal(explicit.status, 1);
  });
});

describe('config and suppressions', () => {
  it('finds .kube-netlint.yaml upward and applies rule severities and namespace', () => {
    const dir = tmp({
      '.kube-netlint.yaml': 'rules:\n  service-selector-no-pods: warning\nnamespace: shop\n',
      'apps/svc.yaml': SVC('nope'),
    });
    const r = run(['-f', 'json', '.'], { cwd: path.join(dir, 'apps') });
    assert.equal(r.status, 0, r.stderr);
    const [f] = json(r).findings;
    assert.equal(f.severity, 'warning');
    assert.equal(f.object?.namespace, 'shop');
  });

  it('rejects an invalid config with a message naming the key, exit 2', () => {
    const dir = tmp({ '.kube-netlint.yaml': 'rules:\n  no-such-rule: error\n', 'svc.yaml': SVC('x') });
    const r = run(['.'], { cwd: dir });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown rule "no-such-rule"/);
    const dir2 = tmp({ '.kube-netlint.yaml': 'nodeportRange: 1-2\n', 'svc.yaml': SVC('x') });
    const r2 = run(['.'], { cwd: dir2 });
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /unknown key "nodeportRange"/);
  });

  it('--rule overrides the config', () => {
    const dir = tmp({ 'svc.yaml': SVC('nope') });
    const r = run(['--rule', 'service-selector-no-pods=off', '.'], { cwd: dir });
    assert.equal(r.status, 0);
  });

  it('suppresses by annotation and by a comment on the line before', () => {
    const annotated = SVC('nope', '  annotations:\n    kube-netlint.io/ignore: service-selector-no-pods\n');
    const commented = `apiVersion: v1
kind: Service
metadata:
  name: other
spec:
  # kube-netlint-disable-next-line service-selector-no-pods -- pods come from an external controller
  selector:
    app: nope
  ports: [{port: 80}]
`;
    const dir = tmp({ 'a.yaml': annotated, 'b.yaml': commented });
    const r = run(['-f', 'json', '.'], { cwd: dir });
    assert.equal(r.status, 0, r.stdout);
    assert.equal(json(r).findings.length, 0);
    // A directive for another rule does not hide the finding.
    const dir2 = tmp({ 'b.yaml': commented.replace('service-selector-no-pods --', 'service-port-invalid --') });
    assert.equal(run(['.'], { cwd: dir2 }).status, 1);
  });
});

describe('colour', () => {
  const dir = tmp({ 'svc.yaml': SVC('nope') });
  it('is off when not a TTY, on with FORCE_COLOR, off with NO_COLOR', () => {
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    assert.doesNotMatch(run(['.'], { cwd: dir }).stdout, ansi);
    assert.match(run(['.'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout, ansi);
    assert.doesNotMatch(run(['.'], { cwd: dir, env: { FORCE_COLOR: '0' } }).stdout, ansi);
    assert.doesNotMatch(run(['.'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout, ansi);
    assert.match(run(['--color', '.'], { cwd: dir, env: { NO_COLOR: '1' } }).stdout, ansi);
    assert.doesNotMatch(run(['-f', 'json', '.'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout, ansi);
  });
});
