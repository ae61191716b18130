/**
 * A folder or file that cannot be read (permission denied) is a finding, never an abort: lint
 * reports it as `yaml-syntax` at the path, the network commands name it in one
 * `kube-netlint: warning:` line on stderr, and every other file is read and linted. A FIFO or a
 * socket with a manifest's name that the walk meets, or that a glob matches, is named the same
 * way, and never opened.
 *
 * The folder walk's error path is tested with a `readdir` that fails (this runs everywhere, root
 * included); the real thing, with `chmod 000`, runs where permissions deny: as a user other than
 * root, or, as root, in a child process that runs as the unprivileged user `nobody` when it can.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import { DEFAULT_NODE_PORT_RANGE } from '../../src/engine/settings.js';
import { loadInput } from '../../src/load/input.js';
import { positionOf } from '../../src/load/source.js';
import { BIN } from '../support/util.js';
import { denySecret } from '../support/deny.js';

const DEPLOYMENT = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels:\n      app: ${name}\n` +
  `  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n        - name: ${name}\n          image: ${name}:1\n`;
const SERVICE = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports:\n    - port: 80\n`;

const roots: string[] = [];
after(() => {
  for (const r of roots) {
    // Let the clean-up into the folders the tests closed.
    spawnSync('chmod', ['-R', 'u+rwX', r]);
    rmSync(r, { recursive: true, force: true });
  }
});

/** A folder `k8s/` with `ok/a.yaml`, `secret/b.yaml` and `c.yaml` (readable by everyone). */
function tree(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'knl-unreadable-'));
  roots.push(dir);
  chmodSync(dir, 0o755);
  for (const d of ['k8s', 'k8s/ok', 'k8s/secret']) mkdirSync(path.join(dir, d), { mode: 0o755 });
  writeFileSync(path.join(dir, 'k8s/ok/a.yaml'), SERVICE('a'), { mode: 0o644 });
  writeFileSync(path.join(dir, 'k8s/secret/b.yaml'), SERVICE('b'), { mode: 0o644 });
  writeFileSync(path.join(dir, 'k8s/c.yaml'), `${SERVICE('c')}---\n${DEPLOYMENT('c')}`, { mode: 0o644 });
  return dir;
}

describe('unreadable folders: the walk', () => {
  it('reports a folder it cannot list as a file with one problem, in path order, and reads the rest', async () => {
    const dir = tree();
    const input = await loadInput(['k8s'], { cwd: dir, readdir: denySecret, workers: 0 });
    assert.deepEqual(
      input.files.map((f) => f.path),
      ['k8s/c.yaml', 'k8s/ok/a.yaml', 'k8s/secret'],
    );
    assert.deepEqual(input.errors, []);
    assert.deepEqual(input.unmatched, []);
    assert.equal(input.empty, false);
    const secret = input.files[2];
    assert.equal(secret.documents.length, 0);
    assert.equal(secret.problems.length, 1);
    assert.equal(secret.problems[0].code, 'UNREADABLE');
    assert.match(
      secret.problems[0].message,
      /^the folder cannot be read: EACCES \(permission denied\); the files in it are not linted$/,
    );
    assert.deepEqual(positionOf({ file: secret, range: secret.problems[0].range }), {
      file: 'k8s/secret',
      line: 1,
      column: 1,
    });

    const result = lint(input.files, {
      rules: RULES,
      settings: { defaultNamespace: 'default', nodePortRange: [...DEFAULT_NODE_PORT_RANGE] },
    });
    const syntax = result.findings.filter((f) => f.ruleId === 'yaml-syntax');
    assert.equal(syntax.length, 1, JSON.stringify(syntax));
    assert.equal(syntax[0].file.path, 'k8s/secret');
    // The other files are linted as usual (the Service "a" selects no pods).
    assert.ok(result.findings.some((f) => f.file.path === 'k8s/ok/a.yaml' && f.ruleId === 'service-selector-no-pods'));
    assert.equal(result.model.resources.length, 3);
  });

  it('does not call a folder "unmatched" when its only content is a folder it cannot list', async () => {
    const dir = tree();
    const input = await loadInput(['k8s/secret', 'k8s/ok/*.yaml'], { cwd: dir, readdir: denySecret, workers: 0 });
    assert.deepEqual(input.unmatched, []);
    assert.deepEqual(
      input.files.map((f) => f.path),
      ['k8s/ok/a.yaml', 'k8s/secret'],
    );
  });

  it('lists the folder when it can be read (the injected readdir only fails for "secret")', async () => {
    const dir = tree();
    const input = await loadInput(['k8s'], { cwd: dir, workers: 0 });
    assert.deepEqual(
      input.files.map((f) => f.path),
      ['k8s/c.yaml', 'k8s/ok/a.yaml', 'k8s/secret/b.yaml'],
    );
  });
});

