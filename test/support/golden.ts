/**
 * Golden files: an output compared byte for byte with a file kept in the repository. With
 * `UPDATE_GOLDEN=1` in the environment the file is written instead; review its diff by hand before
 * committing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './util.js';

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** `actual` equals the file `abs` (or is written to it under `UPDATE_GOLDEN=1`); `what` names the output. */
export function assertGolden(abs: string, actual: string, what = 'output'): void {
  const rel = path.relative(ROOT, abs);
  if (UPDATE_GOLDEN) {
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(abs, 'utf8');
  } catch {
    assert.fail(`${rel} is missing (UPDATE_GOLDEN=1 writes it; review it by hand before committing)`);
  }
  assert.equal(actual, expected, `${what} differs from ${rel} (UPDATE_GOLDEN=1 regenerates it)`);
}
