/**
 * The exact locator of fast-path documents (src/load/locate.ts) must answer either "not sure"
 * (undefined) or exactly what `resolveRange` answers from the document's `yaml` Document: for
 * every path of every document of every fixture and example, and of generated manifests (nested
 * maps, sequences of maps, `- name: x` items, quoted values, comments, empty values, trailing
 * spaces, CRLF, block scalars, flow collections, multi-line scalars, keys that are not strings,
 * JSON), for every key and node, and for paths that do not exist (the closest ancestor). It must
 * also answer most of them: that is the point of it.
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

/** The range a document reads from its own text (undefined: not sure, or it has no locator). */
const locateLazy = (doc: ManifestDocument, path: Path, key?: boolean) => doc.locate?.(path, key);

import { ROOT, manifests } from '../support/util.js';

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

// ---- Generated manifests ------------------------------------------------------------------------

type Leaf = { leaf: string } | { block: string[]; header: string } | { multi: readonly string[] };
type Tree = Leaf | { map: [string, Tree][] } | { seq: Tree[] };

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/);
const scalarToken = fc.oneof(
  { weight: 6, arbitrary: word },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'hello world',
      'a#b',
      'http://svc.ns.svc.cluster.local:80/p',
      '-v',
      '--port=8080',
      ':x',
      '?x',
      'x?',
      'x:',
      'a[0]',
      '{{ .Values.x }}x',
      '80',
      '0755',
      '1e3',
      '.5',
      'yes',
      'off',
      '~',
      'null',
      '""',
      "''",
      '"quoted value"',
      '"a \\"b\\" c"',
      '"a # b"',
      '"a: b"',
      "'it''s'",
      "'# x'",
      '{}',
      '[]',
      '[ ]',
      '[a, b]',
      '{a: 1, b: [x, y]}',
      '[{a: 1}]',
      '!!str 80',
      '"unterminated',
      '12:30',
      '2024-01-01',
      'café ☕',
      'a  b',
    ),
  },
);
const keyToken = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'app.kubernetes.io/name',
      '"quoted key"',
      "'single'",
      '"esc\\tkey"',
      '80',
      '8080',
      '0',
      '01',
      'yes',
      'on',
      '1.5',
      'key  ',
      "'it''s'",
      '"a: b"',
      '<<',
      '-x',
      'a[b]',
      '~',
      'a"b',
      "a'b",
      'a#b',
      'a b',
      'a:b',
    ),
  },
);
const leaf: fc.Arbitrary<Tree> = fc.oneof(
  { weight: 12, arbitrary: scalarToken.map((s) => ({ leaf: s })) },
  { weight: 2, arbitrary: fc.constant({ leaf: '' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('|', '|-', '>', '>-', '|+', '|2', '| # c', '>-  # c+1', '|-2'),
        fc.array(fc.stringMatching(/^[a-z #:-]{0,10}$/), { minLength: 1, maxLength: 3 }),
      )
      .map(([header, block]) => ({ header, block })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        ['first', 'second'],
        ['first', '"quoted" rest'],
        ['first', "'single' rest"],
        ['first', '[x] y'],
        ['first', '{x}'],
        ['first', '!x', '&y', '*z'],
        ['first', '|x', '>y'],
        ['first', '%x @y `z'],
        ['first', '- x'],
        ['first', '-x', '?y', ':z'],
        ['first', '', 'third'],
        ['first  ', 'second  ', '', '', 'fourth  '],
        ['first', '# comment'],
        ['first', 'x: y'],
        ['first # c', 'more'],
        ['first', 'more # c'],
        ['"first', 'second"'],
        ['"first  ', '', '  second  "'],
        ['"first', '"'],
        ['"a\\', 'b"'],
        ["'first", '', "second ''x'' '"],
        ["'first", "'  # c"],
        ['[a,', 'b]'],
        ['[a,', 'b,', ']'],
        ['{a: 1,', 'b: [x, y], }'],
        ['{"a": 1,', '"b": "c"}  # c'],
        ['[a, # c', 'b]'],
      )
      .map((multi) => ({ multi })),
  },
);
const { tree } = fc.letrec<{ tree: Tree; map: Tree; seq: Tree }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('map'), tie('seq')),
  map: fc
    .uniqueArray(fc.tuple(keyToken, tie('tree')), {
      minLength: 1,
      maxLength: 4,
      selector: ([k]) => k.replace(/["' ]/g, ''),
    })
    .map((entries) => ({ map: entries })),
  seq: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((items) => ({ seq: items })),
}));

interface Style {
  step: number;
  /** Per-entry choices, read in turn. */
  bits: number[];
  at: number;
}
const pick = (s: Style, n: number) => s.bits[s.at++ % s.bits.length] % n;
const sp = (n: number) => ' '.repeat(n);

/** Text after `key:` or `-` for a leaf, and the lines after it. */
function leafLines(l: Leaf, indent: number, s: Style): [string, string[]] {
  if ('block' in l) {
    const lines = l.block.map((x) => (x.trim() ? `${sp(indent + s.step)}${x}` : ''));
    // A comment less indented than the content ends it.
    if (pick(s, 3) === 0) lines.push(`${sp(indent + 1)}# less indented`);
    return [` ${l.header}`, lines];
  }
  if ('multi' in l) return [` ${l.multi[0]}`, l.multi.slice(1).map((x) => `${sp(indent + s.step)}${x}`)];
  // The value on the next line.
  if (l.leaf !== '' && pick(s, 6) === 0) return ['', [`${sp(indent + s.step)}${l.leaf}`]];
  const tail = ['', '', '  # note', '   ', ' #c'][pick(s, 5)];
  return [l.leaf === '' ? tail : ` ${l.leaf}${tail}`, []];
}

function commentLines(indent: number, s: Style): string[] {
  switch (pick(s, 8)) {
    case 0:
      return [`${sp(indent)}# comment`];
    case 1:
      return [''];
    case 2:
      return [`${sp(Math.max(0, indent - 2))}# less indented comment`];
    case 3:
      return ['  '];
    default:
      return [];
  }
}

function renderMap(entries: [string, Tree][], indent: number, s: Style): string[] {
  const out: string[] = [];
  for (const [k, v] of entries) {
    if (out.length) out.push(...commentLines(indent, s));
    const head = `${sp(indent)}${k}:`;
    if ('map' in v) {
      out.push(head + (pick(s, 4) === 0 ? '  # about' : ''), ...renderMap(v.map, indent + s.step, s));
    } else if ('seq' in v) {
      out.push(head, ...renderSeq(v.seq, pick(s, 2) === 0 ? indent : indent + s.step, s));
    } else {
      const [rest, more] = leafLines(v, indent, s);
      out.push(head + rest, ...more);
    }
  }
  return out;
}

/** Put `- ` in front of a block rendered at indent + 2 (a compact entry). */
function compact(lines: string[], indent: number): string[] {
  return [`${sp(indent)}- ${lines[0].slice(indent + 2)}`, ...lines.slice(1)];
}

function renderSeq(items: Tree[], indent: number, s: Style): string[] {
  const out: string[] = [];
  for (const v of items) {
    if (out.length) out.push(...commentLines(indent, s));
    if ('map' in v) {
      out.push(
        ...(pick(s, 3) === 0
          ? [`${sp(indent)}-`, ...renderMap(v.map, indent + 2, s)]
          : compact(renderMap(v.map, indent + 2, s), indent)),
      );
    } else if ('seq' in v) {
      out.push(
        ...(pick(s, 3) === 0
          ? [`${sp(indent)}-`, ...renderSeq(v.seq, indent + 2, s)]
          : compact(renderSeq(v.seq, indent + 2, s), indent)),
      );
    } else {
      const [rest, more] = leafLines(v, indent, s);
      out.push(`${sp(indent)}-${rest}`, ...more);
    }
  }
  return out;
}

const manifest = fc
  .tuple(
    fc.uniqueArray(fc.tuple(keyToken, tree), {
      minLength: 1,
      maxLength: 5,
      selector: ([k]) => k.replace(/["' ]/g, ''),
    }),
    fc.constantFrom(2, 2, 4, 3),
    fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
    fc.constantFrom('', '# Source: chart/templates/x.yaml\n', '\n# leading comment\n\n'),
    fc.boolean(),
  )
  .map(([entries, step, bits, head, asSeq]) => {
    const s: Style = { step, bits, at: 0 };
    const body =
      asSeq && pick(s, 4) === 0
        ? renderSeq(
            entries.map(([, v]) => v),
            0,
            s,
          )
        : renderMap(entries, 0, s);
    return head + body.join('\n');
  });

/** Ordinary manifests, as tools and people write them. */
const ordinary = fc
  .tuple(
    word,
    word,
    fc.array(fc.tuple(word, fc.integer({ min: 1, max: 65535 })), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([name, ns, ports, quoted, commented]) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${quoted ? `"${name}"` : name}`,
      `  namespace: ${ns}${commented ? '  # the team namespace' : ''}`,
      '  labels:',
      `    app.kubernetes.io/name: ${name}`,
      '  annotations:',
      'spec:',
      '  selector:',
      '    matchLabels:',
      `      app.kubernetes.io/name: ${name}`,
      '  template:',
      '    spec:',
      '      containers:',
      `      - name: ${name}`,
      `        image: "registry.example.com/${name}:1.0"`,
      '        args: ["--verbose"]',
      '        command:',
      '          [',
      '            "sh",',
      `            "-c", ${quoted ? "'x'" : 'x'},`,
      '          ]',
      '        workingDir:',
      `          ${quoted ? '"/srv"' : '/srv'}`,
      '        ports:',
      ...ports.flatMap(([n, p]) => [`        - name: ${n}`, `          containerPort: ${p}`]),
      '        env:',
      '          - name: A',
      "            value: 'x'",
      '          - name: B',
      '            value:',
      '---',
      '# Source: chart/templates/svc.yaml',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: x}',
      'spec:',
      '  ports:',
      ...ports.map(([n, p]) => `    - {name: ${n}, port: ${p}}`),
      '  selector:',
      `    app.kubernetes.io/name: ${name}   `,
    ].join('\n'),
  );

function generatedText(docs: string[], crlf: boolean, leading: number): string {
  let text = ['', '---\n', '--- # first\n'][leading] + docs.join('\n---\n') + '\n';
  if (crlf) text = text.replace(/\n/g, '\r\n');
  return text;
}

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
