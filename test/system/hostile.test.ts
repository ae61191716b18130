/**
 * Hostile input: whatever a repository holds (half-edited files, Helm leftovers, binary data with a
 * `.yaml` name, huge files, endless streams, files written to make CI fall over), kube-netlint
 * answers with located findings or a one-line error, within the limits of docs/limits.md, without
 * being fooled (prototype keys, tags, symbolic links, encodings) and with output that stays valid
 * and inert in every format. Small cases live in test-fixtures/hostile/; large ones are generated
 * into a temporary folder (and sparse files stand in for the huge ones that must not be read).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { RULES } from '../../rules/index.js';
import { main } from '../../src/cli/main.js';
import { lint } from '../../src/engine/runner.js';
import type { JsonFinding } from '../../src/format/json.js';
import { loadFast } from '../../src/load/fast.js';
import { InputLimitError, decode, readText } from '../../src/load/read.js';
import { loadFiles } from '../../src/load/input.js';
import { loadText } from '../../src/load/load.js';
import type { SourceFile } from '../../src/load/source.js';
import { YAML_LIMITS, parseSource, SourceFile as Source } from '../../src/load/source.js';
import { validateSarif } from '../support/sarif-schema.js';
import { BIN, ROOT, tmp } from '../support/util.js';

const FIXTURES = path.join(ROOT, 'test-fixtures/hostile');
const MiB = 1024 * 1024;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  signal: NodeJS.Signals | null;
}

function run(
  args: string[],
  opts: { cwd?: string; input?: string | Buffer; stdinFd?: number; timeout?: number } = {},
): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const o: SpawnSyncOptions = {
    cwd: opts.cwd ?? ROOT,
    env,
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
    maxBuffer: 256 * MiB,
  };
  if (opts.stdinFd !== undefined) o.stdio = [opts.stdinFd, 'pipe', 'pipe'];
  else o.input = opts.input ?? '';
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, '--no-config', ...args], o);
  return {
    status: r.status,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    ms: performance.now() - t,
    signal: r.signal,
  };
}

interface Report {
  findings: JsonFinding[];
  summary: { files: number; objects: number; errors: number; warnings: number };
}

function report(r: Run): Report {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(
      `not JSON (exit ${r.status}, ${Math.round(r.ms)} ms): ${r.stdout.slice(0, 500)}\nstderr: ${r.stderr.slice(0, 500)}`,
    );
  }
}

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

/** The CLI in this process (no start-up cost): exit code and output. */
async function inProcess(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await main(['--no-config', ...args], {
    stdout: out,
    stderr: err,
    stdin: new PassThrough(),
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

/** Every finding's location lies inside the text of its file (1-based lines; end >= start). */
function assertLocated(f: JsonFinding, text: string): void {
  const lines = text.split(/\n|\r(?!\n)/); // a lone CR ends a line too, as in editors
  const where = `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId}`;
  assert.ok(f.line >= 1 && f.line <= lines.length, `${where}: line outside the file (${lines.length} lines)`);
  assert.ok(f.column >= 1 && f.column <= lines[f.line - 1].length + 1, `${where}: column outside line ${f.line}`);
  assert.ok(f.endLine >= f.line && f.endLine <= lines.length, `${where}: end line`);
  assert.ok(f.endLine > f.line || f.endColumn >= f.column, `${where}: end before start`);
  assert.ok(
    f.endColumn >= 1 && f.endColumn <= lines[f.endLine - 1].length + 1,
    `${where}: end column outside line ${f.endLine}`,
  );
}

const SETTINGS = { defaultNamespace: 'default', nodePortRange: [30000, 32767] as [number, number] };
const lintFiles = (files: SourceFile[]) => lint(files, { rules: RULES, settings: SETTINGS });

const SERVICE_NOBODY =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: nobody\nspec:\n  selector:\n    app: nobody\n  ports:\n    - port: 80\n';

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

describe('hostile input: not fooled', () => {
  const pristine = Object.getOwnPropertyNames(Object.prototype).sort();
  const assertUnpolluted = () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), pristine);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.equal((globalThis as Record<string, unknown>).pwned, undefined);
  };

  it('treats __proto__, constructor and prototype keys as data (yaml and fast paths, files and config)', async () => {
    const yaml = fixture('proto-keys.yaml');
    const json = fixture('proto-keys.json');
    for (const load of [loadText, loadFast]) {
      const files = [load('proto-keys.yaml', yaml), load('proto-keys.json', json)];
      for (const d of files.flatMap((f) => f.documents)) {
        // The keys are own properties; the objects keep their ordinary prototype.
        assert.equal(Object.getPrototypeOf(d.value), Object.prototype);
      }
      const deploy = files[0].documents[0].value as { metadata: { labels: Record<string, unknown> } };
      assert.ok(Object.hasOwn(deploy.metadata.labels, '__proto__'));
      assert.equal(deploy.metadata.labels.__proto__, 'x');
      const result = lintFiles(files);
      assertUnpolluted();
      assert.deepEqual(result.internalErrors, []);
      const messages = result.findings.map((f) => `${f.file.path} ${f.ruleId} ${f.message}`);
      // Service "constructor" selects the Deployment by its __proto__ and constructor labels.
      assert.ok(!messages.some((m) => m.includes('Service "constructor" selects')), messages.join('\n'));
      assert.ok(
        messages.some((m) => m.includes('Service "prototype" selects __proto__=no-such-pods')),
        messages.join('\n'),
      );
      assert.ok(
        messages.some((m) => m.includes('Service "json-proto" selects __proto__=json-nobody')),
        messages.join('\n'),
      );
    }
    // The CLI in-process, with a config file holding such keys.
    const dir = tmp({
      'proto-keys.yaml': yaml,
      'proto-keys.json': json,
      '.kube-netlint.yaml':
        'ingressController:\n  namespace: ingress\n  labels: {__proto__: x, constructor: y}\ndns:\n  namespace: kube-system\n  labels: {__proto__: {polluted: true}}\n',
    });
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    const io = { stdout: out, stderr: err, stdin: new PassThrough(), cwd: dir, env: {} };
    const code = await main(['-f', 'json', '.'], io);
    assertUnpolluted();
    // The config is validated as data too: a map where labels need strings is an error that names it.
    assert.equal(code, 2, stdout + stderr);
    assert.match(stderr, /dns\.labels\.__proto__|__proto__/);
    writeFileSync(path.join(dir, '.kube-netlint.yaml'), 'rules:\n  __proto__: off\n');
    assert.equal(await main(['.'], io), 2);
    assert.match(stderr, /unknown rule "__proto__"/);
    writeFileSync(
      path.join(dir, '.kube-netlint.yaml'),
      'ingressController:\n  namespace: ingress\n  labels: {__proto__: x, constructor: y}\n',
    );
    stdout = '';
    assert.equal(await main(['-f', 'json', '.'], io), 1);
    assertUnpolluted();
    assert.ok((JSON.parse(stdout) as Report).findings.length > 0);
  });

  it('reads tags as data, never as code', () => {
    const text = fixture('tags.yaml');
    const marker = '/tmp/kube-netlint-pwned';
    for (const load of [loadText, loadFast]) {
      const file = load('tags.yaml', text);
      assert.deepEqual(file.problems, []);
      const [cm, svc] = file.documents.map((d) => d.value as Record<string, Record<string, unknown>>);
      assert.equal(typeof cm.metadata.name, 'string');
      assert.deepEqual(cm.metadata.labels, { a: null, b: null });
      assert.deepEqual(cm.metadata.annotations, [{ a: '1' }, { b: '2' }]);
      assert.equal(cm.data.binary, 'aGVsbG8=');
      assert.deepEqual(cm.data.custom, { x: 1 });
      assert.deepEqual(cm.data.python, ['touch /tmp/kube-netlint-pwned']);
      assert.equal(typeof svc.spec.selector, 'string');
      const result = lintFiles([file]);
      assert.deepEqual(result.internalErrors, []);
      assert.ok(
        result.findings.some((f) =>
          f.message.includes('spec.ports[0].port must be an integer, not the string "aGVsbG8="'),
        ),
      );
    }
    assertUnpolluted();
    assert.equal(existsSync(marker), false);
  });

  it('does not follow symbolic links out of the walked tree (no repository: the folder itself); reads a linked file once', () => {
    const base = tmp({
      'outside/secret.yaml': SERVICE_NOBODY.replace('nobody', 'outside-secret'),
      'root/real.yaml': SERVICE_NOBODY.replace('nobody', 'real'),
    });
    const root = path.join(base, 'root');
    symlinkSync('../outside/secret.yaml', path.join(root, 'link-out.yaml'));
    symlinkSync('real.yaml', path.join(root, 'link-in.yaml'));
    symlinkSync('../outside', path.join(root, 'dir-link'));
    mkdirSync(path.join(root, 'sub'));
    symlinkSync('..', path.join(root, 'sub', 'loop'));
    symlinkSync('self.yaml', path.join(root, 'self.yaml'));
    const r = run(['-f', 'json', '.'], { cwd: root, timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `kube-netlint: not following the symbolic link dir-link: it leads outside the folder's repository (to ${path.join(base, 'outside')})`,
      `kube-netlint: not following the symbolic link link-out.yaml: it leads outside the folder's repository (to ${path.join(base, 'outside', 'secret.yaml')})`,
    ]);
    const { findings, summary } = report(r);
    assert.equal(summary.files, 1);
    assert.deepEqual([...new Set(findings.map((f) => f.file))], ['real.yaml']);
    assert.ok(!r.stdout.includes('outside-secret'));
    // A link named on the command line is what the user asked for: it is followed.
    const named = report(run(['-f', 'json', 'link-out.yaml'], { cwd: root }));
    assert.ok(named.findings.some((f) => f.message.includes('outside-secret')));
  });

  describe('encodings', () => {
    const reference = `# café, naïve, 日本, 😀\n${SERVICE_NOBODY.replace('name: nobody', 'name: café')}`;
    const utf16 = (text: string, be: boolean) => {
      const le = Buffer.from(`\ufeff${text}`, 'utf16le');
      if (be) for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
      return le;
    };
    const utf32 = (text: string, be: boolean) => {
      const cps = [...`\ufeff${text}`].map((c) => c.codePointAt(0) as number);
      const b = Buffer.alloc(cps.length * 4);
      cps.forEach((cp, i) => (be ? b.writeUInt32BE(cp, i * 4) : b.writeUInt32LE(cp, i * 4)));
      return b;
    };
    /** Findings per file of one in-process run over the folder, without the file names. */
    const findingsOf = async (dir: string) => {
      const r = await inProcess(['-f', 'json', '.'], dir);
      const byFile = new Map<string, JsonFinding[]>();
      for (const f of (JSON.parse(r.stdout) as Report).findings)
        byFile.set(f.file, [...(byFile.get(f.file) ?? []), { ...f, file: 'x' }]);
      return (file: string) => byFile.get(file) ?? [];
    };

    it('reads UTF-8 with a BOM, UTF-16 and UTF-32 with a BOM exactly like UTF-8', async () => {
      const dir = tmp({
        'utf8.yaml': reference,
        'utf8-bom.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(reference)]),
        'utf16le.yaml': utf16(reference, false),
        'utf16be.yaml': utf16(reference, true),
        'utf32le.yaml': utf32(reference, false),
        'utf32be.yaml': utf32(reference, true),
      });
      const all = await findingsOf(dir);
      // Each file defines the same Service: all but the first also get a duplicate-object finding.
      const of = (file: string) => all(file).filter((x) => x.ruleId !== 'duplicate-object');
      const expected = of('utf8.yaml');
      assert.equal(expected.length, 1);
      assert.match(expected[0].message, /Service "café"/);
      for (const f of ['utf8-bom.yaml', 'utf16le.yaml', 'utf16be.yaml', 'utf32le.yaml', 'utf32be.yaml'])
        assert.deepEqual(of(f), expected, f);
    });

    it('reports UTF-16 without a BOM, Latin-1 and invalid UTF-8 as such, at the first bad character', async () => {
      const latin1 = Buffer.from(reference.replace(', 日本, 😀', ''), 'latin1');
      const invalid = Buffer.concat([
        Buffer.from(SERVICE_NOBODY),
        Buffer.from('# bad: '),
        Buffer.from([0xff, 0xc0, 0x80]),
        Buffer.from('\n'),
      ]);
      const dir = tmp({
        'utf16-nobom.yaml': utf16(reference, false).subarray(2),
        'latin1.yaml': latin1,
        'invalid.yaml': invalid,
      });
      const of = await findingsOf(dir);
      const nobom = of('utf16-nobom.yaml');
      assert.equal(nobom.length, 1);
      assert.match(nobom[0].message, /looks like UTF-16 \(little-endian\) without a byte order mark/);
      const l1 = of('latin1.yaml');
      const enc = l1.find((f) => /not valid UTF-8/.test(f.message));
      assert.ok(enc, JSON.stringify(l1));
      // "# caf" then the Latin-1 é.
      assert.deepEqual([enc.line, enc.column], [1, 6]);
      assert.match(enc.message, /3 times in this file/);
      const inv = of('invalid.yaml').find((f) => /not valid UTF-8/.test(f.message));
      assert.ok(inv);
      assert.deepEqual([inv.line, inv.column], [10, 8]);
    });

    it('gives CRLF files the same findings, lines and columns as LF', async () => {
      const texts: Record<string, string> = {};
      for (const f of [
        'api.yaml',
        'cart.yaml',
        'config.yaml',
        'edge.yaml',
        'frontend.yaml',
        'ingress.yaml',
        'namespace.yaml',
        'payments.yaml',
      ]) {
        const t = readFileSync(path.join(ROOT, 'examples/shop', f), 'utf8');
        texts[`lf/${f}`] = t;
        texts[`crlf/${f}`] = t.replace(/\n/g, '\r\n');
      }
      const dir = tmp(texts);
      const strip = (fs: JsonFinding[]) =>
        fs.map((f) => ({
          ...f,
          file: f.file.replace(/^(lf|crlf)\//, ''),
          related: f.related.map((r) => ({ ...r, file: r.file.replace(/^(lf|crlf)\//, '') })),
        }));
      const lf = strip((JSON.parse((await inProcess(['-f', 'json', 'lf'], dir)).stdout) as Report).findings);
      const crlf = strip((JSON.parse((await inProcess(['-f', 'json', 'crlf'], dir)).stdout) as Report).findings);
      assert.ok(lf.length > 5);
      assert.deepEqual(crlf, lf);
    });
  });
});

describe('hostile input: output is safe in every format', () => {
  // U+0000-U+001F but tab and line feed, DEL, C1, line/paragraph separators, bidi controls, lone surrogates.
  const UNSAFE_TERMINAL =
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  /** One run writes every format (stylish to stdout), over hostile values and a hostile file name. */
  let outputs: Record<string, string> | undefined;
  const output = (format: string): string => {
    if (!outputs) {
      // A file name with a line break, an escape sequence, a percent sign, a comma and a colon.
      const dir = tmp({
        'output-hostile.yaml': fixture('output-hostile.yaml'),
        'we\u001b[31mird\nna,m:e%0A.yaml': SERVICE_NOBODY,
      });
      const out = tmp();
      const formats = ['json', 'sarif', 'github', 'junit'];
      const r = run(
        ['-f', 'stylish', ...formats.flatMap((f) => ['-f', `${f}=${path.join(out, `report.${f}`)}`]), '.'],
        { cwd: dir },
      );
      assert.equal(r.status, 1, r.stderr);
      outputs = { stylish: r.stdout, colour: run(['--color', '.'], { cwd: dir }).stdout };
      for (const f of formats) outputs[f] = readFileSync(path.join(out, `report.${f}`), 'utf8');
    }
    return outputs[format];
  };

  it('stylish: one line per finding, no control or invisible characters (with and without colour)', () => {
    const plain = output('stylish');
    assert.doesNotMatch(plain, UNSAFE_TERMINAL);
    assert.ok(!plain.includes('\u001b'));
    const rows = plain.split('\n').filter((l) => /^\s+\d+:\d+\s/.test(l));
    assert.equal(rows.length, 4, plain);
    assert.match(plain, /we\\x1b\[31mird na,m:e%0A\.yaml/);
    // With colour, the only escape sequences are the formatter's own SGR colours.
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(output('colour').replace(/\u001b\[\d+(;\d+)*m/g, ''), UNSAFE_TERMINAL);
  });

  it('json: valid, and lossless (the values are quoted as they are)', () => {
    const { findings } = JSON.parse(output('json')) as Report;
    const name = findings.find((f) => f.file === 'output-hostile.yaml')?.message ?? '';
    for (const s of [
      '\u001b[31mRED',
      '\u0000nul',
      '\u009b2J',
      '\u2028sep',
      '\u202etxet',
      '\ud800lone',
      '\n::error file=x,line=1::injected%0A]]><!--',
    ]) {
      assert.ok(name.includes(s), `${JSON.stringify(s)} in ${JSON.stringify(name)}`);
    }
    assert.ok(findings.some((f) => f.file === 'we\u001b[31mird\nna,m:e%0A.yaml'));
  });

  it('sarif: valid against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(output('sarif')) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    assert.deepEqual(validateSarif(log), []);
    const uris = log.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri);
    assert.ok(
      // eslint-disable-next-line no-control-regex
      uris.every((u) => !/[\s\u0000-\u001f%](?![0-9A-F]{2})/.test(u)),
      uris.join(' '),
    );
  });

  it('junit: well-formed XML whatever the values hold', () => {
    const xml = output('junit');
    const parser = new SaxesParser();
    let error: Error | undefined;
    parser.on('error', (e) => (error ??= e));
    parser.write(xml).close();
    assert.equal(error, undefined, error?.message);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|]]>(?![^<]*<)/);
  });

  it('github: every line is one well-formed workflow command or a plain line; nothing injects a command', () => {
    const text = output('github');
    const lines = text.trimEnd().split('\n');
    const commands = lines.filter((l) => l.startsWith('::'));
    assert.equal(commands.length, 4, text);
    for (const l of commands) {
      const m = /^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:\r\n]*)(?:,[a-zA-Z]+=[^,:\r\n]*)*)::(.*)$/.exec(l);
      assert.ok(m, `malformed command: ${JSON.stringify(l)}`);
      assert.doesNotMatch(m[3], UNSAFE_TERMINAL, l);
      // Injected text stays inside the data: its line breaks are %0A, its own % is %25.
      if (m[3].includes('injected')) assert.ok(m[3].includes('%0A::error file=x,line=1::injected%250A'), m[3]);
    }
    for (const l of lines.filter((x) => !x.startsWith('::'))) assert.doesNotMatch(l, UNSAFE_TERMINAL, l);
    assert.ok(text.includes('file=we\\x1b[31mird%0Ana%2Cm%3Ae%250A.yaml'), text);
  });

  it('stderr: a read error is one line whatever the path holds', () => {
    const dir = tmp();
    const name = 'bad\u001b[31m\nname.yaml';
    symlinkSync('missing', path.join(dir, name));
    const r = run([name], { cwd: dir });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.ok(!r.stderr.includes('\u001b'));
    assert.match(r.stderr, /cannot read bad\\x1b\[31m name\.yaml: ENOENT/);
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
