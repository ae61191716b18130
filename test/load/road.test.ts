/**
 * The input road and the command line around it: no input is not a success, output paths that
 * cannot be written fail before any work (and never hang), symbolic links are followed inside the
 * repository once per real file, every command has its own help, and the CLI modules import no
 * cycle.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/main.js';
import { InputLimitError, readTextSync } from '../../src/load/read.js';
import { loadInput, readFiles } from '../../src/load/input.js';
import { makeDirs } from '../../src/load/out-path.js';
import { BIN, ROOT, inProcess as runInProcess, tmp } from '../support/util.js';

const SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';
const DEPLOY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports:\n            - containerPort: 80\n';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** One run of the CLI in this process. */
const inProcess = (args: string[], cwd: string, stdin = ''): Promise<Run> => runInProcess(args, { cwd, stdin });

/** One run of the real program, killed if it does not end (a hang guard, not a timing). */
function spawned(args: string[], cwd: string): Run & { signal: NodeJS.Signals | null } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, input: '', encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('no input, no green', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['a folder with only a Helm values file', { 'values.yaml': 'replicaCount: 1\n' }, []],
    [
      'a folder with only a CI workflow and an empty manifest',
      { '.github/workflows/ci.yml': 'on: push\n', 'empty.yaml': '# nothing yet\n' },
      [],
    ],
    [
      'a folder with only data in JSON Lines and a broken text without kind or apiVersion',
      { 'src/ratings.json': '{"rating": 5}\n{"rating": 4}\n', 'notes.yaml': 'a: [1\n' },
      [],
    ],
    [
      'a folder with only a Helm chart',
      {
        'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n',
        'chart/templates/svc.yaml': 'kind: {{ .Values.kind }}\n',
      },
      ['kube-netlint: skipping Helm chart chart: render it first (helm template chart | kube-netlint -)'],
    ],
  ];
  for (const [what, files, notes] of cases) {
    it(`lint exits 2 on ${what}, and 0 with --no-error-on-unmatched-pattern`, async () => {
      const dir = tmp(files);
      const r = await inProcess(['--no-config', '.'], dir);
      assert.equal(r.code, 2, r.stdout);
      assert.equal(r.stderr, [...notes, 'kube-netlint: no Kubernetes manifests found in .', ''].join('\n'));
      assert.equal(r.stdout, '');
      const allowed = await inProcess(['--no-config', '--no-error-on-unmatched-pattern', '-f', 'json', '.'], dir);
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.equal((JSON.parse(allowed.stdout) as { summary: { files: number } }).summary.files, 0);
    });
  }

  it('the network commands exit 2 too (each side of a diff), unless told otherwise', async () => {
    const dir = tmp({ 'values/values.yaml': 'replicaCount: 1\n', 'k8s/svc.yaml': SERVICE, 'k8s/deploy.yaml': DEPLOY });
    for (const args of [
      ['connectivity', 'values'],
      ['explain', 'default/web', 'default/web', 'values'],
      ['graph', 'values'],
      ['diff', 'values', 'k8s'],
      ['diff', 'k8s', 'values'],
    ]) {
      const r = await inProcess([...args, '--no-config'], dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, 'kube-netlint: no Kubernetes manifests found in values\n', args.join(' '));
    }
    const added = await inProcess(['diff', 'values', 'k8s', '--no-config', '--no-error-on-unmatched-pattern'], dir);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^\+ /m);
  });

  it('standard input without a document is no input; paths that match nothing are allowed with the flag', async () => {
    const dir = tmp({ 'svc.yaml': SERVICE, 'deploy.yaml': DEPLOY });
    const none = await inProcess(['--no-config', '-'], dir, '# rendered nothing\n');
    assert.equal(none.code, 2);
    assert.equal(none.stderr, 'kube-netlint: no Kubernetes manifests found in standard input\n');
    assert.equal((await inProcess(['--no-config', '-'], dir, SERVICE + '---\n' + DEPLOY)).code, 0);
    const missing = await inProcess(['--no-config', 'nope/', '.'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no files matching "nope\/" were found/);
    const allowed = await inProcess(['--no-config', '--no-error-on-unmatched-pattern', 'nope/', '.'], dir);
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  it('pre-commit mode without configured roots accepts a repository without manifests; configured roots do not', async () => {
    const empty = tmp({ 'README.md': '# nothing here\n', 'values.yaml': 'a: 1\n' });
    assert.equal((await inProcess(['--only-report-args', 'README.md'], empty)).code, 0);
    const configured = tmp({ '.kube-netlint.yaml': 'roots: [k8s]\n', 'k8s/values.yaml': 'a: 1\n' });
    const r = await inProcess(['--only-report-args', 'k8s/values.yaml'], configured);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'kube-netlint: no Kubernetes manifests found in k8s\n');
  });
});

