/**
 * No recursion that input can drive: indentation mistakes the `yaml` parser reads as thousands of
 * nested mappings, flow collections used as keys, compact block nesting, and runs of brackets are
 * each one finding at their position, on the fast path (the CLI) and the `yaml` path (the language
 * server) alike, and the other documents and files are linted as usual. Inputs are made here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFast } from '../../src/load/fast.js';
import { loadText } from '../../src/load/load.js';
import { YAML_LIMITS, SourceFile, parseSource } from '../../src/load/source.js';
import { cli as runCli, tmp } from '../support/util.js';

const SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: nope\n  ports:\n  - port: 80\n';

/** `a: b`, then `lines` lines indented two spaces, then another document. */
function badIndent(lines: number): string {
  let s = 'a: b\n';
  for (let i = 0; i < lines; i++) s += `  x${i}: y\n`;
  return `${s}---\n${SERVICE}`;
}

/** Both readers: the fast path of the CLI and the `yaml` path of the language server. */
function bothReaders(name: string, text: string) {
  return { fast: loadText(name, text), exact: parseSource(new SourceFile(name, text)) };
}

function codes(f: SourceFile): string[] {
  return f.problems.map((p) => p.code);
}

function cli(args: string[], files: Record<string, string>) {
  const dir = tmp(files, 'knl-depth-');
  const [first, ...rest] = args;
  const argv =
    first === 'connectivity' || first === 'graph' ? [first, '--no-config', ...rest] : ['--no-config', ...args];
  const r = runCli(argv, { cwd: dir, timeout: 120_000 });
  assert.equal(r.signal, null, 'hang guard');
  return r;
}

