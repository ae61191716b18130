/** Quoted strings whose lines are indented less than YAML requires (src/load/flow-indent.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadFast } from '../../src/load/fast.js';
import { padFlowIndent } from '../../src/load/flow-indent.js';
import { loadText } from '../../src/load/load.js';
import { resolveRange } from '../../src/load/source.js';

// The second document's lines go below the column of `rule`; an anchor sends it to the exact reader.
const TEXT = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: a}',
  '---',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: &n b',
  'data:',
  '  items:',
  "    - rule: 'self.all(p1, p1.kind",
  '    == p2.kind',
  '',
  "        ? true : false)'",
  '      other: "x',
  '  y"',
  '  after: *n',
  '',
].join('\n');

/** Whether the `yaml` package rejects a document's text. */
const rejects = (t: string) => parseAllDocuments(t).some((d) => d.errors.length > 0);

describe('quoted strings indented less than YAML requires', () => {
  it('are padded just where a line is short, and every offset maps back to its character', () => {
    assert.ok(
      parseAllDocuments(TEXT).some((d) => d.errors.length > 0),
      'the `yaml` package rejects the text as it is',
    );
    const padding = padFlowIndent(TEXT, rejects);
    assert.ok(padding);
    assert.deepEqual(
      parseAllDocuments(padding.text).flatMap((d) => d.errors.map((e) => e.message)),
      [],
    );
    // Only the short lines got spaces: `== p2.kind` (4 → 7) and `  y"` (2 → 7); not the blank line,
    // nor the line already indented enough.
    assert.equal(padding.text.length, TEXT.length + 3 + 5);
    const inserted = new Set<number>();
    for (let q = 0; q < padding.text.length; q++) {
      const o = padding.map(q);
      if (padding.text[q] === TEXT[o] && (q === 0 || padding.map(q - 1) !== o)) continue;
      // An inserted space maps to the start of its line.
      assert.equal(padding.text[q], ' ');
      assert.ok(o === 0 || TEXT[o - 1] === '\n', `offset ${q} maps to a line start`);
      inserted.add(q);
    }
    assert.equal(inserted.size, 8);
    assert.equal(padding.map(padding.text.length), TEXT.length);
  });

  it('are read as js-yaml and kubectl read them, with exact ranges, on both paths and with CRLF', () => {
    for (const text of [TEXT, TEXT.replace(/\n/g, '\r\n')]) {
      for (const file of [loadText('a.yaml', text), loadFast('a.yaml', text)]) {
        assert.deepEqual(file.problems, []);
        assert.equal(file.documents.length, 2);
        const doc = file.documents[1];
        assert.deepEqual(doc.value, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'b' },
          data: { items: [{ rule: 'self.all(p1, p1.kind == p2.kind\n? true : false)', other: 'x y' }], after: 'b' },
        });
        const [start, end] = resolveRange({ doc, path: ['data', 'after'], key: true });
        assert.equal(text.slice(start, end), 'after');
        const [s2, e2] = resolveRange({ doc, path: ['data', 'items', 0, 'other'] });
        assert.equal(text.slice(s2, e2).replace(/\r/g, ''), '"x\n  y"');
      }
    }
  });

  it('leave text with no short line, or that js-yaml cannot read, to the errors it has', () => {
    assert.equal(padFlowIndent("a:\n  b: 'x\n    y'\n", rejects), undefined);
    assert.equal(padFlowIndent("a: 'x\n", rejects), undefined);
    assert.equal(padFlowIndent('a: b\n', rejects), undefined);
    // A document the `yaml` package reads is left as it is.
    assert.equal(
      padFlowIndent(TEXT, () => false),
      undefined,
    );
    const file = loadText('a.yaml', "a:\n  b: 'x\n  y'\n  c: [\n");
    assert.ok(file.problems.length > 0, 'a real error stays');
  });
});