describe('special files met by the walk', () => {
  const skip = process.platform === 'win32' ? 'no FIFOs or Unix sockets on Windows' : false;

  it(
    'reports a FIFO or socket with a manifest name as a file with one problem, once, without reading it',
    { skip, timeout: 60_000 },
    async () => {
      const dir = tree();
      const k8s = path.join(dir, 'k8s');
      assert.equal(spawnSync('mkfifo', [path.join(k8s, 'ok/pipe.yaml'), path.join(k8s, 'notes.txt')]).status, 0);
      // A link to the FIFO: the FIFO is named once, under its own path.
      symlinkSync('ok/pipe.yaml', path.join(k8s, 'link.yaml'));
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(path.join(k8s, 'sock.json'), resolve));
      try {
        const input = await loadInput(['k8s'], { cwd: dir, workers: 0 });
        assert.deepEqual(
          input.files.map((f) => f.path),
          ['k8s/c.yaml', 'k8s/ok/a.yaml', 'k8s/ok/pipe.yaml', 'k8s/secret/b.yaml', 'k8s/sock.json'],
        );
        assert.deepEqual(input.errors, []);
        const problems = input.files.flatMap((f) => f.problems.map((p) => `${f.path}: ${p.code}: ${p.message}`));
        assert.deepEqual(problems, [
          'k8s/ok/pipe.yaml: UNREADABLE: the file cannot be read: not a regular file (a FIFO); it is not linted',
          'k8s/sock.json: UNREADABLE: the file cannot be read: not a regular file (a socket); it is not linted',
        ]);
      } finally {
        server.close();
      }
    },
  );

  it('names a FIFO or socket a glob matches as the walk does, once, and not a link to one', { skip }, async () => {
    const dir = tree();
    const k8s = path.join(dir, 'k8s');
    assert.equal(spawnSync('mkfifo', [path.join(k8s, 'ok/pipe.yaml'), path.join(k8s, 'ok/notes')]).status, 0);
    symlinkSync('pipe.yaml', path.join(k8s, 'ok/link.yaml'));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path.join(k8s, 'sock.json'), resolve));
    try {
      const input = await loadInput(['k8s/*/*', 'k8s/ok/pipe.*', 'k8s/*.json'], { cwd: dir, workers: 0 });
      assert.deepEqual(input.errors, []);
      const problems = input.files.flatMap((f) => f.problems.map((p) => `${f.path}: ${p.code}: ${p.message}`));
      assert.deepEqual(problems, [
        'k8s/ok/notes: UNREADABLE: the file cannot be read: not a regular file (a FIFO); it is not linted',
        'k8s/ok/pipe.yaml: UNREADABLE: the file cannot be read: not a regular file (a FIFO); it is not linted',
        'k8s/sock.json: UNREADABLE: the file cannot be read: not a regular file (a socket); it is not linted',
      ]);
      assert.deepEqual(
        input.files.map((f) => f.path),
        ['k8s/ok/a.yaml', 'k8s/ok/notes', 'k8s/ok/pipe.yaml', 'k8s/secret/b.yaml', 'k8s/sock.json'],
      );
    } finally {
      server.close();
    }
  });

  /** `kube-netlint --no-config -f json ARG` in a tree with a FIFO k8s/ok/pipe.yaml: its findings. */
  function lintWithFifo(arg: string): { file: string; ruleId: string; message: string }[] {
    const dir = tree();
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'k8s/ok/pipe.yaml')]).status, 0);
    const r = spawnSync(process.execPath, [BIN, '--no-config', '-f', 'json', arg], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.signal, null, 'must not block');
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    return (JSON.parse(r.stdout) as { findings: { file: string; ruleId: string; message: string }[] }).findings;
  }

  it('lint: a yaml-syntax finding for a FIFO a glob matches, which is not "no files found"', { skip }, () => {
    assert.deepEqual(
      lintWithFifo('k8s/ok/pipe.*').map((f) => `${f.file}: ${f.ruleId}: ${f.message}`),
      ['k8s/ok/pipe.yaml: yaml-syntax: the file cannot be read: not a regular file (a FIFO); it is not linted'],
    );
  });

  it('lint: a yaml-syntax finding for a FIFO in a folder, exit 1, the rest linted', { skip, timeout: 60_000 }, () => {
    const findings = lintWithFifo('k8s');
    assert.deepEqual(
      findings.filter((f) => f.ruleId === 'yaml-syntax').map((f) => `${f.file}: ${f.message}`),
      ['k8s/ok/pipe.yaml: the file cannot be read: not a regular file (a FIFO); it is not linted'],
    );
    assert.ok(findings.some((f) => f.file === 'k8s/ok/a.yaml'));
  });
});

