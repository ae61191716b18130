/**
 * The exact locator of fast-path documents (src/load/locate.ts) must answer either "not sure"
 * (undefined) or exactly what `resolveRange` answers from the document's `yaml` Document: for
 * every path of every document of every fixture and example, and of generated manifests (nested
 * maps, sequences of maps, `- name: x` items, quoted values, comments, empty values, trailing
 * spaces, CRLF, block scalars, flow collections, multi-line scalars, keys that are not strings,
 * JSON; the generators are in test/support/yaml-gen.ts), for every key and node, and for paths
 * that do not exist (the closest ancestor). It must also answer most of them: that is the point of it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadFast } from '../../src/load/fast.js';
import { ScanMemo, locateInText } from '../../src/load/locate.js';
import { resolveRange } from '../../src/load/source.js';
import type { ManifestDocument, Path } from '../../src/load/source.js';
import { ROOT, manifests } from '../support/util.js';
import { generatedText, manifest, ordinary } from '../support/yaml-gen.js';

/** The range a document reads from its own text (undefined: not sure, or it has no locator). */
const locateLazy = (doc: ManifestDocument, path: Path, key?: boolean) => doc.locate?.(path, key);
/** Every path of a value (bounded depth), and paths that do not exist below and beside them. */
function paths(v: unknown, at: (string | number)[] = [], out: Path[] = [], depth = 0): Path[] {
  out.push(at, [...at, 'no-such-key'], [...at, 99], [...at, 0, 'x']);
  if (depth > 40) return out;
  if (Array.isArray(v)) {
    out.push([...at, 'name'], [...at, v.length]);
    v.forEach((x, i) => paths(x, [...at, i], out, depth + 1));
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out, depth + 1);
  }
  return out;
}

interface Tally {
  pairs: number;
  answered: number;
  documents: number;
}

/** Compare the locator with `resolveRange` on the `yaml` Document for every path of every document. */
function compare(name: string, text: string, tally: Tally): void {
  const file = loadFast(name, text);
  for (const doc of file.documents) {
    tally.documents++;
    const queries: { path: Path; key: boolean; got: [number, number] | undefined }[] = [];
    // The locator first: it only answers while the `yaml` Document is not built.
    for (const p of paths(doc.value))
      for (const key of [false, true]) queries.push({ path: p, key, got: locateLazy(doc, p, key) });
    void (doc as ManifestDocument).yaml;
    for (const q of queries) {
      tally.pairs++;
      if (q.got === undefined) continue;
      tally.answered++;
      const want = resolveRange({ doc, path: q.path, key: q.key });
      if (q.got[0] !== want[0] || q.got[1] !== want[1]) {
        assert.fail(
          `${name} document ${doc.index}: ${JSON.stringify(q.path)}${q.key ? ' (key)' : ''}: locator ${JSON.stringify(q.got)} ${JSON.stringify(text.slice(...q.got))}, ` +
            `yaml ${JSON.stringify(want)} ${JSON.stringify(text.slice(...want))}\n--- text:\n${text}`,
        );
      }
    }
  }
}

const share = (t: Tally) => (t.pairs ? t.answered / t.pairs : 0);
const pct = (t: Tally) =>
  `${(100 * share(t)).toFixed(1)}% of ${t.pairs} (document, path) pairs in ${t.documents} documents`;

