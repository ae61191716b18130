import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineCounter as YamlLineCounter } from 'yaml';
import { LineCounter, resolveRange } from '../../src/load/source.js';
import { loadText } from '../../src/load/load.js';

const slice = (text: string, path: (string | number)[], key = false) => {
  const file = loadText('t.yaml', text);
  const [start, end] = resolveRange({ doc: file.documents[0], path, key });
  return text.slice(start, end);
};

describe('loader', () => {
  it('reads every document of a stream, skipping empty ones', () => {
    const f = loadText('t.yaml', '---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n');
    assert.deepEqual(
      f.documents.map((d) => d.value),
      [{ a: 1 }, { b: 2 }],
    );
  });

  it('keeps linting the other documents when one is broken', () => {
    const f = loadText('t.yaml', 'a: 1\n---\nb: [1, 2\n---\nc: 3\n');
    assert.deepEqual(
      f.documents.map((d) => d.value),
      [{ a: 1 }, { c: 3 }],
    );
    assert.equal(f.problems.length > 0, true);
    assert.equal(f.position(f.problems[0].range[0]).line >= 3, true);
  });

  it('resolves scalars the way Kubernetes does (YAML 1.1 booleans and octals, no timestamps)', () => {
    const f = loadText('t.yaml', 'a: on\nb: 0755\nc: 2024-01-01\nd: 12:30\ne: "on"\n');
    assert.deepEqual(f.documents[0].value, { a: true, b: 493, c: '2024-01-01', d: '12:30', e: 'on' });
  });

  it('reads JSON with YAML 1.2 rules', () => {
    const f = loadText('t.json', '{"a": "on", "b": 1}');
    assert.deepEqual(f.documents[0].value, { a: 'on', b: 1 });
  });

  it('keeps Helm # Source comments per document', () => {
    const f = loadText('<stdin>', '---\n# Source: c/templates/a.yaml\na: 1\n---\n# Source: c/templates/b.yaml\nb: 1\n');
    assert.deepEqual(
      f.documents.map((d) => d.template),
      ['c/templates/a.yaml', 'c/templates/b.yaml'],
    );
  });

  it('turns excessive alias expansion into a problem, not a crash', () => {
    const lol = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++)
      lol.push(
        `${'b'.repeat(i)}: &${'a'.repeat(i + 1)} [${Array(9)
          .fill(`*${'a'.repeat(i)}`)
          .join(',')}]`,
      );
    const f = loadText('t.yaml', `${lol.join('\n')}\n`);
    assert.equal(f.documents.length, 0);
    assert.match(f.problems[0].message, /alias/i);
  });
});

describe('source ranges', () => {
  const text = `base: &base
  port: 80
  name: web
svc:
  <<: *base
  target: 8080
list:
  - a
  - b: c
`;
  it('points at values and keys', () => {
    assert.equal(slice(text, ['svc', 'target']), '8080');
    assert.equal(slice(text, ['svc', 'target'], true), 'target');
    assert.equal(slice(text, ['list', 1, 'b']), 'c');
  });

  it('follows merge keys to the merged value', () => {
    assert.equal(slice(text, ['svc', 'port']), '80');
  });

  it('falls back to the closest existing ancestor', () => {
    assert.equal(slice(text, ['svc', 'missing', 'deeper']), '<<: *base\n  target: 8080');
  });

  it('gives the same columns for CRLF line endings', () => {
    const lf = 'a:\n  b: 1\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const pos = (t: string) => {
      const f = loadText('t.yaml', t);
      return f.position(resolveRange({ doc: f.documents[0], path: ['a', 'b'] })[0]);
    };
    assert.deepEqual(pos(crlf), pos(lf));
  });
});

describe('LineCounter', () => {
  it("answers as the yaml package's LineCounter does, at every offset", () => {
    for (const text of ['', 'a', '\n', 'a\nbb\n\nccc', 'x\r\ny\n', '\n\n\n']) {
      const ours = new LineCounter();
      const theirs = new YamlLineCounter();
      for (const lc of [ours, theirs]) {
        lc.addNewLine(0);
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
      }
      assert.deepEqual(ours.lineStarts, theirs.lineStarts);
      for (let o = -1; o <= text.length + 1; o++)
        assert.deepEqual(ours.linePos(o), theirs.linePos(o), `${JSON.stringify(text)} at ${o}`);
    }
    // Before any line start (line 0), as the yaml package says.
    assert.deepEqual(new LineCounter().linePos(3), new YamlLineCounter().linePos(3));
  });
});