describe('output paths that cannot be written', () => {
  const linux = process.platform === 'linux' && statSync('/proc', { throwIfNoEntry: false })?.isDirectory() === true;
  const cases: [string, string[], string][] = [
    ['-o under /proc', ['-o', '/proc/kube-netlint-x/report.txt'], '/proc/kube-netlint-x/report.txt'],
    ['--cache-location under /proc', ['--cache-location', '/proc/kube-netlint-x'], '/proc/kube-netlint-x'],
    ['--write-baseline under /proc', ['--write-baseline', '/proc/kube-netlint-x'], '/proc/kube-netlint-x'],
    ['--format json=FILE under /proc', ['--format', 'json=/proc/kube-netlint-x/r.json'], '/proc/kube-netlint-x/r.json'],
    ['connectivity -o under /proc', ['connectivity', '-o', '/proc/kube-netlint-x/c.txt'], '/proc/kube-netlint-x/c.txt'],
    ['graph -o under /proc', ['graph', '-o', '/proc/kube-netlint-x/g.html'], '/proc/kube-netlint-x/g.html'],
    ['diff -o under /proc', ['diff', 'k8s', '-o', '/proc/kube-netlint-x/d.txt'], '/proc/kube-netlint-x/d.txt'],
  ];
  for (const [what, args, named] of cases) {
    it(`${what}: exit 2 at once, one line naming the path`, { skip: !linux && 'needs Linux /proc' }, () => {
      const dir = tmp({ 'k8s/svc.yaml': SERVICE, 'k8s/deploy.yaml': DEPLOY });
      // `missing/` matches nothing: the output path is checked before the input is even looked at.
      const cmd =
        args[0] === 'connectivity' || args[0] === 'graph' || args[0] === 'diff'
          ? [args[0], '--no-config', ...args.slice(1)]
          : ['--no-config', ...args];
      const r = spawned([...cmd, 'missing/'], dir);
      assert.equal(r.signal, null, 'the run did not end (killed by the hang guard)');
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0].startsWith(`kube-netlint: cannot write ${named}: `), r.stderr);
    });
  }

  it('a folder, or a path through a file, is refused before any work; a new folder is made', async () => {
    const dir = tmp({ 'k8s/svc.yaml': SERVICE, 'k8s/deploy.yaml': DEPLOY, 'file.txt': 'x' });
    const folder = await inProcess(['--no-config', '-o', 'k8s', 'missing/'], dir);
    assert.equal(folder.code, 2);
    assert.equal(folder.stderr, 'kube-netlint: cannot write k8s: is a directory\n');
    const through = await inProcess(['--no-config', '--write-baseline', 'file.txt/b.json', 'missing/'], dir);
    assert.equal(through.code, 2);
    assert.match(through.stderr, /^kube-netlint: cannot write file\.txt\/b\.json: ENOTDIR/);
    const made = await inProcess(['--no-config', '-f', 'json', '-o', 'out/deep/report.json', 'k8s'], dir);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(
      (JSON.parse(readFileSync(path.join(dir, 'out/deep/report.json'), 'utf8')) as { version: number }).version,
      1,
    );
    // Checking a path leaves nothing behind when the run then stops.
    const stopped = await inProcess(['--no-config', '-o', 'other/r.txt', 'missing/'], dir);
    assert.equal(stopped.code, 2);
    assert.deepEqual(readdirSync(dir).sort(), ['file.txt', 'k8s', 'out']);
  });

  it(
    'makeDirs reports the error of a folder the system will not create instead of retrying it',
    { skip: !linux && 'needs Linux /proc' },
    () => {
      assert.throws(
        () => makeDirs('/proc/kube-netlint-x/y'),
        (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
      );
    },
  );
});

