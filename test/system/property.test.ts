/**
 * Property-based tests of the lint pipeline (fast-check): generated cluster slices (workloads,
 * Services, Ingresses, routes, NetworkPolicies, ConfigMaps, with fields of every type now and
 * then), written as YAML or JSON, then mutated as editors and accidents mutate files (byte flips,
 * truncation, inserted control characters, duplicated and dropped lines, indentation changes,
 * stray markers; the generators are in test/support/manifest-gen.ts). Whatever the text, through
 * both loaders (the `yaml` path and the fast path): no exception escapes, no rule fails, findings
 * are sorted, every location lies inside its file, every format stays valid, CRLF reads like LF,
 * file order does not matter, and long values in any field stay cheap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { stringify } from 'yaml';
import { RULES } from '../../rules/index.js';
import { compareFindings, lint } from '../../src/engine/runner.js';
import type { LintResult } from '../../src/engine/runner.js';
import type { Finding, RuleMeta } from '../../src/engine/types.js';
import { FORMATTERS } from '../../src/format/index.js';
import type { FormatContext } from '../../src/format/index.js';
import { spanOf } from '../../src/format/location.js';
import { loadFast } from '../../src/load/fast.js';
import { loadText } from '../../src/load/load.js';
import type { SourceFile } from '../../src/load/source.js';
import { clean, mutatedSlice, object, slice } from '../support/manifest-gen.js';
import type { GenFile } from '../support/manifest-gen.js';

const SETTINGS = { defaultNamespace: 'default', nodePortRange: [30000, 32767] as [number, number] };
const RULE_META: ReadonlyMap<string, RuleMeta> = new Map(RULES.map((r) => [r.meta.id, r.meta]));
const SEED = Number(process.env.FC_SEED ?? 20_240_611);
// ---------------------------------------------------------------------------------------------
// Checks

type Loader = (name: string, text: string) => SourceFile;
const LOADERS: [string, Loader][] = [
  ['yaml path', (n, t) => loadText(n, t)],
  ['fast path', (n, t) => loadFast(n, t)],
];

function lintSlice(files: GenFile[], load: Loader): LintResult {
  return lint(
    files.map((f) => load(f.name, f.text)),
    { rules: RULES, settings: SETTINGS },
  );
}

function assertInside(l: { file: SourceFile; range: [number, number] }, what: string): void {
  const { text } = l.file;
  const [s, e] = l.range;
  assert.ok(Number.isInteger(s) && Number.isInteger(e), `${what}: range ${s}-${e}`);
  assert.ok(s >= 0 && s <= e && e <= text.length, `${what}: range ${s}-${e} outside 0-${text.length}`);
  // Lines as the editor counts them: a lone CR ends a line too (CRLF keeps its CR in the line here).
  const lines = text.split(/\n|\r(?!\n)/);
  const start = l.file.position(s);
  const end = l.file.position(e);
  assert.ok(start.line >= 1 && start.line <= lines.length, `${what}: line ${start.line} of ${lines.length}`);
  assert.ok(
    start.column >= 1 && start.column <= lines[start.line - 1].length + 1,
    `${what}: column ${start.column} of line ${start.line}`,
  );
  assert.ok(
    end.line > start.line || (end.line === start.line && end.column >= start.column),
    `${what}: end before start`,
  );
  assert.ok(end.line <= lines.length && end.column <= lines[end.line - 1].length + 1, `${what}: end outside the file`);
  const span = spanOf(l);
  assert.ok(span.endLine > span.line || span.endColumn >= span.column, `${what}: span end before start`);
}

function assertWellFormed(result: LintResult, where: string): void {
  assert.deepEqual(
    result.internalErrors.map((e) => `${e.ruleId}: ${e.error?.stack ?? e.error}`),
    [],
    `${where}: a rule failed`,
  );
  const { findings } = result;
  for (let i = 1; i < findings.length; i++)
    assert.ok(compareFindings(findings[i - 1], findings[i]) <= 0, `${where}: findings not sorted at ${i}`);
  for (const f of [...findings, ...result.suppressed]) {
    const what = `${where}: ${f.ruleId} in ${f.file.path}`;
    assertInside(f, what);
    for (const r of f.related) assertInside(r, `${what} (related)`);
    for (const s of f.suggestions) assertInside(s, `${what} (suggestion)`);
    assert.ok(typeof f.message === 'string' && f.message.length > 0, `${what}: empty message`);
  }
}

function context(result: LintResult, files: number): FormatContext {
  return {
    cwd: '/project',
    root: '/project',
    color: false,
    rules: RULE_META,
    summary: { files, objects: result.model.resources.length },
    suppressed: result.suppressed,
  };
}

function assertFormats(result: LintResult, files: number, where: string): void {
  const ctx = context(result, files);
  const out = Object.fromEntries(Object.entries(FORMATTERS).map(([k, f]) => [k, f(result.findings, ctx)]));
  const json = JSON.parse(out.json) as { findings: unknown[] };
  assert.equal(json.findings.length, result.findings.length, `${where}: json`);
  JSON.parse(out.sarif);
  const parser = new SaxesParser();
  let error: Error | undefined;
  parser.on('error', (e) => (error ??= e));
  parser.write(out.junit).close();
  assert.equal(error, undefined, `${where}: junit: ${error?.message}`);
  for (const line of out.github.trimEnd().split('\n')) {
    if (line.startsWith('::'))
      assert.match(line, /^::(error|warning|notice) [a-zA-Z]+=[^\r\n]*::[^\r\n]*$/, `${where}: github`);
  }
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(out.stylish, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/, `${where}: stylish`);
}

const comparable = (fs: Finding[]) =>
  fs.map((f) => {
    const s = spanOf(f);
    return `${f.file.path} ${s.line}:${s.column}-${s.endLine}:${s.endColumn} ${f.ruleId} ${f.severity} ${f.message}`;
  });

describe('property: the lint pipeline on any text', () => {
  it('generated slices: no exception, no rule failure, sorted findings inside their files, valid formats', () => {
    fc.assert(
      fc.property(slice, (files) => {
        for (const [loader, load] of LOADERS) {
          const result = lintSlice(files, load);
          assertWellFormed(result, loader);
          assertFormats(result, files.length, loader);
        }
      }),
      { numRuns: 60, seed: SEED, includeErrorInReport: true },
    );
  });

  it('mutated slices (flips, truncation, control characters, duplicated lines, indentation): the same', () => {
    fc.assert(
      fc.property(mutatedSlice, (files) => {
        for (const [loader, load] of LOADERS) {
          let result: LintResult | undefined;
          assert.doesNotThrow(() => {
            result = lintSlice(files, load);
          }, loader);
          assertWellFormed(result as LintResult, loader);
          assertFormats(result as LintResult, files.length, loader);
        }
      }),
      { numRuns: 150, seed: SEED + 1, includeErrorInReport: true },
    );
  });

  it('CRLF line endings give the same findings, lines and columns as LF', () => {
    fc.assert(
      fc.property(fc.oneof(slice, mutatedSlice), (files) => {
        const lf = files.map((f) => ({ ...f, text: f.text.replace(/\r\n?/g, '\n') }));
        const crlf = lf.map((f) => ({ ...f, text: f.text.replace(/\n/g, '\r\n') }));
        for (const [loader, load] of LOADERS) {
          assert.deepEqual(
            comparable(lintSlice(crlf, load).findings),
            comparable(lintSlice(lf, load).findings),
            loader,
          );
        }
      }),
      { numRuns: 80, seed: SEED + 2, includeErrorInReport: true },
    );
  });

  it('linting is a pure function of the files: same files in any order, read in path order as the CLI does, same bytes in every format', () => {
    fc.assert(
      fc.property(fc.oneof(slice, mutatedSlice), fc.nat(), (files, k) => {
        const shuffled = [...files.slice(k % files.length), ...files.slice(0, k % files.length)].reverse();
        const byPath = (fs: GenFile[]) => [...fs].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
        const all = (r: LintResult) => Object.values(FORMATTERS).map((f) => f(r.findings, context(r, files.length)));
        for (const [, load] of LOADERS)
          assert.deepEqual(all(lintSlice(byPath(shuffled), load)), all(lintSlice(byPath(files), load)));
      }),
      { numRuns: 40, seed: SEED + 3, includeErrorInReport: true },
    );
  });

  it(
    'the order of the files given to lint() does not change which problems are found (duplicates aside)',
    {
      todo:
        'netpol-blocks-dns (and other messages that list workloads) name them in input order: ' +
        'lint([a, b]) and lint([b, a]) give "isolates Deployment X, Deployment Y" and "…Y, X" (the CLI and the language server sort files by path, so their output is stable)',
    },
    () => {
      fc.assert(
        fc.property(fc.oneof(slice, mutatedSlice), fc.nat(), (files, k) => {
          const rotated = [...files.slice(k % files.length), ...files.slice(0, k % files.length)].reverse();
          // duplicate-object reports every definition after the first, in the order given.
          const problems = (r: LintResult) => {
            const kept = r.findings.filter((f) => f.ruleId !== 'duplicate-object');
            return comparable(kept)
              .map(
                (p, i) =>
                  `${p} | ${kept[i].related
                    .map((x) => `${x.file.path} ${x.range.join('-')} ${x.message}`)
                    .sort()
                    .join(' | ')}`,
              )
              .sort();
          };
          assert.deepEqual(problems(lintSlice(rotated, LOADERS[0][1])), problems(lintSlice(files, LOADERS[0][1])));
        }),
        { numRuns: 40, seed: SEED + 5, includeErrorInReport: true },
      );
    },
  );

  it('long values in any field stay cheap (no super-linear regular expressions or walks)', { timeout: 300_000 }, () => {
    const N = 3000;
    const payloads = [
      'a'.repeat(N),
      '-'.repeat(N),
      'a-'.repeat(N / 2),
      '.'.repeat(N),
      'a.'.repeat(N / 2),
      ':'.repeat(N),
      '1'.repeat(N),
      `http://${'a'.repeat(N)}`,
      '$('.repeat(N / 2),
      '/'.repeat(N),
      '0:'.repeat(N / 2),
      '1.'.repeat(N / 2),
      'a:1,'.repeat(N / 4),
      'a b '.repeat(N / 4),
      '[x'.repeat(N / 2),
    ];
    /** Replace every scalar (and, with `keys`, every key) of one document by the payload. */
    const fill = (v: unknown, p: string, keys: boolean, depth = 0): unknown => {
      if (Array.isArray(v)) return v.map((x) => fill(x, p, keys, depth + 1));
      if (v && typeof v === 'object') {
        return Object.fromEntries(
          Object.entries(v).map(([k, x]) => [
            keys && depth > 0 && k !== 'metadata' && k !== 'spec' ? `${k}${p}` : k,
            depth === 0 && (k === 'apiVersion' || k === 'kind') ? x : fill(x, p, keys, depth + 1),
          ]),
        );
      }
      return typeof v === 'string' || typeof v === 'number' ? p : v;
    };
    fc.assert(
      fc.property(
        fc.array(object, { minLength: 2, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom(...payloads),
        fc.boolean(),
        (objs, k, payload, keys) => {
          const i = k % objs.length;
          const docs = objs.map((o, j) => clean(j === i ? fill(clean(o), payload, keys) : o));
          const text = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
          // A super-linear expression or walk on these payloads runs for minutes: the test's timeout
          // is the hang guard; the time itself is the bench's to measure.
          assertWellFormed(lintSlice([{ name: 'long.yaml', text }], LOADERS[1][1]), 'long values');
        },
      ),
      { numRuns: 60, seed: SEED + 4, includeErrorInReport: true },
    );
  });

  it('long values in container args and env stay cheap', { timeout: 60_000 }, () => {
    const value = '-image'.repeat(683);
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          env: [{name: A, value: "${value}"}, {name: B, value: "${value}"}]\n`;
    assertWellFormed(lintSlice([{ name: 'redos.yaml', text }], LOADERS[1][1]), 'redos');
  });
});
