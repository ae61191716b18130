/** CLI tests of the CI features: several outputs, baselines, --only-report and the pre-commit mode. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { validateSarif } from '../support/sarif-schema.js';
import { ROOT, cli, findingsOf, tmp, writeFiles as write, type CliOptions } from '../support/util.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const run = (args: string[], opts: CliOptions = {}): Run => cli(args, opts);

const DEPLOY = (name = 'web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - {name: http, containerPort: 8080}
`;
const SVC = (name: string, selector: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${selector}}
  ports:
    - {name: http, port: 80, targetPort: http}
`;

describe('several outputs in one run', () => {
  it('prints one format and writes the others to their files', () => {
    const dir = tmp({ 'svc.yaml': SVC('web', 'webb'), 'deploy.yaml': DEPLOY() });
    const r = run(
      [
        '--format',
        'stylish',
        '--format',
        'sarif=reports/kube-netlint.sarif',
        '-f',
        'junit=junit.xml',
        '-f',
        'github=gh.txt',
        '-f',
        'json=out.json',
        '.',
      ],
      { cwd: dir },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /svc\.yaml\n\s+6:\d+\s+error/);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'reports/kube-netlint.sarif'), 'utf8'));
    assert.deepEqual(validateSarif(sarif), []);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(sarif.runs[0].tool.driver.semanticVersion, pkg.version);
    assert.ok(sarif.runs[0].tool.driver.rules.length >= 14, 'every rule is described');
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'svc.yaml');
    assert.match(
      readFileSync(path.join(dir, 'junit.xml'), 'utf8'),
      /<testcase name="Service default\/web: service-selector-no-pods" classname="svc\.yaml"/,
    );
    assert.match(readFileSync(path.join(dir, 'gh.txt'), 'utf8'), /^::error file=svc\.yaml,line=6,/);
    assert.equal(findingsOf(readFileSync(path.join(dir, 'out.json'), 'utf8')).length, 1);
  });

  it('sends the format without a file to --output-file, and nothing to stdout', () => {
    const dir = tmp({ 'svc.yaml': SVC('web', 'webb') });
    const r = run(['-f', 'json', '-f', 'sarif=r.sarif', '-o', 'r.json', '.'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(findingsOf(readFileSync(path.join(dir, 'r.json'), 'utf8')).length, 1);
    assert.ok(existsSync(path.join(dir, 'r.sarif')));
  });

  it('rejects two formats for stdout, an unknown format and two formats for one file (exit 2)', () => {
    const dir = tmp({ 'svc.yaml': SVC('web', 'web') });
    const two = run(['-f', 'stylish', '-f', 'json', '.'], { cwd: dir });
    assert.equal(two.status, 2);
    assert.match(two.stderr, /only one --format can go to stdout/);
    const unknown = run(['-f', 'xml=out.xml', '.'], { cwd: dir });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown format "xml"/);
    const same = run(['-f', 'json=a.out', '-f', 'sarif=a.out', '.'], { cwd: dir });
    assert.equal(same.status, 2);
    assert.match(same.stderr, /both write to a\.out/);
  });

  it('gives stdin findings the artifact URI "stdin" and stays schema-valid', () => {
    const r = run(['-f', 'sarif', '-'], { input: SVC('web', 'nothing') });
    assert.equal(r.status, 1, r.stderr);
    const log = JSON.parse(r.stdout);
    assert.deepEqual(validateSarif(log), []);
    assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'stdin');
  });

  it('makes SARIF and annotation paths relative to the repository root, not the working directory', () => {
    const dir = tmp({ 'deploy/k8s/svc.yaml': SVC('web', 'webb') });
    mkdirSync(path.join(dir, '.git'));
    const r = run(['-f', 'sarif', '-f', 'github=gh.txt', '.'], { cwd: path.join(dir, 'deploy') });
    const log = JSON.parse(r.stdout);
    assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'deploy/k8s/svc.yaml');
    assert.match(readFileSync(path.join(dir, 'deploy/gh.txt'), 'utf8'), /^::error file=deploy\/k8s\/svc\.yaml,/);
  });
});

describe('baseline', () => {
  it('round trip: write, then no findings, then a new finding still fails', () => {
    const dir = tmp({ 'svc.yaml': SVC('legacy', 'gone'), 'deploy.yaml': DEPLOY() });
    const write1 = run(['--write-baseline', '.kube-netlint-baseline.json', '.'], { cwd: dir });
    assert.equal(write1.status, 0, write1.stderr);
    assert.equal(write1.stdout, '');
    assert.match(write1.stderr, /wrote 1 finding to the baseline \.kube-netlint-baseline\.json/);
    const baseline = JSON.parse(readFileSync(path.join(dir, '.kube-netlint-baseline.json'), 'utf8'));
    assert.equal(baseline.version, 1);
    assert.deepEqual(Object.keys(baseline.findings[0]), ['fingerprint', 'ruleId', 'file', 'object']);
    assert.equal(baseline.findings[0].ruleId, 'service-selector-no-pods');
    assert.equal(baseline.findings[0].file, 'svc.yaml');

    const clean = run(['--baseline', '.kube-netlint-baseline.json', '.'], { cwd: dir });
    assert.equal(clean.status, 0, clean.stdout);
    assert.equal(clean.stdout, '');
    assert.match(clean.stderr, /1 finding hidden by the baseline \.kube-netlint-baseline\.json/);

    // Moving the accepted object (other lines above it) keeps it hidden: matching is by fingerprint.
    write(dir, { 'svc.yaml': `${SVC('other', 'web')}---\n${SVC('legacy', 'gone')}` });
    const moved = run(['--baseline', '.kube-netlint-baseline.json', '.'], { cwd: dir });
    assert.equal(moved.status, 0, moved.stdout);

    // A new problem is reported and fails the run; the accepted one stays hidden.
    write(dir, { 'svc.yaml': `${SVC('other', 'web')}---\n${SVC('legacy', 'gone')}---\n${SVC('fresh', 'typo')}` });
    const fresh = run(['--baseline', '.kube-netlint-baseline.json', '-f', 'json', '-f', 'sarif=r.sarif', '.'], {
      cwd: dir,
    });
    assert.equal(fresh.status, 1);
    const found = findingsOf(fresh.stdout);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /Service "fresh"/);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'r.sarif'), 'utf8'));
    assert.deepEqual(validateSarif(sarif), []);
    const states = sarif.runs[0].results.map((r: { baselineState: string; suppressions?: { kind: string }[] }) => [
      r.baselineState,
      r.suppressions?.[0]?.kind ?? null,
    ]);
    assert.deepEqual(states.sort(), [
      ['new', null],
      ['unchanged', 'external'],
    ]);
  });

  it('counts each baseline fingerprint once: a second identical problem is new', () => {
    const dir = tmp({ 'a.yaml': SVC('web', 'gone') });
    assert.equal(run(['--write-baseline', 'b.json', '.'], { cwd: dir }).status, 0);
    // The same object twice (a duplicate): two findings with the same base fingerprint.
    write(dir, { 'a.yaml': `${SVC('web', 'gone')}---\n${SVC('web', 'gone')}` });
    const r = run(['--baseline', 'b.json', '--rule', 'duplicate-object=off', '-f', 'json', '.'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.equal(findingsOf(r.stdout).length, 1);
  });

  it('exits 2 on a missing or invalid baseline file', () => {
    const dir = tmp({ 'a.yaml': SVC('web', 'gone'), 'bad.json': '{"findings": 3}' });
    const missing = run(['--baseline', 'nope.json', '.'], { cwd: dir });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read baseline nope\.json: ENOENT/);
    const bad = run(['--baseline', 'bad.json', '.'], { cwd: dir });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bad\.json: not a kube-netlint baseline/);
  });
});

describe('--only-report', () => {
  const files = {
    'svc/api.yaml': SVC('api', 'api'),
    'svc/web.yaml': SVC('web', 'webb'),
    'svc/db.yaml': SVC('db', 'dbb'),
    'deploy/api.yaml': DEPLOY('api'),
  };

  it('lints the whole slice but reports only the given files, and only they count for the exit code', () => {
    const dir = tmp(files);
    // svc/api.yaml is fine because deploy/api.yaml is linted too, although not reported.
    const clean = run(['--only-report', 'svc/api.yaml', '-f', 'json', '.'], { cwd: dir });
    assert.equal(clean.status, 0, clean.stdout);
    assert.deepEqual(findingsOf(clean.stdout), []);
    const one = run(['--only-report', 'svc/api.yaml,svc/web.yaml', '-f', 'json', '.'], { cwd: dir });
    assert.equal(one.status, 1);
    assert.deepEqual(
      findingsOf(one.stdout).map((f) => f.file),
      ['svc/web.yaml'],
    );
    const repeated = run(['--only-report', 'svc/web.yaml', '--only-report', './svc/db.yaml', '-f', 'json', '.'], {
      cwd: dir,
    });
    assert.deepEqual(
      findingsOf(repeated.stdout).map((f) => f.file),
      ['svc/db.yaml', 'svc/web.yaml'],
    );
    const folder = run(['--only-report', 'svc', '-f', 'json', '.'], { cwd: dir });
    assert.equal(findingsOf(folder.stdout).length, 2);
  });

  it('pre-commit mode (--only-report-args) lints the config roots and reports the argument files', () => {
    const dir = tmp({
      ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`k8s/${k}`, v])),
      '.kube-netlint.yaml': 'roots: [k8s]\n',
      '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
      'package.json': '{"name": "x"}\n',
      'other/not-in-roots.yaml': SVC('stray', 'nothing'),
    });
    // pre-commit passes every staged YAML/JSON file: workflows, package.json, files outside the roots.
    const args = [
      '--only-report-args',
      '-f',
      'json',
      'k8s/svc/api.yaml',
      '.github/workflows/ci.yml',
      'package.json',
      'other/not-in-roots.yaml',
    ];
    const clean = run(args, { cwd: dir });
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.deepEqual(findingsOf(clean.stdout), []);
    const broken = run([...args, 'k8s/svc/web.yaml'], { cwd: dir });
    assert.equal(broken.status, 1);
    assert.deepEqual(
      findingsOf(broken.stdout).map((f) => f.file),
      ['k8s/svc/web.yaml'],
    );
  });

  it('pre-commit mode without a config lints "." and accepts a repository without manifests', () => {
    const dir = tmp({ 'svc.yaml': SVC('web', 'webb'), 'deploy.yaml': DEPLOY() });
    const r = run(['--only-report-args', 'svc.yaml'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /service-selector-no-pods/);
    const all = run(['--only-report-args'], { cwd: dir });
    assert.equal(all.status, 1, 'without file arguments the whole project is reported');
    const empty = tmp({ 'README.md': '# nothing here\n', 'package.json': '{}\n' });
    const none = run(['--only-report-args', 'package.json'], { cwd: empty });
    assert.equal(none.status, 0, none.stderr);
  });

  it('lints the config roots when no path is given', () => {
    const dir = tmp({
      'k8s/svc.yaml': SVC('web', 'webb'),
      'other/svc.yaml': SVC('x', 'y'),
      '.kube-netlint.yaml': 'roots: [k8s]\n',
    });
    const r = run(['-f', 'json'], { cwd: dir });
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => f.file),
      ['k8s/svc.yaml'],
    );
    // roots are relative to the config file
    const sub = run(['-f', 'json'], { cwd: path.join(dir, 'other') });
    assert.deepEqual(
      findingsOf(sub.stdout).map((f) => path.relative(dir, path.resolve(dir, 'other', f.file))),
      [path.join('k8s', 'svc.yaml')],
    );
  });
});
