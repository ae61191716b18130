/** The language server's document-by-document re-parse gives what a full parse gives. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isPair, isSeq } from 'yaml';
import { SourceFile, parseSource } from '../../src/load/source.js';
import { MOVE_DOCS, SCAN_CHARS, parseInPieces, reparse, reparseInSteps } from '../../src/lsp/incremental.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOCS = [
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: "front"}
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels: &labels
        app: web
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet: {path: /ready, port: http}
`,
  `# Source: chart/templates/svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: web   # trailing comment
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: http
`,
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: conf
data:
  script: |
    #!/bin/sh
    echo "--- not a marker inside the scalar"
  folded: >-
    one
    two
  quoted: 'it''s'
`,
  `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec: {ports: [{port: 1}]}
`,
  `# just a comment document
`,
  `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`,
];

const SNIPPETS = [
  '---\n',
  '\n',
  ' ',
  'x',
  ': ',
  '- ',
  '#',
  '"',
  '{',
  '}',
  '[',
  ']',
  '|\n  ',
  'port: 80\n',
  '\n---\n',
  '...\n',
  '%YAML 1.1\n',
  '\t',
  '\r\n',
  'a: b\n',
  '  ',
  '*labels',
  '---',
  '\n---',
  'é😀',
];

function full(text: string): SourceFile {
  return parseSource(new SourceFile('f.yaml', text, '/tmp/f.yaml'), {});
}

function ranges(node: unknown, out: unknown[] = []): unknown[] {
  if (!node || typeof node !== 'object') return out;
  if (isPair(node)) {
    ranges(node.key, out);
    ranges(node.value, out);
    return out;
  }
  out.push((node as { range?: number[] }).range);
  if (isMap(node) || isSeq(node)) for (const item of node.items) ranges(item, out);
  return out;
}

function assertSame(inc: SourceFile, ref: SourceFile, step: string): void {
  assert.equal(inc.text, ref.text);
  // A field parseSource starts to fill (on the file or a document) must be carried over here too.
  assert.deepEqual(Object.keys(inc).sort(), Object.keys(ref).sort(), `${step}: SourceFile fields`);
  if (ref.documents[0])
    assert.deepEqual(
      Object.keys(inc.documents[0]).sort(),
      Object.keys(ref.documents[0]).sort(),
      `${step}: document fields`,
    );
  assert.deepEqual(ref.problems, [], `${step}: the full parse has problems, the incremental one none`);
  assert.deepEqual(inc.lineCounter.lineStarts, ref.lineCounter.lineStarts, `${step}: line starts`);
  assert.equal(inc.documents.length, ref.documents.length, `${step}: documents`);
  inc.documents.forEach((d, i) => {
    const r = ref.documents[i];
    assert.equal(d.file, inc);
    assert.equal(d.index, r.index, `${step}: index of document ${i}`);
    assert.equal(d.template, r.template, `${step}: template of document ${i}`);
    assert.deepEqual(d.value, r.value, `${step}: value of document ${i}`);
    assert.deepEqual(d.yaml.range, r.yaml.range, `${step}: range of document ${i}`);
    assert.deepEqual(ranges(d.yaml.contents), ranges(r.yaml.contents), `${step}: node ranges of document ${i}`);
  });
}

describe('lsp incremental re-parse', () => {
  it('equals a full parse over random edits of a multi-document file', () => {
    const random = rng(7);
    let used = 0;
    let steps = 0;
    for (let round = 0; round < 4; round++) {
      let text = Array.from({ length: 12 }, (_, i) => DOCS[(i * 5 + round) % DOCS.length]).join('---\n');
      if (round % 2) text = `---\n${text}`;
      let cur = full(text);
      for (let step = 0; step < 200; step++) {
        const at = Math.floor(random() * (text.length + 1));
        const del = random() < 0.5 ? Math.floor(random() * 12) : 0;
        const ins = random() < 0.8 ? SNIPPETS[Math.floor(random() * SNIPPETS.length)] : '';
        const next = text.slice(0, at) + ins + text.slice(Math.min(text.length, at + del));
        const what = `round ${round} step ${step} (insert ${JSON.stringify(ins)} at ${at}, delete ${del})`;
        const ref = full(next);
        steps++;
        const inc = reparse(cur, next);
        if (ref.problems.length) {
          // Broken text is never re-parsed by parts (and `cur` is left as it was); the edit is undone.
          assert.equal(inc, undefined, what);
          continue;
        }
        if (inc) {
          used++;
          assertSame(inc, ref, what);
          cur = inc;
        } else {
          // Declined (a directive, a `...`): keep such an edit only now and then.
          if (random() < 0.9) continue;
          cur = ref;
        }
        text = next;
      }
    }
    assert.ok(used > steps / 3, `incremental re-parse used in ${used} of ${steps} edits`);
  });

  it('declines what it cannot do document by document', () => {
    const text = `${DOCS[0]}---\n${DOCS[1]}`;
    assert.equal(reparse(full(text), `%YAML 1.1\n---\n${text}`), undefined, 'directives');
    assert.equal(reparse(full(text), text.replace('---\n', '...\n---\n')), undefined, 'document end marker');
    assert.equal(reparse(full(text), text.replace('kind: Service', 'kind: [Service')), undefined, 'a parse error');
    assert.equal(reparse(full(`${text}a: [\n`), text), undefined, 'the old text had a parse error');
    const edited = reparse(full(text), text.replace('name: web   #', 'name: api   #'));
    assert.ok(edited);
    assert.equal((edited.documents[1].value as { metadata: { name: string } }).metadata.name, 'api');
  });

  it('parses a text in pieces as a full parse does, pausing between pieces, or declines', async () => {
    const random = rng(11);
    let pieces = 0;
    let declined = 0;
    for (let round = 0; round < 60; round++) {
      const n = 1 + Math.floor(random() * 20);
      let text = Array.from({ length: n }, () => DOCS[Math.floor(random() * DOCS.length)]).join(
        random() < 0.8 ? '---\n' : '---\n\n',
      );
      if (round % 3 === 0) text = `---\n${text}`;
      if (round % 7 === 0) text = text.replace('kind: Service', 'kind: [Service');
      if (round % 11 === 0) text = `%YAML 1.1\n---\n${text}`;
      const ref = full(text);
      let pauses = 0;
      const got = await parseInPieces(
        'f.yaml',
        text,
        '/tmp/f.yaml',
        async () => (pauses++, false),
        1 + Math.floor(random() * 400),
      );
      if (got === undefined) {
        declined++;
        assert.ok(
          ref.problems.length > 0 || /^%/m.test(text),
          `round ${round}: declined a text a full parse reads without problems`,
        );
        continue;
      }
      assert.ok(got, `round ${round}`);
      assertSame(got, ref, `round ${round}`);
      pieces += pauses;
    }
    assert.ok(declined > 0 && pieces > 60, `${declined} declined, ${pieces} pieces`);
  });

  it('stops when asked between pieces', async () => {
    const text = Array.from({ length: 40 }, (_, i) => DOCS[i % DOCS.length]).join('---\n');
    let pauses = 0;
    const got = await parseInPieces('f.yaml', text, undefined, async () => ++pauses === 3, 100);
    assert.equal(got, null);
    assert.equal(pauses, 3);
  });

  it('re-parses an edit near the top of a big file in steps of at most MOVE_DOCS documents, stopping only before it changes the old file', async () => {
    const n = 5 * MOVE_DOCS;
    const text = Array.from(
      { length: n },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\ndata:\n  k: v${i}\n`,
    ).join('---\n');
    const edited = text.replace('name: cm-1}', 'name: cm-1x}');
    const ref = full(edited);
    // Every document after the edit is moved: at least one pause per MOVE_DOCS of them.
    let pauses = 0;
    const got = await reparseInSteps(full(text), edited, async () => (pauses++, false));
    assert.ok(got, 'an edit of one document is re-parsed by parts');
    assertSame(got, ref, 'in steps');
    assert.ok(pauses >= n / MOVE_DOCS + 2, `${pauses} pauses for ${n} documents`);
    // Stopped before the documents move: the old file is left as it was.
    const prev = full(text);
    assert.equal(await reparseInSteps(prev, edited, async () => true), null);
    assertSame(prev, full(text), 'the old file after a stop');
    // Asked to stop while the documents move: it finishes (the old file is half moved by then).
    let k = 0;
    const late = await reparseInSteps(full(text), edited, async () => ++k >= pauses - 1);
    assert.ok(late, 'not stopped once the old file changes');
    assertSame(late, ref, 'asked to stop late');
  });

  it('checks the whole text of a big file in steps of at most SCAN_CHARS characters before parsing it', async () => {
    // Few lines, long values: cheap to parse, long to scan.
    const long = 'x'.repeat(100_000);
    const docs = Math.ceil((2.5 * SCAN_CHARS) / long.length);
    const text = Array.from(
      { length: docs },
      (_, i) => `kind: ConfigMap\nmetadata: {name: c${i}}\ndata: {k: ${long}}\n`,
    ).join('---\n');
    // One piece for the parse: the other pauses are the whole-text checks (markers, structure, characters).
    let pauses = 0;
    const got = await parseInPieces('f.yaml', text, undefined, async () => (pauses++, false), text.length + 1);
    assert.ok(got);
    assertSame(got, full(text), 'checked in steps');
    assert.ok(pauses >= 3 * Math.floor(text.length / SCAN_CHARS), `${pauses} pauses for ${text.length} characters`);
    // A control character anywhere, a lone CR or a directive at a step boundary: declined as before.
    for (const [what, bad] of [
      ['control character', `${text.slice(0, SCAN_CHARS)}\u001b${text.slice(SCAN_CHARS)}`],
      ['lone surrogate', `${text.slice(0, 2 * SCAN_CHARS - 1)}\ud800${text.slice(2 * SCAN_CHARS - 1)}`],
      ['lone CR', `${text.slice(0, -1)}\r`],
    ]) {
      assert.equal(await parseInPieces('f.yaml', bad, undefined, async () => false), undefined, what);
      assert.equal(reparse(got, bad), undefined, `${what}: the re-parse declines too`);
    }
  });
});
