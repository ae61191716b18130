import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UNUSED_DIRECTIVE, lint } from '../../src/engine/runner.js';
import { defineRule } from '../../src/engine/types.js';
import type { Rule } from '../../src/engine/types.js';
import { loadFast } from '../../src/load/fast.js';
import { ScanMemo } from '../../src/load/locate.js';
import { loadText } from '../../src/load/load.js';
import { resolveRange } from '../../src/load/source.js';
import type { SourceFile } from '../../src/load/source.js';

const SETTINGS = { defaultNamespace: 'default', nodePortRange: [30000, 32767] as [number, number] };

const configMap = (name: string) => `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  labels: {app: ${name}}
data:
  key: value-of-${name}
`;

/** A file of `n` ConfigMaps read by the fast path, its documents scanned through `memo`. */
function fastFile(path: string, n: number, memo: ScanMemo): SourceFile {
  const text = Array.from({ length: n }, (_, i) => configMap(`cm-${path}-${i}`)).join('');
  return loadFast(path, text, undefined, memo);
}

/** Reports on every object, with a related location in the object before it (in turn, across documents). */
const interleaved: Rule = defineRule({ id: 'interleaved', severity: 'warning', description: 'test' }, (ctx) => {
  const all = ctx.model.resources;
  for (const [i, r] of all.entries()) {
    const prev = all[(i + all.length - 1) % all.length];
    ctx.report({
      at: r.at('data', 'key'),
      object: r,
      message: `about ${r.name}`,
      related: [
        { at: prev.at('metadata', 'labels'), message: `before it: ${prev.name}` },
        { at: prev.at('metadata', 'name'), message: 'its name' },
      ],
      suggestions: [{ title: 'rename', at: r.at('metadata', 'name'), replacement: 'x' }],
    });
  }
});

describe('locating findings after the rules ran', () => {
  it('scans each document once, and gives the ranges the locations have one by one', () => {
    const memo = new ScanMemo();
    const files = [fastFile('a.yaml', 5, memo), fastFile('b.yaml', 4, memo)];
    const docs = files.reduce((n, f) => n + f.documents.length, 0);
    const result = lint(files, { rules: [interleaved], settings: SETTINGS });
    assert.equal(result.findings.length, docs);
    assert.equal(memo.scans, docs);

    // The same locations, each resolved on its own from fresh copies of the files (no scan shared).
    const fresh = new Map(files.map((f) => [f.path, loadText(f.path, f.text)]));
    const rangeOf = (path: string, name: string, p: (string | number)[]) => {
      const doc = fresh
        .get(path)!
        .documents.find((d) => (d.value as { metadata: { name: string } }).metadata.name === name)!;
      return resolveRange({ doc, path: p });
    };
    for (const f of result.findings) {
      const name = f.object!.name;
      assert.deepEqual(f.range, rangeOf(f.file.path, name, ['data', 'key']));
      assert.equal(f.file.text.slice(...f.range), `value-of-${name}`);
      const prev = f.related[0].message.slice('before it: '.length);
      assert.deepEqual(f.related[0].range, rangeOf(f.related[0].file.path, prev, ['metadata', 'labels']));
      assert.deepEqual(f.related[1].range, rangeOf(f.related[1].file.path, prev, ['metadata', 'name']));
      assert.equal(f.related[1].file.text.slice(...f.related[1].range), prev);
      assert.equal(f.suggestions[0].file.text.slice(...f.suggestions[0].range), name);
    }
  });

  it('makes a location that cannot be found its rule’s internal error, keeping the findings before it', () => {
    const file = loadText('a.yaml', configMap('one') + configMap('two') + configMap('three'));
    const broken = new Error('no range');
    const failing = defineRule({ id: 'failing', severity: 'warning', description: 'test' }, (ctx) => {
      const [one, two, three] = ctx.model.resources;
      ctx.report({ at: one.at('data'), object: one, message: 'first' });
      const doc = {
        ...two.doc,
        locate: () => {
          throw broken;
        },
      };
      ctx.report({ at: { doc, path: ['data'] }, object: two, message: 'second' });
      ctx.report({ at: three.at('data'), object: three, message: 'third' });
    });
    const result = lint([file], { rules: [interleaved, failing], settings: SETTINGS });
    assert.deepEqual(
      result.internalErrors.map((e) => [e.ruleId, e.error]),
      [['failing', broken]],
    );
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId === 'failing').map((f) => f.message),
      ['first'],
    );
    assert.equal(result.findings.filter((f) => f.ruleId === 'interleaved').length, 3);
  });

  it('numbers findings that share a fingerprint across the reported and the suppressed ones, in order', () => {
    const two = configMap('two').replace('  name: two', '  # kube-netlint-disable-next-line twice\n  name: two');
    const text = configMap('one') + two;
    const file = loadText('a.yaml', text);
    const twice = defineRule({ id: 'twice', severity: 'warning', description: 'test' }, (ctx) => {
      for (const r of ctx.model.resources) {
        // Two findings on one node: one fingerprint, told apart by their messages.
        ctx.report({ at: r.at('metadata', 'name'), object: r, message: `${r.name}: a` });
        ctx.report({ at: r.at('metadata', 'name'), object: r, message: `${r.name}: b` });
      }
    });
    const result = lint([file], { rules: [twice], settings: SETTINGS, reportUnusedDisableDirectives: true });
    const prints = [...result.findings, ...result.suppressed].map((f) => [f.message, f.fingerprint]);
    const base = (m: string) => prints.find(([msg]) => msg === m)![1];
    assert.match(base('one: a'), /^[0-9a-f]{32}$/);
    assert.equal(base('one: b'), `${base('one: a')}:1`);
    // The name of `two` is on the line after the comment: both of its findings are suppressed, and numbered too.
    assert.deepEqual(
      result.suppressed.map((f) => f.message),
      ['two: a', 'two: b'],
    );
    assert.equal(base('two: b'), `${base('two: a')}:1`);
    assert.notEqual(base('two: a').slice(0, 32), base('one: a').slice(0, 32));
    assert.equal(result.findings.filter((f) => f.ruleId === UNUSED_DIRECTIVE).length, 0);
  });
});