describe('nesting: no input-driven recursion', () => {
  it('reads an indentation mistake over 2,000 lines as one finding at its first line, and the next document as usual', () => {
    const text = badIndent(2_000);
    for (const [reader, file] of Object.entries(bothReaders('x.yaml', text))) {
      assert.deepEqual(codes(file), ['BAD_INDENTATION'], reader);
      assert.deepEqual(file.position(file.problems[0].range[0]), { line: 1, column: 4 }, reader);
      assert.match(file.problems[0].message, /bad indentation/);
      assert.doesNotMatch(file.problems[0].message, /nested more than/);
      assert.equal(file.documents.length, 1, reader);
      assert.equal((file.documents[0].value as { kind: string }).kind, 'Service');
    }
  });

  it('does not call a short indentation mistake (300 lines) deep nesting either', () => {
    const { fast, exact } = bothReaders('x.yaml', badIndent(300));
    assert.deepEqual(codes(fast), ['BAD_INDENTATION']);
    assert.deepEqual(codes(exact), ['BAD_INDENTATION']);
  });

  it('keeps the errors of the `yaml` package for a few such lines', () => {
    const file = parseSource(new SourceFile('x.yaml', 'a: b\n  x: y\n  z: w\n'));
    assert.ok(
      file.problems.some((p) => /Nested mappings are not allowed/.test(p.message)),
      JSON.stringify(file.problems),
    );
  });

  it('counts flow collections used as keys ([{[{…}]}]) on both readers, with and without an anchor', () => {
    const n = YAML_LIMITS.maxDepth; // pairs: twice the limit in levels
    for (const head of ['x: ', 'x: &a ']) {
      const text = `${head}${'[{'.repeat(n)}${'}]'.repeat(n)}\n---\n${SERVICE}`;
      const { fast, exact } = bothReaders('k.yaml', text);
      assert.deepEqual(codes(fast), ['DEPTH_LIMIT'], head);
      assert.deepEqual(codes(exact), ['DEPTH_LIMIT'], head);
      assert.deepEqual(fast.problems[0].range, exact.problems[0].range);
      assert.equal(fast.documents.length, 1);
      // Within the limit, both readers read it.
      const m = (YAML_LIMITS.maxDepth >> 1) - 2;
      const within = `${head}${'[{'.repeat(m)}${'}]'.repeat(m)}\n`;
      assert.deepEqual(codes(loadText('k.yaml', within)), [], head);
      assert.deepEqual(codes(parseSource(new SourceFile('k.yaml', within))), [], head);
    }
  });

  it('finds a document just past the limit when another document follows it (flow keys, both readers)', () => {
    // One level past the limit: below the parser's stack bound, so the document is read whole and
    // checked when it ends, which is when the next document starts.
    for (const [depth, deep] of [
      [YAML_LIMITS.maxDepth, true],
      [YAML_LIMITS.maxDepth - 1, false],
    ] as const) {
      let value = 'x';
      for (let i = 0; i < depth; i++) value = `{${value}: 1}`;
      const text = `v: ${value}\n---\n${SERVICE}`;
      const { fast, exact } = bothReaders('k.yaml', text);
      assert.deepEqual(codes(fast), deep ? ['DEPTH_LIMIT'] : [], `${depth}`);
      assert.deepEqual(codes(exact), deep ? ['DEPTH_LIMIT'] : [], `${depth}`);
      assert.equal(fast.documents.at(-1)?.index, 1);
    }
  });

  it('counts compact block nesting (`- - - …`) that js-yaml reads', () => {
    const text = `kind: Pod\nx:\n${'- '.repeat(YAML_LIMITS.maxDepth + 20)}x\n---\n${SERVICE}`;
    const { fast, exact } = bothReaders('c.yaml', text);
    assert.deepEqual(codes(fast), ['DEPTH_LIMIT']);
    assert.deepEqual(codes(exact), ['DEPTH_LIMIT']);
    assert.equal(fast.documents.length, 1);
  });

  it('reads 200,000 brackets, 100,000 compact sequences and 5,000 flow-key pairs as findings, not stack overflows', () => {
    const texts = [
      `${'['.repeat(200_000)}\n`,
      `${'- '.repeat(100_000)}x\n`,
      `x: &a ${'[{'.repeat(5_000)}${'}]'.repeat(5_000)}\n`,
      `${'{a: '.repeat(50_000)}\n`,
    ];
    for (const t of texts) {
      const text = `${t}---\n${SERVICE}`;
      const { fast, exact } = bothReaders('b.yaml', text);
      for (const file of [fast, exact]) {
        assert.equal(file.problems.length, 1, JSON.stringify(file.problems));
        assert.match(file.problems[0].code, /DEPTH_LIMIT|BAD_INDENTATION/);
        assert.equal(file.documents.length, 1);
      }
    }
  });

  it('builds the exact document of a fast-path document nested to the limit without recursion trouble', () => {
    const m = (YAML_LIMITS.maxDepth >> 1) - 2;
    const file = loadFast(
      'k.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: ${'[{'.repeat(m)}${'}]'.repeat(m)}}\n`,
    );
    assert.deepEqual(codes(file), []);
    assert.equal(file.documents[0].yaml.errors.length, 0);
  });

  it('lints the other files, and `connectivity` and `graph` answer, with such a file in the input (CLI)', () => {
    const files = { 'bad.yaml': badIndent(2_000), 'good.yaml': SERVICE };
    const lint = cli(['-f', 'json', '.'], files);
    assert.equal(lint.status, 1, lint.stderr);
    assert.doesNotMatch(lint.stderr, /internal error|Maximum call stack/);
    const { findings } = JSON.parse(lint.stdout) as { findings: { ruleId: string; file: string; line: number }[] };
    const of = (file: string, rule: string) => findings.filter((f) => f.file === file && f.ruleId === rule);
    assert.deepEqual(
      of('bad.yaml', 'yaml-syntax').map((f) => f.line),
      [1],
    );
    assert.equal(of('bad.yaml', 'service-selector-no-pods').length, 1, 'the second document of the file is linted');
    assert.equal(of('good.yaml', 'service-selector-no-pods').length, 1);
    for (const cmd of [
      ['connectivity', '.'],
      ['graph', '.'],
    ]) {
      const r = cli(cmd, files);
      assert.doesNotMatch(r.stderr, /internal error|Maximum call stack/, cmd.join(' '));
      assert.ok(r.status === 0 || r.status === 1, `${cmd.join(' ')}: ${r.status} ${r.stderr}`);
      if (cmd[0] === 'connectivity') assert.match(r.stderr, /bad\.yaml:1:4: bad indentation/);
      else assert.match(r.stdout, /^digraph/);
    }
  });
});
