import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { discover } from '../../src/load/discover.js';
import { firstLine, originMapper } from '../../src/load/kustomize-build.js';
import { planSlices, readKustomization, resolveKustomizeCommand } from '../../src/load/kustomize.js';
import type { SlicePlan } from '../../src/load/kustomize.js';
import { loadText } from '../../src/load/load.js';
import { cli, findingsOf, tmp, type CliOptions, type Run } from '../support/util.js';

const EXAMPLE = 'examples/kustomize';

const run = (args: string[], opts: CliOptions = {}): Run => cli(args, { timeout: 120_000, ...opts });
const DEPLOY = (name: string, app: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}}
    spec:
      containers:
        - name: c
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
`;
const SERVICE = (name: string, app: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${app}}
  ports: [{port: 80, targetPort: http}]
`;

async function plan(dir: string, args = ['.']): Promise<SlicePlan> {
  const d = await discover(args, { cwd: dir, ignore: [] });
  return planSlices(d.files, { cwd: dir, command: null, walked: args });
}
const rel = (dir: string, files: { absPath: string }[]) =>
  files.map((f) => path.relative(dir, f.absPath).split(path.sep).join('/'));

describe('Kustomize: planning slices without a build program', () => {
  it('makes each top-level root a slice of its resources (following bases), skips patches, keeps other files ordinary', async () => {
    const dir = tmp({
      'base/kustomization.yaml': 'resources: [app.yaml]\n',
      'base/app.yaml': DEPLOY('web', 'web'),
      'base/unused.yaml': SERVICE('stale', 'web'),
      'base/values.yaml': 'replicas: 3\n',
      'overlays/a/kustomization.yaml': 'resources: [../../base, extra.yaml]\npatches:\n  - path: patch.yaml\n',
      'overlays/a/extra.yaml': SERVICE('extra', 'web'),
      'overlays/a/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n',
      'overlays/b/Kustomization': 'bases: [../../base]\nnamePrefix: b-\n',
      'plain/svc.yaml': SERVICE('plain', 'web'),
    });
    const p = await plan(dir);
    assert.deepEqual(p.roots, ['overlays/a', 'overlays/b']);
    assert.equal(p.errors.length, 0);
    const [ordinary, a, b] = p.slices;
    assert.ok(ordinary.kind === 'files' && ordinary.root === undefined);
    assert.deepEqual(rel(dir, ordinary.files), ['plain/svc.yaml']);
    assert.ok(a.kind === 'files' && a.root === 'overlays/a');
    assert.deepEqual(rel(dir, a.files).sort(), ['base/app.yaml', 'overlays/a/extra.yaml']);
    assert.ok(b.kind === 'files' && b.root === 'overlays/b');
    assert.deepEqual(rel(dir, b.files), ['base/app.yaml']);
    // One line per root on what was not applied, and the file no kustomization uses.
    assert.ok(
      p.notes.some((n) => n.startsWith('Kustomize root overlays/a:') && n.includes('patches (overlays/a/patch.yaml)')),
      p.notes.join('\n'),
    );
    assert.ok(
      p.notes.some((n) => n.startsWith('Kustomize root overlays/b:') && n.includes('namePrefix')),
      p.notes.join('\n'),
    );
    assert.ok(
      p.notes.some((n) => n.includes('base/unused.yaml') && n.includes('no kustomization uses it')),
      p.notes.join('\n'),
    );
    // Not a manifest: left out without a word, as a directory walk always did.
    assert.ok(!p.notes.some((n) => n.includes('values.yaml')), p.notes.join('\n'));
    assert.equal(p.notes.length, 3, p.notes.join('\n'));
  });

  it('without any kustomization, one slice with every file (as before)', async () => {
    const dir = tmp({ 'a.yaml': DEPLOY('web', 'web'), 'b.yaml': SERVICE('web', 'web') });
    const p = await plan(dir);
    assert.equal(p.slices.length, 1);
    assert.deepEqual(p.notes, []);
    assert.ok(p.slices[0].kind === 'files');
    assert.deepEqual(rel(dir, p.slices[0].files), ['a.yaml', 'b.yaml']);
  });

  it('a root whose kustomization cannot be read is an error naming it; the other roots are still planned', async () => {
    const dir = tmp({
      'good/kustomization.yaml': 'resources: [app.yaml]\n',
      'good/app.yaml': DEPLOY('web', 'web'),
      'bad/kustomization.yaml': 'resources: [missing.yaml]\n',
      'broken/kustomization.yaml': 'resources: [\n',
    });
    const p = await plan(dir);
    assert.deepEqual(p.roots, ['bad', 'broken', 'good']);
    assert.deepEqual(
      p.errors.map((e) => e.root),
      ['bad', 'broken'],
    );
    assert.match(p.errors[0].message, /missing\.yaml does not exist/);
    assert.match(p.errors[1].message, /not valid YAML/);
    assert.equal(p.slices.length, 1);
    assert.equal(p.slices[0].root, 'good');
  });

  it('kustomizations that use each other still get a root; an unused component is skipped with a note', async () => {
    const dir = tmp({
      'x/kustomization.yaml': 'resources: [../y, x.yaml]\n',
      'x/x.yaml': SERVICE('x', 'x'),
      'y/kustomization.yaml': 'resources: [../x]\n',
      'comp/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches: [{path: p.yaml}]\n',
      'comp/p.yaml': SERVICE('p', 'p'),
    });
    const p = await plan(dir);
    assert.deepEqual(p.roots, ['x']);
    assert.ok(
      p.notes.some((n) => n.includes('component comp')),
      p.notes.join('\n'),
    );
    assert.deepEqual(
      rel(
        dir,
        p.slices.flatMap((s) => (s.kind === 'files' ? s.files : [])),
      ),
      ['x/x.yaml'],
    );
  });

  it('finds Kustomization files without an extension, except where .gitignore or an ignore pattern leaves them out', async () => {
    const dir = tmp({
      '.gitignore': 'ignored/\n',
      'a/Kustomization': 'resources: [s.yaml]\n',
      'a/s.yaml': SERVICE('a', 'a'),
      'ignored/Kustomization': 'resources: [s.yaml]\n',
      'ignored/s.yaml': SERVICE('i', 'i'),
      'skip/Kustomization': 'resources: [s.yaml]\n',
      'skip/s.yaml': SERVICE('k', 'k'),
    });
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const d = await discover(['.'], { cwd: dir, ignore: ['skip/**'] });
    const p = await planSlices(d.files, { cwd: dir, command: null, walked: ['.'], ignore: ['skip/**'] });
    assert.deepEqual(p.roots, ['a']);
  });

  it('reads the files a kustomization uses', () => {
    const dir = tmp({
      'kustomization.yaml': [
        'resources: [a.yaml, https://github.com/x/y//z?ref=v1]',
        'patchesStrategicMerge: [p1.yaml, "apiVersion: v1\\nkind: Service\\n"]',
        'patchesJson6902: [{path: p2.yaml, target: {kind: Service, name: a}}]',
        'configMapGenerator: [{name: c, files: [key=conf.yaml], envs: [e.env]}]',
        '',
      ].join('\n'),
      'a.yaml': SERVICE('a', 'a'),
    });
    const k = readKustomization(path.join(dir, 'kustomization.yaml'));
    assert.deepEqual(k.resources, [path.join(dir, 'a.yaml')]);
    assert.deepEqual(k.remote, ['https://github.com/x/y//z?ref=v1']);
    assert.deepEqual(
      k.uses.map((u) => path.basename(u)),
      ['p1.yaml', 'p2.yaml', 'conf.yaml', 'e.env'],
    );
    assert.deepEqual(k.transforms, ['patchesStrategicMerge', 'patchesJson6902', 'configMapGenerator']);
  });
});