describe('symbolic links in directory walks', () => {
  it('follows links inside the repository, reads each real file once, and stops at loops', async () => {
    const base = tmp({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'k8s/svc.yaml': SERVICE,
      'shared/deploy.yaml': DEPLOY,
      'other/x.yaml': SERVICE.replace('name: web', 'name: other'),
    });
    symlinkSync('../shared', path.join(base, 'k8s', 'shared')); // a linked folder: walked
    symlinkSync('../shared', path.join(base, 'k8s', 'shared-again')); // the same real folder: walked once
    symlinkSync('../k8s', path.join(base, 'shared', 'back')); // back to a folder being walked: a loop
    symlinkSync('.', path.join(base, 'k8s', 'self')); // a loop on itself
    symlinkSync('svc.yaml', path.join(base, 'k8s', 'svc-link.yaml')); // a second path to one file
    const r = spawned(['-f', 'json', '--no-config', 'k8s'], base);
    assert.equal(r.signal, null, 'the walk did not end (killed by the hang guard)');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as { summary: { files: number; objects: number }; findings: unknown[] };
    // The Service in k8s/ selects the Deployment that only the link brings in: no finding.
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.summary, { files: 2, objects: 2, errors: 0, warnings: 0 });
    const input = await loadInput(['k8s', 'k8s/svc-link.yaml'], { cwd: base });
    assert.deepEqual(
      input.files.map((f) => f.path),
      ['k8s/shared/deploy.yaml', 'k8s/svc.yaml'],
    );
  });
});

describe('the input road', () => {
  it('splits the files it read into the slices a partition asks for; standard input is a slice of its own', async () => {
    const dir = tmp({ 'a/svc.yaml': SERVICE, 'a/deploy.yaml': DEPLOY, 'b/svc.yaml': SERVICE });
    const input = await loadInput(['.', '-'], {
      cwd: dir,
      stdin: Readable.from([Buffer.from(DEPLOY)]),
      partition: (files) =>
        ['a', 'b'].map((name) => ({
          name,
          files: files.filter((f) => f.absPath.startsWith(path.join(dir, name) + path.sep)),
        })),
    });
    assert.deepEqual(
      input.slices.map((s) => [s.name, s.files.map((f) => f.path)]),
      [
        ['a', ['a/deploy.yaml', 'a/svc.yaml']],
        ['b', ['b/svc.yaml']],
        ['<stdin>', ['<stdin>']],
      ],
    );
    assert.deepEqual(
      (await loadInput(['.'], { cwd: dir })).slices.map((s) => s.files.length),
      [3],
    );
  });

  it('splits Kustomize roots into slices of their own: patches left out, bases outside the walk read, notes handed back', async () => {
    const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
    const dir = tmp({
      'base/kustomization.yaml': k('resources:\n  - svc.yaml\n'),
      'base/svc.yaml': SERVICE,
      'env/prod/kustomization.yaml': k('resources:\n  - ../../base\n  - deploy.yaml\npatches:\n  - path: patch.yaml\n'),
      'env/prod/deploy.yaml': DEPLOY,
      'env/prod/patch.yaml': SERVICE,
      'env/plain.yaml': DEPLOY,
    });
    const input = await loadInput(['env', '-'], {
      cwd: dir,
      stdin: Readable.from([Buffer.from(SERVICE)]),
      kustomize: { command: null, walked: ['env', '-'] },
    });
    assert.deepEqual(
      input.slices.map((s) => [s.name, s.files.map((f) => f.path)]),
      [
        [undefined, ['env/plain.yaml', '<stdin>']],
        ['env/prod', ['env/prod/deploy.yaml', 'base/svc.yaml']],
      ],
    );
    assert.equal(input.kustomize?.errors, 0);
    assert.match(
      input.kustomize?.notes.join('\n') ?? '',
      /Kustomize root env\/prod: linted its 2 resource files as written; not applied: patches \(env\/prod\/patch\.yaml\)/,
    );
    // A network command wants one slice: the files outside the trees, the root left out with a warning.
    const one = await loadInput(['env'], {
      cwd: dir,
      kustomize: { command: null, walked: ['env'], one: 'connectivity' },
    });
    assert.deepEqual(
      one.slices.map((s) => s.files.map((f) => f.path)),
      [['env/plain.yaml']],
    );
    assert.match(one.kustomize?.warning ?? '', /^skipping 1 Kustomize root \(env\/prod\)/);
    // An unusable build program is handed back, not planned.
    const bad = await loadInput(['env'], { cwd: dir, kustomize: { command: { error: 'nope' }, walked: ['env'] } });
    assert.equal(bad.kustomize?.error, 'nope');
  });

  it('bounds every read, whatever the file claims to be', () => {
    assert.throws(
      () => readTextSync('/dev/zero', 1000),
      (e: unknown) => e instanceof InputLimitError && e.limit === 1000,
    );
  });

  it('gives the same files with the fast path, worker threads and the yaml path, and leaves out what is not a manifest', async () => {
    const files: Record<string, string> = { 'values.yaml': 'a: 1\n', 'big.yaml': `${SERVICE}# ${'x'.repeat(2000)}\n` };
    for (let i = 0; i < 6; i++) files[`d${i}.yaml`] = DEPLOY.replace('name: web\nspec', `name: web${i}\nspec`);
    const dir = tmp(files);
    const found = (await loadInput(['.'], { cwd: dir })).discovered.files;
    const limits = { maxFileBytes: 1500, maxInputBytes: 1 << 20 };
    const summary = (r: { files: { path: string; problems: { code: string }[]; documents: { value: unknown }[] }[] }) =>
      r.files.map((f) => [f.path, f.problems.map((p) => p.code), f.documents.map((d) => d.value)]);
    const fast = summary(await readFiles(found, { cwd: dir, limits, workers: 0 }));
    assert.deepEqual(summary(await readFiles(found, { cwd: dir, limits, workers: 2 })), fast);
    assert.deepEqual(summary(await readFiles(found, { cwd: dir, limits, parser: 'yaml' })), fast);
    assert.deepEqual(
      fast.map(([p, codes]) => [p, codes]),
      [['big.yaml', ['FILE_LIMIT']], ...[0, 1, 2, 3, 4, 5].map((i) => [`d${i}.yaml`, []])],
    );
  });
});

