/**
 * A read error is named with its code and what it means: EINVAL comes from special files that
 * refuse ordinary reads (a link to /proc/self/pagemap), which otherwise read as a bare code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readErrorMessage } from '../../src/load/read.js';

describe('read errors', () => {
  it('names EINVAL with its meaning', () => {
    const e = Object.assign(new Error('EINVAL: invalid argument, read'), { code: 'EINVAL' });
    assert.equal(readErrorMessage(e), 'EINVAL (invalid argument: a special file that cannot be read as a stream)');
  });
});
