/**
 * The fast loading path must read every manifest exactly as the `yaml` path does: the same
 * documents, values, Helm templates, parse problems, and the same source range for every node
 * and key. Compared on every fixture and example, and on generated documents with anchors, merge
 * keys, block scalars, flow collections, comments and CRLF line endings.
 */
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ParseCache } from '../../src/load/cache.js';
import { loadFast } from '../../src/load/fast.js';
import { loadText } from '../../src/load/load.js';
import { readFiles } from '../../src/load/input.js';
import { resolveRange } from '../../src/load/source.js';
import type { SourceFile } from '../../src/load/source.js';
import { ROOT, manifests } from '../support/util.js';

/** Every path of a value (bounded depth), to compare the ranges of every node and key. */
function paths(
  v: unknown,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
  depth = 0,
): (string | number)[][] {
  out.push(at);
  if (depth > 40) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out, depth + 1));
  else if (v && typeof v === 'object')
    for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out, depth + 1);
  return out;
}

function assertSame(name: string, text: string): void {
  const slow: SourceFile = loadText(name, text);
  const fast: SourceFile = loadFast(name, text);
  assert.deepEqual(
    fast.documents.map((d) => [d.index, d.value, d.template]),
    slow.documents.map((d) => [d.index, d.value, d.template]),
    `${name}: documents differ`,
  );
  assert.deepEqual(
    fast.problems.map((p) => [p.code, p.range]),
    slow.problems.map((p) => [p.code, p.range]),
    `${name}: problems differ`,
  );
  slow.documents.forEach((d, i) => {
    for (const p of paths(d.value)) {
      for (const key of [false, true]) {
        assert.deepEqual(
          resolveRange({ doc: fast.documents[i], path: p, key }),
          resolveRange({ doc: d, path: p, key }),
          `${name}: range of ${p.join('.')}`,
        );
      }
    }
  });
  for (const off of [0, text.length >> 1, text.length]) assert.deepEqual(fast.position(off), slow.position(off));
}

describe('fast path = yaml path', () => {
  it('on every fixture and example', () => {
    let n = 0;
    for (const dir of ['test-fixtures', 'examples']) {
      for (const f of manifests(path.join(ROOT, dir))) {
        assertSame(path.relative(ROOT, f), readFileSync(f, 'utf8'));
        n++;
      }
    }
    assert.ok(n > 300, `only ${n} files compared`);
  });

  it('on generated documents with anchors, merge keys, block scalars, flow collections, comments and CRLF', () => {
    const scalar = fc.oneof(
      fc.constantFrom(
        'on',
        'off',
        'yes',
        'No',
        'y',
        '~',
        'null',
        '0755',
        '0x1F',
        '0b101',
        '1_000',
        '3.5',
        '.inf',
        '-.Inf',
        '.nan',
        '1e3',
        '2024-01-01',
        '12:30',
        '""',
        "'x'",
        '"a\\tb"',
        '+7',
        '-0',
        '08',
        '0',
        '8080',
        '123456789012345',
        '12345678901234567890',
      ),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
    );
    const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/);
    const leaf = fc.oneof(
      scalar.map((s) => s),
      fc.array(scalar, { maxLength: 3 }).map((a) => `[${a.join(', ')}]`),
      fc.dictionary(key, scalar, { maxKeys: 3 }).map(
        (o) =>
          `{${Object.entries(o)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')}}`,
      ),
      fc
        .array(fc.stringMatching(/^[a-z ]{0,12}$/), { minLength: 1, maxLength: 3 })
        .map((lines) => `|\n${lines.map((l) => `    ${l}`).join('\n')}`),
      fc
        .array(fc.stringMatching(/^[a-z ]{0,12}$/), { minLength: 1, maxLength: 3 })
        .map((lines) => `>-\n${lines.map((l) => `    ${l}`).join('\n')}`),
    );
    const doc = fc
      .tuple(fc.dictionary(key, leaf, { minKeys: 1, maxKeys: 5 }), fc.boolean(), fc.boolean(), fc.boolean())
      .map(([entries, comment, anchors, nested]) => {
        const lines: string[] = [];
        if (comment) lines.push('# Source: chart/templates/x.yaml');
        if (anchors) lines.push('base: &base', '  port: 80', '  name: web', 'derived:', '  <<: *base', '  name: api');
        for (const [k, v] of Object.entries(entries)) {
          if (anchors && (k === 'base' || k === 'derived')) continue;
          lines.push(`${k}: ${v}  # note`);
        }
        if (nested) lines.push('spec:', '  items:', '    - a: 1', '      b: [x, y]', '    - c');
        return lines.join('\n');
      });
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean(), (docs, crlf, leading) => {
        let text = (leading ? '---\n' : '') + docs.join('\n---\n') + '\n';
        if (crlf) text = text.replace(/\n/g, '\r\n');
        assertSame('generated.yaml', text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fast path: quoted scalars over several lines', () => {
  it('fold away the spaces at a line end, as YAML does (js-yaml keeps them)', () => {
    const cases = [
      'a: "first  \n  second"\n',
      "a: 'first  \n\n  second'\n",
      '- "x  \n  y"\n',
      'a: !!str "p  \n q"\n',
      'a:  # c \n  "p  \n  q"\n',
      'a: {b: "x  \n  y"}\n',
      '["a  \n b"]\n',
      'kind: ConfigMap\ndata:\n  k: "one  \n    two  \n\n    three"\n',
    ];
    for (const text of cases) {
      for (const t of [text, text.replace(/\n/g, '\r\n')]) {
        assertSame('quoted.yaml', t);
        assert.deepEqual(
          loadFast('quoted.yaml', t).documents[0].value,
          loadText('quoted.yaml', t).documents[0].value,
          JSON.stringify(t),
        );
      }
    }
    // Spaces at a line end outside quoted scalars keep the fast path's value.
    assertSame('plain.yaml', '"k": "v"  \nb: x  \nc: "y"\n');
  });
});

describe('parallel loading and the cache', () => {
  it('give the same files, in the same order, with or without workers and cache', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-fast-'));
    try {
      const files = [];
      for (let i = 0; i < 12; i++) {
        const p = path.join(dir, `f${i}.yaml`);
        writeFileSync(
          p,
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata: {a: "${i}", b: .nan}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {ports: [{port: ${80 + i}}]}\n`,
        );
        files.push({ absPath: p, expanded: true });
      }
      const summary = (r: { files: SourceFile[] }) => r.files.map((f) => [f.path, f.documents.map((d) => d.value)]);
      const plain = summary(await readFiles(files, { cwd: dir, workers: 0 }));
      assert.deepEqual(summary(await readFiles(files, { cwd: dir, workers: 2 })), plain);
      mkdirSync(path.join(dir, 'cache'));
      const cache = ParseCache.open(path.join(dir, 'cache'), 'test');
      assert.deepEqual(summary(await readFiles(files, { cwd: dir, workers: 2, cache })), plain);
      cache.save();
      const warm = ParseCache.open(path.join(dir, 'cache'), 'test');
      assert.deepEqual(summary(await readFiles(files, { cwd: dir, workers: 0, cache: warm })), plain);
      // .nan does not survive JSON: those files are not cached, and read again.
      assert.equal(warm.hits, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
