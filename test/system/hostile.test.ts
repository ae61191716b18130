/**
 * Hostile input: whatever a repository holds (half-edited files, Helm leftovers, binary data with a
 * `.yaml` name, huge files, endless streams, files written to make CI fall over), kube-netlint
 * answers with located findings or a one-line error, within the limits of docs/limits.md, without
 * being fooled (prototype keys, tags, symbolic links, encodings) and with output that stays valid
 * and inert in every format. Small cases live in test-fixtures/hostile/; large ones are generated
 * into a temporary folder (and sparse files stand in for the huge ones that must not be read).
 *
 * Here: malformed files become located findings, the answers are deterministic, and the YAML path
 * stands on its own. Limits are in hostile-bounded.test.ts, tricks in hostile-fooled.test.ts, the
 * safety of the output in hostile-output.test.ts; helpers in test/support/hostile.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decode } from '../../src/load/read.js';
import { loadText } from '../../src/load/load.js';
import { parseSource, SourceFile as Source } from '../../src/load/source.js';
import { ROOT, tmp } from '../support/util.js';
import { SERVICE_NOBODY, assertLocated, fixture, report, run } from '../support/hostile.js';

describe('hostile input: malformed files become located findings', () => {
  it('reports every broken file at a location and still lints the others (exit 1)', () => {
    const random = Buffer.alloc(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) % 256;
    const dir = tmp({
      'good.yaml': SERVICE_NOBODY,
      'half-edited.yaml': fixture('half-edited.yaml'),
      'helm-stray.yaml': fixture('helm-stray.yaml'),
      'binary.yaml': random,
      'broken.json': '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": ',
      'scalar.yaml': 'just some text\n',
      'tabs.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: tabs\n',
      'truncated.yaml': SERVICE_NOBODY.slice(0, 60),
    });
    // A directory walk leaves out files without a `kind` that parse cleanly (scalar.yaml): named, it is linted.
    const r = run(['-f', 'json', '.', 'scalar.yaml'], { cwd: dir });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    const { findings } = report(r);
    for (const name of [
      'half-edited.yaml',
      'helm-stray.yaml',
      'binary.yaml',
      'broken.json',
      'scalar.yaml',
      'tabs.yaml',
    ]) {
      const own = findings.filter((f) => f.file === name);
      assert.ok(
        own.some((f) => f.ruleId === 'yaml-syntax' || f.ruleId === 'manifest-structure'),
        `${name}: ${JSON.stringify(own.map((f) => [f.ruleId, f.message]))}`,
      );
    }
    // Cut off after `selector`: valid YAML, a Service without ports.
    assert.ok(findings.some((f) => f.file === 'truncated.yaml' && f.ruleId === 'service-port-invalid'));
    for (const f of findings) assertLocated(f, decode(readFileSync(path.join(dir, f.file))));
    assert.ok(findings.some((f) => f.file === 'good.yaml' && f.ruleId === 'service-selector-no-pods'));
    // Binary data is one finding, not a screenful of YAML errors.
    const binary = findings.filter((f) => f.file === 'binary.yaml');
    assert.equal(binary.length, 1, JSON.stringify(binary));
    assert.match(binary[0].message, /binary data|NUL/);
  });

  it(
    'names an unreadable file in one line on stderr, reports the other files, and exits 2',
    { skip: process.platform !== 'linux' },
    () => {
      const dir = tmp({ 'good.yaml': SERVICE_NOBODY });
      // /proc/self/mem is a regular file that fails to read (EIO), even for root.
      const r = run(['-f', 'json', 'good.yaml', '/proc/self/mem'], { cwd: dir });
      assert.equal(r.status, 2);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^kube-netlint: cannot read \/proc\/self\/mem: EIO/);
      assert.ok(report(r).findings.some((f) => f.file === 'good.yaml'));
    },
  );

  it('reports named FIFOs, devices and broken or looping links as read errors, without blocking', () => {
    const dir = tmp({ 'good.yaml': SERVICE_NOBODY });
    symlinkSync('missing.yaml', path.join(dir, 'dangling.yaml'));
    symlinkSync('loop.yaml', path.join(dir, 'loop.yaml'));
    const fifo = spawnSync('mkfifo', [path.join(dir, 'fifo.yaml')]).status === 0;
    const args = [
      '-f',
      'json',
      'good.yaml',
      'dangling.yaml',
      'loop.yaml',
      ...(fifo ? ['fifo.yaml'] : []),
      ...(existsSync('/dev/zero') ? ['/dev/zero'] : []),
    ];
    const r = run(args, { cwd: dir, timeout: 60_000 });
    assert.equal(r.signal, null, 'must not block');
    assert.equal(r.status, 2);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, args.length - 3, r.stderr);
    assert.match(r.stderr, /cannot read dangling\.yaml: ENOENT/);
    assert.match(r.stderr, /cannot read loop\.yaml: ELOOP/);
    if (fifo) assert.match(r.stderr, /cannot read fifo\.yaml: not a regular file \(a FIFO\)/);
    assert.ok(report(r).findings.some((f) => f.file === 'good.yaml'));
  });

  it('reports raw control characters where they are, and still reads the file', () => {
    const text = SERVICE_NOBODY.replace('name: nobody', 'name: no\u001b[31mbody');
    const file = loadText('ctl.yaml', text);
    const p = file.problems.find((x) => x.code === 'CONTROL_CHARACTER');
    assert.ok(p, JSON.stringify(file.problems));
    assert.deepEqual(file.position(p.range[0]), { line: 4, column: 11 });
    assert.match(p.message, /U\+001B/);
    assert.equal(file.documents.length, 1);
  });
});

describe('hostile input: deterministic', () => {
  it('gives byte-identical output across runs, argument orders and worker counts', () => {
    const dir = tmp({
      'a.yaml': fixture('proto-keys.yaml'),
      'b.yaml': fixture('helm-stray.yaml'),
      'c.yaml': fixture('output-hostile.yaml'),
      'd.yaml': fixture('billion-laughs.yaml'),
      'e.json': fixture('proto-keys.json'),
    });
    for (const f of ['shop', 'bank']) {
      for (const name of ['api.yaml', 'app.yaml', 'policies.yaml', 'frontend.yaml']) {
        const p = path.join(ROOT, 'examples', f, name);
        if (existsSync(p)) writeFileSync(path.join(dir, `${f}-${name}`), readFileSync(p));
      }
    }
    const files = [
      'a.yaml',
      'b.yaml',
      'c.yaml',
      'd.yaml',
      'e.json',
      'shop-api.yaml',
      'bank-app.yaml',
      'bank-policies.yaml',
      'shop-frontend.yaml',
    ];
    const formats = ['json', 'sarif', 'github', 'junit'];
    // One run writes every format: stylish to stdout, the others to files.
    const all = (args: string[]) => {
      const out = path.join(dir, 'out');
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      const r = run(['-f', 'stylish', ...formats.flatMap((f) => ['-f', `${f}=out/report.${f}`]), ...args], {
        cwd: dir,
      });
      assert.equal(r.status, 1, r.stderr);
      return [r.stdout, ...formats.map((f) => readFileSync(path.join(out, `report.${f}`), 'utf8'))];
    };
    const first = all(files);
    for (const args of [
      files,
      [...files].reverse(),
      ['.'],
      ['--workers', '0', ...files],
      ['--workers', '2', ...files],
    ]) {
      const again = all(args);
      ['stylish', ...formats].forEach((f, i) => assert.equal(again[i], first[i], `${f}: ${args.join(' ')}`));
    }
  });
});

describe('hostile input: the yaml path on its own', () => {
  it('parses text that is binary without reporting YAML errors for it', () => {
    const file = parseSource(new Source('bin.yaml', 'a: 1\n\u0000\u0001\u0002 [[[ {{{ ::: \n'), {});
    assert.deepEqual(
      file.problems.map((p) => p.code),
      ['BINARY'],
    );
    assert.deepEqual(file.position(file.problems[0].range[0]), { line: 2, column: 1 });
  });
});