describe('exact locator = resolveRange on the yaml Document', () => {
  it('on every document of every fixture and example, answering at least 90% of the paths', () => {
    const all: Tally = { pairs: 0, answered: 0, documents: 0 };
    let files = 0;
    for (const dir of ['test-fixtures', 'examples']) {
      for (const f of manifests(path.join(ROOT, dir))) {
        compare(path.relative(ROOT, f), readFileSync(f, 'utf8'), all);
        files++;
      }
    }
    assert.ok(files > 300, `only ${files} files compared`);
    console.log(`# exact locator coverage on fixtures and examples: ${pct(all)} (${files} files)`);
    assert.ok(share(all) >= 0.9, `the locator answers only ${pct(all)}`);
  });

  it('on generated manifests', () => {
    const all: Tally = { pairs: 0, answered: 0, documents: 0 };
    fc.assert(
      fc.property(
        fc.array(fc.oneof(manifest, ordinary), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.nat(2),
        (docs, crlf, leading) => {
          compare('generated.yaml', generatedText(docs, crlf, leading), all);
        },
      ),
      { numRuns: 600 },
    );
    console.log(`# exact locator coverage on generated manifests: ${pct(all)}`);
    assert.ok(all.answered > 1000, `only ${all.answered} answers compared`);
  });

  it('on generated JSON documents', () => {
    const all: Tally = { pairs: 0, answered: 0, documents: 0 };
    const value = fc.oneof(
      fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 5 }),
      fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        value,
        fc.constantFrom(0, 1, 2, 4),
        fc.nat(3),
        fc.boolean(),
        fc.boolean(),
        (v, indent, spacing, crlf, asYaml) => {
          let text = JSON.stringify(v, null, indent);
          if (spacing === 1) text = text.replace(/,/g, ' , ').replace(/:/g, ' : ');
          if (spacing === 2) text = `\n  ${text}  \n\n`;
          if (crlf) text = text.replace(/\n/g, '\r\n');
          compare(asYaml ? 'generated.yaml' : 'generated.json', text, all);
        },
      ),
      { numRuns: 600 },
    );
    console.log(`# exact locator coverage on generated JSON documents: ${pct(all)}`);
    assert.ok(all.answered > 1000, `only ${all.answered} answers compared`);
  });

  it('on the generated documents of the fast-path test (anchors, merge keys, block scalars, flow collections, comments, CRLF)', () => {
    const all: Tally = { pairs: 0, answered: 0, documents: 0 };
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
      ),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
    );
    const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/);
    const value = fc.oneof(
      scalar,
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
      .tuple(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), fc.boolean(), fc.boolean(), fc.boolean())
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
      fc.property(fc.array(doc, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.nat(2), (docs, crlf, leading) => {
        compare('generated.yaml', generatedText(docs, crlf, leading), all);
      }),
      { numRuns: 300 },
    );
    console.log(`# exact locator coverage on the fast-path test's documents: ${pct(all)}`);
  });

  it('answers for fast-path documents until their yaml Document is built, not for documents with anchors', () => {
    const json = loadFast('x.json', '{"a": {"b": 1}}\n');
    assert.deepEqual(locateLazy(json.documents[0], ['a', 'b']), [12, 13]);
    assert.deepEqual(locateLazy(json.documents[0], ['a', 'b'], true), [7, 10]);
    const anchors = loadFast('x.yaml', 'a: &x {b: 1}\nc: *x\n');
    assert.equal(locateLazy(anchors.documents[0], ['a']), undefined);
    const plain = loadFast('x.yaml', 'a:\n  b: 1  # c\n');
    assert.deepEqual(locateLazy(plain.documents[0], ['a', 'b']), [8, 9]);
    assert.deepEqual(locateLazy(plain.documents[0], ['a', 'b'], true), [5, 6]);
    assert.deepEqual(locateLazy(plain.documents[0], ['a', 'zz']), [5, 9]);
    // A copy of a document is not the one registered (and copying builds its yaml Document).
    assert.equal(locateLazy({ ...plain.documents[0] }, ['a', 'b']), undefined);
    void plain.documents[0].yaml;
    assert.equal(locateLazy(plain.documents[0], ['a', 'b']), undefined);
    assert.deepEqual(resolveRange({ doc: plain.documents[0], path: ['a', 'b'] }), [8, 9]);
  });

  it('checks what it read against the value js-yaml read', () => {
    const text = 'a:\n  b: x y\nc: [1, 2]\nd: |\n  text\n';
    const value = { a: { b: 'x y' }, c: [1, 2], d: 'text\n' };
    assert.deepEqual(locateInText(text, 0, text.length, value, ['a', 'b']), [8, 11]);
    assert.deepEqual(locateInText(text, 0, text.length, value, ['d']), [text.indexOf('|'), text.length]);
    for (const other of [
      { ...value, a: { b: 'x' } },
      { ...value, c: [1] },
      { ...value, e: 1 },
      { ...value, d: 1 },
      [value],
    ]) {
      assert.equal(locateInText(text, 0, text.length, other, ['a', 'b']), undefined);
    }
  });
});

describe('exact locator: work per document', () => {
  it('scans a document at most twice, however often findings alternate between documents', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n';
    const memo = new ScanMemo();
    const file = loadFast('alternate.yaml', text, undefined, memo);
    const [a, b] = file.documents;
    for (let i = 0; i < 200; i++) {
      assert.ok(locateLazy(a, ['metadata', 'name']));
      assert.ok(locateLazy(b, ['kind'], true));
    }
    assert.ok(memo.scans > 0 && memo.scans <= 4, `${memo.scans} scans for 2 documents`);
    assert.deepEqual(resolveRange({ doc: a, path: ['metadata', 'name'] }), [
      text.indexOf('a\n'),
      text.indexOf('a\n') + 1,
    ]);
  });
});