describe('Kustomize: the build program', () => {
  it('is chosen from the PATH, the flag, or none', () => {
    const bin = tmp({ kubectl: '#!/bin/sh\n' });
    chmodSync(path.join(bin, 'kubectl'), 0o755);
    assert.deepEqual(resolveKustomizeCommand(undefined, { PATH: bin }), ['kubectl', 'kustomize']);
    assert.equal(resolveKustomizeCommand(undefined, { PATH: '' }), null);
    assert.equal(resolveKustomizeCommand('none', { PATH: bin }), null);
    assert.deepEqual(resolveKustomizeCommand('kubectl', { PATH: bin }), ['kubectl', 'kustomize']);
    assert.deepEqual(resolveKustomizeCommand('kubectl kustomize --enable-helm', { PATH: bin }), [
      'kubectl',
      'kustomize',
      '--enable-helm',
    ]);
    assert.ok('error' in (resolveKustomizeCommand('kustomize build', { PATH: bin }) as object));
  });

  it('reports a failure on one line', () => {
    assert.equal(
      firstLine(
        'E1207 00:47:37.737862    7610 run.go:72] "command failed" err="accumulating resources: \\"x\\" not found"\n',
      ),
      'accumulating resources: "x" not found',
    );
    assert.equal(firstLine('# Warning: deprecated\nError: json: cannot unmarshal\n'), 'json: cannot unmarshal');
  });

  it('maps objects of a build back to their source files by origin annotation, else by kind and name', () => {
    const dir = tmp({
      'app/svc.yaml': `# the service\n${SERVICE('web', 'web')}`,
      'app/other.yaml': SERVICE('other', 'x'),
    });
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  annotations:',
      '    config.kubernetes.io/origin: |',
      '      path: ../app/svc.yaml',
      '  name: prod-web',
      'spec:',
      '  ports:',
      '  - port: 80',
      '    targetPort: http',
      '  selector:',
      '    app: web',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: other',
      'spec:',
      '  selector:',
      '    app: x',
      '',
    ].join('\n');
    const rendered = {
      name: '<kustomize build app>',
      text,
      originBase: path.join(dir, 'wrap'),
      resources: [path.join(dir, 'app/svc.yaml'), path.join(dir, 'app/other.yaml')],
    };
    const stream = loadText(rendered.name, text);
    const map = originMapper(stream, rendered, dir);
    const at = (needle: string, nth = 0) => {
      let i = -1;
      for (let n = 0; n <= nth; n++) i = text.indexOf(needle, i + 1);
      return map({ file: stream, range: [i, i + needle.length] });
    };
    // By origin: the same node in the source, though the build renamed the object and sorted its keys.
    const sel = at('web', 1);
    assert.equal(sel?.file.path, 'app/svc.yaml');
    assert.deepEqual(sel?.file.position(sel.range[0]), { line: 7, column: 19 });
    const port = at('targetPort');
    assert.equal(port?.file.position(port.range[0]).line, 8);
    // Without an origin annotation: the one resource file with that kind and name.
    const other = at('app: x');
    assert.equal(other?.file.path, 'app/other.yaml');
    assert.equal(other?.file.position(other.range[0]).line, 6);
    // Elsewhere: not mapped.
    assert.equal(map({ file: loadText('x.yaml', text), range: [0, 1] }), undefined);
  });

  it('without origin annotations, finds a renamed object by the longest name inside its new one', () => {
    const dir = tmp({ 'r/a.yaml': SERVICE('web', 'a'), 'r/b.yaml': SERVICE('eb', 'b') });
    const text = `${SERVICE('x-eb', 'b')}---\n${SERVICE('x-web', 'a')}`;
    const rendered = {
      name: '<kubectl kustomize r>',
      text,
      resources: [path.join(dir, 'r/a.yaml'), path.join(dir, 'r/b.yaml')],
    };
    const stream = loadText(rendered.name, text);
    const map = originMapper(stream, rendered, dir);
    const at = (needle: string) =>
      map({ file: stream, range: [text.indexOf(needle), text.indexOf(needle) + 1] })?.file.path;
    assert.equal(at('app: a'), 'r/a.yaml');
    assert.equal(at('app: b'), 'r/b.yaml');
  });
});

