/**
 * Hostile input, bounded: aliases, deep nesting, huge maps, long lines, huge files, endless streams
 * and many documents end within the limits of docs/limits.md, with a located finding or a one-line
 * error; the same limits hold in the library.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { InputLimitError, readText } from '../../src/load/read.js';
import { loadFiles } from '../../src/load/input.js';
import { loadText } from '../../src/load/load.js';
import { YAML_LIMITS } from '../../src/load/source.js';
import { tmp } from '../support/util.js';
import { FIXTURES, MiB, SERVICE_NOBODY, assertLocated, lintFiles, report, run } from '../support/hostile.js';

describe('hostile input: bounded', () => {
  it('stops the billion laughs at the alias limit, and lints the other documents', () => {
    const r = run(['-f', 'json', path.join(FIXTURES, 'billion-laughs.yaml')], { timeout: 120_000 });
    assert.equal(r.status, 1);
    const { findings } = report(r);
    assert.ok(
      findings.some((f) => f.ruleId === 'yaml-syntax' && /aliases expand too much/.test(f.message) && f.line === 3),
      JSON.stringify(findings),
    );
    assert.ok(findings.some((f) => f.ruleId === 'service-selector-no-pods'));
  });

  const CYCLE =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: cycle\n  annotations: {self: *m, again: *m}\ndata: &d {a: *d, b: *d}\n';

  it('reads an alias inside its own anchor (a cycle) as a finding (yaml path)', () => {
    const file = loadText('cycle.yaml', CYCLE);
    assert.equal(file.documents.length, 0);
    const p = file.problems.find((x) => x.code === 'ALIAS_CYCLE');
    assert.ok(p, JSON.stringify(file.problems));
    assert.deepEqual(file.position(p.range[0]), { line: 5, column: 23 });
    lintFiles([file]);
  });

  it('reads an alias inside its own anchor (a cycle) as a finding (CLI)', () => {
    const dir = tmp({ 'cycle.yaml': CYCLE });
    const r = run(['-f', 'json', 'cycle.yaml'], { cwd: dir, timeout: 60_000 });
    assert.equal(r.signal, null, 'timed out');
    assert.ok(report(r).findings.some((f) => /alias refers to a node that contains it/.test(f.message)));
  });

  it('bounds what aliases add to a document beyond the alias count', () => {
    const items = Array.from({ length: 2000 }, (_, i) => `x${i}`).join(', ');
    const uses = Array.from({ length: 60 }, () => '*big').join(', ');
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata:\n  a: &big [${items}]\n  b: [${uses}]\n`;
    const file = loadText('wide.yaml', text);
    assert.ok(
      file.problems.some((p) => p.code === 'ALIAS_LIMIT' && /more than 100,000 nodes/.test(p.message)),
      JSON.stringify(file.problems),
    );
  });

  it('reports nesting beyond the depth limit at the first collection too deep (flow and block, CLI and yaml path)', () => {
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  a: ${'['.repeat(100_000)}x${']'.repeat(100_000)}\n`;
    let block = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n';
    for (let i = 1; i <= 1000; i++) block += `${' '.repeat(2 * i)}k${i}:\n`;
    block += `${' '.repeat(2002)}x\n`;
    const dir = tmp({ 'flow.yaml': flow });
    const r = run(['-f', 'json', '.'], { cwd: dir, timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    const { findings } = report(r);
    const flowHit = findings.find((f) => f.file === 'flow.yaml' && /nested more than 256 levels/.test(f.message));
    assert.ok(flowHit, JSON.stringify(findings));
    // Level 1 is the document's map, 2 is data, the list at column 6 is level 3: level 257 opens at column 6 + 254.
    assert.deepEqual([flowHit.line, flowHit.column], [5, 6 + 254]);
    for (const f of findings) assertLocated(f, flow);
    const blockFile = loadText('block.yaml', block);
    assert.equal(blockFile.problems[0]?.code, 'DEPTH_LIMIT');
    // Line 4 + n holds key kn of the map at level n + 1: level 257 starts at k256, after 2 * 256 spaces.
    assert.deepEqual(blockFile.position(blockFile.problems[0].range[0]), { line: 4 + 256, column: 2 * 256 + 1 });
    // Exactly at the limit is fine.
    const ok = loadText(
      'ok.yaml',
      `a: ${'['.repeat(YAML_LIMITS.maxDepth - 1)}x${']'.repeat(YAML_LIMITS.maxDepth - 1)}\n`,
    );
    assert.deepEqual(ok.problems, []);
    const over = loadText('over.yaml', `a: ${'['.repeat(YAML_LIMITS.maxDepth)}x${']'.repeat(YAML_LIMITS.maxDepth)}\n`);
    assert.equal(over.problems[0]?.code, 'DEPTH_LIMIT');
  });

  it('applies the depth limit to block nesting read by the CLI', () => {
    let block = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n';
    for (let i = 1; i <= 600; i++) block += `${' '.repeat(2 * i)}k${i}:\n`;
    block += `${' '.repeat(1202)}x\n`;
    const dir = tmp({ 'block.yaml': block });
    const { findings } = report(run(['-f', 'json', '.'], { cwd: dir }));
    assert.ok(
      findings.some((f) => /nested more than 256 levels/.test(f.message)),
      JSON.stringify(findings),
    );
  });

  it('reads 100,000 keys in one map in linear time, and still finds a duplicate key', { timeout: 120_000 }, () => {
    let text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keys}\ndata:\n';
    for (let i = 0; i < 100_000; i++) text += `  k${i}: v\n`;
    text += '  k17: again\n';
    // The `yaml` package's own check compares every key with every earlier one: many minutes here,
    // so the test's timeout (a hang guard) fails a quadratic check. Speed itself is the bench's job.
    const file = loadText('keys.yaml', text);
    const dup = file.problems.filter((p) => p.code === 'DUPLICATE_KEY');
    assert.equal(dup.length, 1);
    assert.deepEqual(file.position(dup[0].range[0]), { line: 100_005, column: 3 });
    assert.equal(file.documents.length, 1);
  });

  it('reads a document with 150,000 keys in one map in linear time when a finding needs its exact ranges (CLI)', () => {
    // At this size a scan per key (quadratic) takes many minutes: the spawn's timeout is a hang
    // guard, generous for a loaded machine; how fast it is belongs to the bench.
    let text = 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}]\n  selector:\n';
    for (let i = 0; i < 150_000; i++) text += `    k${i}: v\n`;
    const dir = tmp({ 'selector.yaml': text });
    const r = run(['-f', 'json', 'selector.yaml'], { cwd: dir, timeout: 90_000 });
    assert.equal(r.signal, null, 'timed out');
    assert.equal(report(r).findings.filter((f) => f.ruleId === 'service-selector-no-pods').length, 1);
  });

  it('refuses a file whose structure is too large for the exact reader, without parsing it', () => {
    const text = `a:\n${'- x\n'.repeat(YAML_LIMITS.maxStructure + 10)}`;
    const file = loadText('many.yaml', text);
    assert.equal(file.documents.length, 0);
    assert.equal(file.problems.length, 1);
    assert.equal(file.problems[0].code, 'STRUCTURE_LIMIT');
    assert.deepEqual(file.position(file.problems[0].range[0]), { line: YAML_LIMITS.maxStructure + 1, column: 4 });
  });

  it('handles very long lines, keys and values in every field in bounded time', () => {
    const value = 'x'.repeat(10 * MiB);
    const key = `k${'y'.repeat(MiB)}`;
    const label = 'l'.repeat(MiB);
    const text =
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long}\ndata:\n  ${key}: ${value}\n---\n` +
      `apiVersion: v1\nkind: Service\nmetadata: {name: long-selector}\nspec:\n  selector: {app: ${label}}\n  ports: [{port: 80, targetPort: ${label}}]\n`;
    const dir = tmp({ 'long.yaml': text });
    const r = run(['-f', 'json', 'long.yaml'], { cwd: dir, timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    const { findings } = report(r);
    assert.ok(findings.some((f) => f.ruleId === 'service-selector-no-pods'));
    // Messages quote values; the report stays within a small multiple of the input.
    assert.ok(r.stdout.length < 4 * text.length, `${r.stdout.length} bytes of report`);
    for (const f of findings) assertLocated(f, text);
  });

  it('reads a 100 MB single document when the limits allow it, and refuses it unread by default', () => {
    const dir = tmp();
    const big = path.join(dir, 'big.yaml');
    const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: ';
    const fd = openSync(big, 'w');
    try {
      writeFileSync(fd, head);
      const chunk = Buffer.alloc(MiB, 'x');
      for (let i = 0; i < 100; i++) writeFileSync(fd, chunk);
      writeFileSync(fd, '\n---\n' + SERVICE_NOBODY);
    } finally {
      closeSync(fd);
    }
    const r = run(['-f', 'json', '--max-file-bytes', '128M', '--max-input-bytes', '128M', 'big.yaml'], {
      cwd: dir,
      timeout: 120_000,
    });
    assert.equal(r.status, 1, r.stderr);
    const { findings, summary } = report(r);
    assert.equal(summary.objects, 2);
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.line]),
      [['service-selector-no-pods', 13]],
    );
    // A sparse file of the same size: its content is never read (it would be binary data).
    const sparse = path.join(dir, 'sparse.yaml');
    writeFileSync(sparse, '');
    truncateSync(sparse, 100 * MiB);
    const d = run(['-f', 'json', 'sparse.yaml'], { cwd: dir, timeout: 120_000 });
    assert.equal(d.status, 1);
    const [f] = report(d).findings;
    assert.deepEqual([f.ruleId, f.line, f.column], ['yaml-syntax', 1, 1]);
    assert.match(f.message, /100 MiB is more than the limit of 16 MiB per file \(--max-file-bytes\)/);
  });

  it('lints 100,000 documents in one file', () => {
    const parts: string[] = [];
    for (let i = 0; i < 100_000; i++)
      parts.push(`---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  a: "1"\n`);
    parts.push(`---\n${SERVICE_NOBODY}`);
    const dir = tmp({ 'many.yaml': parts.join('') });
    const r = run(['-f', 'json', 'many.yaml'], { cwd: dir, timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    const { findings, summary } = report(r);
    assert.equal(summary.objects, 100_001);
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.line]),
      [['service-selector-no-pods', 700_007]],
    );
  });

  it('stops reading a stream that never ends at the per-file limit', { skip: !existsSync('/dev/zero') }, () => {
    for (const args of [[], ['--max-file-bytes', '1M']]) {
      const fd = openSync('/dev/zero', 'r');
      try {
        const r = run(['-f', 'json', ...args, '-'], { stdinFd: fd, timeout: 60_000 });
        assert.equal(r.signal, null, 'must end');
        assert.equal(r.status, 1, r.stderr);
        const [f] = report(r).findings;
        assert.equal(f.file, '<stdin>');
        assert.deepEqual([f.ruleId, f.line, f.column], ['yaml-syntax', 1, 1]);
        assert.match(
          f.message,
          new RegExp(
            `standard input is not read: it is more than the limit of ${args.length ? '1' : '16'} MiB per file \\(--max-file-bytes\\)`,
          ),
        );
      } finally {
        closeSync(fd);
      }
    }
  });

  it('stops at the total input limit, in file order, and tells which files were left out', () => {
    const pad = (name: string) => `${SERVICE_NOBODY.replace('name: nobody', `name: ${name}`)}# ${'.'.repeat(900)}\n`;
    const dir = tmp({ 'a.yaml': pad('a'), 'b.yaml': pad('b'), 'c.yaml': pad('c'), 'd.yaml': pad('d') });
    const r = run(['-f', 'json', '--max-input-bytes', '2500', '.', '-'], { cwd: dir, input: pad('stdin') });
    assert.equal(r.status, 1, r.stderr);
    const { findings, summary } = report(r);
    assert.equal(summary.files, 5);
    const byFile = (file: string) => findings.filter((f) => f.file === file).map((f) => f.ruleId);
    assert.deepEqual(byFile('a.yaml'), ['service-selector-no-pods']);
    assert.deepEqual(byFile('b.yaml'), ['service-selector-no-pods']);
    for (const file of ['c.yaml', 'd.yaml', '<stdin>']) {
      const [f] = findings.filter((x) => x.file === file);
      assert.ok(
        f &&
          /not read: with it, the input would be more than the limit of 2\.4 KiB \(--max-input-bytes\)/.test(f.message),
        JSON.stringify(findings),
      );
    }
    assert.match(
      run(['--max-input-bytes', 'lots', '.'], { cwd: dir }).stderr,
      /--max-input-bytes needs a size in bytes/,
    );
  });
});

describe('hostile input: limits in the library', () => {
  it('loadFiles applies the limits it is given, in file order, and reads at most the limit of a growing file', async () => {
    const dir = tmp({
      'a.yaml': SERVICE_NOBODY,
      'b.yaml': SERVICE_NOBODY.replace('nobody', 'b'),
      'c.yaml': '# pad\n'.repeat(100),
    });
    const files = ['a.yaml', 'b.yaml', 'c.yaml'].map((f) => ({ absPath: path.join(dir, f), expanded: false }));
    const { files: loaded, errors } = await loadFiles(files, dir, {
      maxFileBytes: 500,
      maxInputBytes: SERVICE_NOBODY.length + 10,
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      loaded.map((f) => [f.path, f.problems.map((p) => p.code)]),
      [
        ['a.yaml', []],
        ['b.yaml', ['INPUT_LIMIT']],
        ['c.yaml', ['FILE_LIMIT']],
      ],
    );
    // Without limits (the library default), everything is read.
    assert.equal((await loadFiles(files, dir)).files.filter((f) => f.problems.length).length, 0);
    await assert.rejects(readText(path.join(dir, 'c.yaml'), 599), InputLimitError);
    assert.equal(await readText(path.join(dir, 'c.yaml'), 600), '# pad\n'.repeat(100));
  });
});