/**
 * Spawn options under which `chmod 000` denies: none needed for a user other than root; as root,
 * the user `nobody` when a child running as it can read the program; undefined when neither.
 */
function deniedRunner(): { options: Pick<SpawnSyncOptions, 'uid' | 'gid'> } | { skip: string } {
  if (process.platform === 'win32') return { skip: 'no POSIX permissions on Windows' };
  if (process.getuid?.() !== 0) return { options: {} };
  const nobody = { uid: 65534, gid: 65534 };
  const probe = spawnSync(
    process.execPath,
    ['-e', `require('fs').accessSync(${JSON.stringify(BIN)}, require('fs').constants.R_OK)`],
    { ...nobody, encoding: 'utf8' },
  );
  if (probe.status === 0) return { options: nobody };
  return {
    skip: 'running as root, where chmod does not deny, and the user nobody cannot read the program: the injected readdir test above covers the walk',
  };
}

describe('unreadable folders and files: the CLI (chmod 000)', () => {
  const runner = deniedRunner();
  const skip = 'skip' in runner ? runner.skip : false;
  const run = (args: string[], cwd: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.FORCE_COLOR;
    const options = 'options' in runner ? runner.options : {};
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000, ...options });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const closed = () => {
    const dir = tree();
    writeFileSync(path.join(dir, 'k8s/ok/closed.yaml'), SERVICE('d'), { mode: 0o644 });
    chmodSync(path.join(dir, 'k8s/ok/closed.yaml'), 0o000);
    chmodSync(path.join(dir, 'k8s/secret'), 0o000);
    return dir;
  };

  it('lint: a yaml-syntax finding for each, the other files linted, exit 1', { skip, timeout: 120_000 }, () => {
    const dir = closed();
    const r = run(['--no-config', '-f', 'json', 'k8s'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    const findings = (
      JSON.parse(r.stdout) as { findings: { file: string; ruleId: string; line: number; message: string }[] }
    ).findings;
    const syntax = findings.filter((f) => f.ruleId === 'yaml-syntax').map((f) => `${f.file}:${f.line}: ${f.message}`);
    assert.deepEqual(syntax, [
      'k8s/ok/closed.yaml:1: the file cannot be read: EACCES (permission denied); it is not linted',
      'k8s/secret:1: the folder cannot be read: EACCES (permission denied); the files in it are not linted',
    ]);
    assert.ok(findings.some((f) => f.file === 'k8s/ok/a.yaml'));
  });

  it(
    'connectivity: one warning line each on stderr, the answer for the rest; graph: in its report',
    { skip, timeout: 120_000 },
    () => {
      const dir = closed();
      const r = run(['connectivity', '--no-config', 'k8s'], dir);
      assert.equal(r.status, 0, r.stderr);
      const warnings = r.stderr.split('\n').filter((l) => l.includes('cannot be read'));
      assert.deepEqual(warnings, [
        'kube-netlint: warning: k8s/ok/closed.yaml:1:1: the file cannot be read: EACCES (permission denied); it is not linted',
        'kube-netlint: warning: k8s/secret:1:1: the folder cannot be read: EACCES (permission denied); the files in it are not linted',
      ]);
      assert.match(r.stdout, /default\/c\[Deployment\]/);
      const graph = run(['graph', '--no-config', '-f', 'json', 'k8s'], dir);
      assert.equal(graph.status, 0, graph.stderr);
      assert.doesNotMatch(graph.stderr, /internal error/);
      assert.ok(
        graph.stdout.includes('the folder cannot be read: EACCES (permission denied)'),
        graph.stdout.slice(0, 2000),
      );
      assert.ok(
        graph.stdout.includes('"label": "a"') || graph.stdout.includes('svc:default/a'),
        'the readable files are in the graph',
      );
    },
  );
});