describe('Kustomize: lint runs', () => {
  it(`${EXAMPLE}: without a build program, the bug once, in the prod overlay, and nothing else`, () => {
    const r = run(['--format', 'json', '--kustomize-command', 'none', EXAMPLE]);
    assert.equal(r.status, 1, r.stderr);
    const findings = findingsOf(r.stdout);
    assert.equal(findings.length, 1, JSON.stringify(findings, null, 2));
    assert.equal(findings[0].ruleId, 'service-selector-no-pods');
    assert.equal(findings[0].file, 'examples/kustomize/overlays/prod/metrics-service.yaml');
    assert.equal(findings[0].line, 7);
    assert.match(findings[0].message, /\(Kustomize root examples\/kustomize\/overlays\/prod\)$/);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(
      lines[0],
      /^kube-netlint: Kustomize root examples\/kustomize\/overlays\/prod: .*not applied: patchesStrategicMerge \(examples\/kustomize\/overlays\/prod\/replicas\.yaml\).*--kustomize-command/,
    );
    assert.match(lines[1], /^kube-netlint: Kustomize root examples\/kustomize\/overlays\/staging: /);
  });

  it('with no program on the PATH, the same as --kustomize-command none', () => {
    const r = run(['--format', 'json', EXAMPLE], { env: { PATH: '' } });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(findingsOf(r.stdout).length, 1);
    assert.match(r.stderr, /put kustomize or kubectl on the PATH/);
  });

  it('before: patch files were objects of the slice; named explicitly, a file is still linted as it is', () => {
    const r = run([
      '--format',
      'json',
      '--kustomize-command',
      'none',
      `${EXAMPLE}/overlays/staging/replicas.yaml`,
      `${EXAMPLE}/base/deployment.yaml`,
    ]);
    assert.ok(
      findingsOf(r.stdout).some((f) => f.ruleId === 'duplicate-object'),
      r.stdout,
    );
  });

  it('a root that cannot be built is one line naming it; the others are linted; exit 2', () => {
    const dir = tmp({
      'good/kustomization.yaml': 'resources: [svc.yaml]\n',
      'good/svc.yaml': SERVICE('lonely', 'nobody'),
      'bad/kustomization.yaml': 'resources: [gone.yaml]\n',
    });
    const r = run(['--format', 'json', '--kustomize-command', 'none', '.'], { cwd: dir });
    assert.equal(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /^kube-netlint: Kustomize root bad: bad\/kustomization\.yaml: resource gone\.yaml does not exist$/m,
    );
    assert.deepEqual(
      findingsOf(r.stdout).map((f) => [f.ruleId, f.file]),
      [['service-selector-no-pods', 'good/svc.yaml']],
    );
  });

  it('network commands: several roots need one named (exit 2); one root is analysed', () => {
    const r = run(['connectivity', '--kustomize-command', 'none', EXAMPLE]);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /holds 2 Kustomize roots \(examples\/kustomize\/overlays\/prod, examples\/kustomize\/overlays\/staging\).*name one to analyse it, e\.g\. kube-netlint .*examples\/kustomize\/overlays\/prod/,
    );
    // Beside other files: those are analysed, and the roots left out are named.
    const mixed = run(['connectivity', '--kustomize-command', 'none', 'examples/']);
    assert.equal(mixed.status, 0, mixed.stderr);
    assert.match(
      mixed.stderr,
      /^kube-netlint: warning: skipping 2 Kustomize roots \(examples\/kustomize\/overlays\/prod, examples\/kustomize\/overlays\/staging\)/m,
    );
    assert.match(mixed.stdout, /shop\/api\[Deployment\]/);
    assert.doesNotMatch(mixed.stdout, /default\/web\[Deployment\]/);
    const one = run(['connectivity', '--kustomize-command', 'none', `${EXAMPLE}/overlays/staging`]);
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /default\/web\[Deployment\]/);
  });

  it(`${EXAMPLE} built with the real kustomize or kubectl: the bug once, at its source line`, (t) => {
    const command = resolveKustomizeCommand(undefined, process.env);
    if (command === null || 'error' in command) {
      t.skip(
        'neither kustomize nor kubectl is on the PATH (apt-get install kubernetes-client): the build path is not tested here',
      );
      return;
    }
    const r = run(['--format', 'json', EXAMPLE]);
    assert.equal(r.status, 1, r.stderr);
    const findings = findingsOf(r.stdout);
    assert.equal(findings.length, 1, JSON.stringify(findings, null, 2));
    assert.equal(findings[0].ruleId, 'service-selector-no-pods');
    assert.equal(findings[0].file, 'examples/kustomize/overlays/prod/metrics-service.yaml');
    assert.equal(findings[0].line, 7);
    assert.match(findings[0].message, /\(Kustomize root examples\/kustomize\/overlays\/prod\)$/);
    // Built: nothing skipped, nothing to say.
    assert.equal(r.stderr, '');
    // A root the program cannot build: one line naming it, the other root still linted.
    const dir = tmp({
      'good/kustomization.yaml': 'resources: [svc.yaml]\n',
      'good/svc.yaml': SERVICE('lonely', 'nobody'),
      'bad/kustomization.yaml': 'resources: [gone.yaml]\n',
    });
    const b = run(['--format', 'json', '.'], { cwd: dir });
    assert.equal(b.status, 2, b.stderr);
    const lines = b.stderr.trim().split('\n');
    assert.equal(lines.length, 1, b.stderr);
    assert.match(
      lines[0],
      /^kube-netlint: Kustomize root bad: (kustomize build|kubectl kustomize) failed: .*gone\.yaml/,
    );
    assert.deepEqual(
      findingsOf(b.stdout).map((f) => [f.ruleId, f.file]),
      [['service-selector-no-pods', 'good/svc.yaml']],
    );
  });
});
