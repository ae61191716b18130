import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ParseCache, contentHash } from '../../src/load/cache.js';
import { readFast } from '../../src/load/fast.js';
import { textProblems } from '../../src/load/source.js';
import type { CacheEntry } from '../../src/load/cache.js';

const A = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n';
const B = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: "1"\n';

const entry = (text: string): CacheEntry => ({ chunks: readFast(text, false), problems: textProblems(text, false) });

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-cache-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('parse cache', () => {
  it('gives back what was stored, by content hash, and only for the same version', () => {
    withDir((dir) => {
      const c1 = ParseCache.open(dir, 'v1');
      assert.equal(c1.get(contentHash(A, false)), undefined);
      c1.set(contentHash(A, false), entry(A));
      c1.save();
      const c2 = ParseCache.open(dir, 'v1');
      assert.deepEqual(c2.get(contentHash(A, false)), entry(A));
      assert.equal(c2.get(contentHash(A, true)), undefined, 'the same text read as JSON is another entry');
      assert.equal(ParseCache.open(dir, 'v2').get(contentHash(A, false)), undefined, 'another version starts afresh');
    });
  });

  it('does not rewrite the file when nothing changed, and drops entries of files not seen', () => {
    withDir((dir) => {
      const c1 = ParseCache.open(dir, 'v');
      c1.set(contentHash(A, false), entry(A));
      c1.set(contentHash(B, false), entry(B));
      c1.save();
      const before = statSync(c1.file).mtimeMs;
      const text = readFileSync(c1.file, 'utf8');
      const c2 = ParseCache.open(dir, 'v');
      assert.ok(c2.get(contentHash(A, false)));
      assert.ok(c2.get(contentHash(B, false)));
      // Make a rewrite visible even within the file system's time resolution.
      writeFileSync(c1.file, text);
      const touched = statSync(c1.file).mtimeMs;
      c2.save();
      assert.equal(statSync(c1.file).mtimeMs, touched, 'an unchanged run leaves the file alone');
      assert.ok(touched >= before);
      const c3 = ParseCache.open(dir, 'v');
      assert.ok(c3.get(contentHash(A, false)));
      c3.save();
      const c4 = ParseCache.open(dir, 'v');
      assert.ok(c4.get(contentHash(A, false)));
      assert.equal(c4.get(contentHash(B, false)), undefined, 'B was not seen by the third run');
    });
  });

  it('keeps the problems of a text with its documents', () => {
    withDir((dir) => {
      const C = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: "a\u0007b"\n';
      const c1 = ParseCache.open(dir, 'v');
      assert.equal(entry(C).problems.length, 1, 'a raw control character is a problem of the text');
      c1.set(contentHash(C, false), entry(C));
      c1.set(contentHash(A, false), entry(A));
      c1.save();
      const c2 = ParseCache.open(dir, 'v');
      assert.deepEqual(c2.get(contentHash(C, false)), entry(C));
      assert.deepEqual(c2.get(contentHash(A, false))?.problems, []);
    });
  });

  it('ignores damaged entries and a torn last line', () => {
    withDir((dir) => {
      const c1 = ParseCache.open(dir, 'v');
      c1.set(contentHash(A, false), entry(A));
      c1.save();
      appendFileSync(c1.file, `${contentHash(B, false)}\t[{"index":0`);
      const c2 = ParseCache.open(dir, 'v');
      assert.equal(c2.get(contentHash(B, false)), undefined);
      assert.deepEqual(c2.get(contentHash(A, false)), entry(A));
      writeFileSync(c1.file, readFileSync(c1.file, 'utf8').replace('[{', '[{{'));
      const c3 = ParseCache.open(dir, 'v');
      assert.equal(c3.get(contentHash(A, false)), undefined, 'an entry that is not JSON is a miss');
      assert.equal(c3.misses, 1);
    });
  });
});
