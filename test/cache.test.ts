import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ParseCache, contentHash } from '../src/load/cache.js';
import { readFast } from '../src/load/fast.js';

const A = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n';
const B = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: "1"\n';

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
      c1.set(contentHash(A, false), readFast(A, false));
      c1.save();
      const c2 = ParseCache.open(dir, 'v1');
      assert.deepEqual(c2.get(contentHash(A, false)), readFast(A, false));
      assert.equal(c2.get(contentHash(A, true)), undefined, 'the same text read as JSON is another entry');
      assert.equal(ParseCache.open(dir, 'v2').get(contentHash(A, false)), undefined, 'another version starts afresh');
    });
  });

  it('does not rewrite the file when nothing changed, and drops entries of files not seen', () => {
    withDir((dir) => {
      const c1 = ParseCache.open(dir, 'v');
      c1.set(contentHash(A, false), readFast(A, false));
      c1.set(contentHash(B, false), readFast(B, false));
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

  it('ignores damaged entries and a torn last line', () => {
    withDir((dir) => {
      const c1 = ParseCache.open(dir, 'v');
      c1.set(contentHash(A, false), readFast(A, false));
      c1.save();
      appendFileSync(c1.file, `${contentHash(B, false)}\t[{"index":0`);
      const c2 = ParseCache.open(dir, 'v');
      assert.equal(c2.get(contentHash(B, false)), undefined);
      assert.deepEqual(c2.get(contentHash(A, false)), readFast(A, false));
      writeFileSync(c1.file, readFileSync(c1.file, 'utf8').replace('[{', '[{{'));
      const c3 = ParseCache.open(dir, 'v');
      assert.equal(c3.get(contentHash(A, false)), undefined, 'an entry that is not JSON is a miss');
      assert.equal(c3.misses, 1);
    });
  });
});