describe('the command line', () => {
  it('gives each command its own --help, and lists every command in kube-netlint --help', async () => {
    const dir = tmp();
    const all = await inProcess(['--help'], dir);
    for (const name of Object.keys(COMMANDS)) {
      if (name === 'lsp') continue;
      const r = await inProcess([name, '--help'], dir);
      assert.equal(r.code, 0);
      assert.ok(r.stdout.startsWith(`Usage: kube-netlint ${name === 'lint' ? '[lint]' : name} `), r.stdout);
      for (const other of Object.keys(COMMANDS)) {
        if (other !== name && other !== 'lint')
          assert.ok(!r.stdout.includes(`kube-netlint ${other} [`), `${name} --help mentions ${other}`);
      }
      assert.ok(
        all.stdout.includes(`kube-netlint ${name === 'lint' ? '[lint]' : name} [options]`),
        `kube-netlint --help lists ${name}`,
      );
    }
    assert.match(all.stdout, /kube-netlint lsp \[--stdio\]/);
    assert.match(all.stdout, /--no-error-on-unmatched-pattern/);
  });

  it('imports no cycle: among the CLI modules (types too), and among the modules of src/ and rules/ at run time', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = path.join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
      }
    };
    walk(path.join(ROOT, 'src'));
    walk(path.join(ROOT, 'rules'));
    const cycles = (typesToo: (file: string) => boolean): string[] => {
      const edges = new Map<string, string[]>();
      for (const f of files) {
        const text = readFileSync(f, 'utf8');
        const deps: string[] = [];
        for (const m of text.matchAll(/^(?:import|export)\s+(type\s)?[^'"]*?from\s+'(\.[^']+)'/gm)) {
          if (m[1] && !typesToo(f)) continue;
          deps.push(path.join(path.dirname(f), m[2].replace(/\.js$/, '.ts')));
        }
        edges.set(f, deps);
      }
      const found: string[] = [];
      const state = new Map<string, 'open' | 'done'>();
      const stack: string[] = [];
      const visit = (f: string) => {
        state.set(f, 'open');
        stack.push(f);
        for (const d of edges.get(f) ?? []) {
          if (state.get(d) === 'open')
            found.push([...stack.slice(stack.indexOf(d)), d].map((x) => path.relative(ROOT, x)).join(' -> '));
          else if (!state.has(d)) visit(d);
        }
        stack.pop();
        state.set(f, 'done');
      };
      for (const f of edges.keys()) if (!state.has(f)) visit(f);
      return found;
    };
    const cli = path.join(ROOT, 'src', 'cli') + path.sep;
    assert.deepEqual(
      cycles((f) => f.startsWith(cli)),
      [],
    );
  });
});
