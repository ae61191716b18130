/**
 * The size of the rooms: no hand-written TypeScript file under src/, rules/, scripts/, bench/ or
 * test/ is longer than 500 lines, and no line under rules/ is longer than 120 characters (rules
 * read like ESLint rules: long messages are built from shorter pieces). Generated files, named
 * `*.generated.ts` (src/model/validators.generated.ts), are left out.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../support/util.js';

const FOLDERS = ['src', 'rules', 'scripts', 'bench', 'test'];
const MAX_LINES = 500;
const MAX_RULE_LINE = 120;

/** Hand-written .ts files under `dir`, relative to the root with `/` separators, in name order. */
function handWritten(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir)).sort()) {
    const rel = `${dir}/${e}`;
    if (e === 'node_modules') continue;
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...handWritten(rel));
    else if (e.endsWith('.ts') && !e.endsWith('.generated.ts')) out.push(rel);
  }
  return out;
}

/** Lines of a text, as `wc -l` counts them when the text ends with a line break. */
function lineCount(text: string): number {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/** `file:line (length)` of every line of `text` longer than `max` characters. */
function longLines(file: string, text: string, max: number): string[] {
  return text
    .split('\n')
    .map((l, i) => (l.replace(/\r$/, '').length > max ? `${file}:${i + 1} (${l.length})` : ''))
    .filter(Boolean);
}

describe('sizes of hand-written files', () => {
  it('the checks count as they should', () => {
    assert.equal(lineCount(''), 0);
    assert.equal(lineCount('a\n'), 1);
    assert.equal(lineCount('a\nb'), 2);
    assert.equal(lineCount('x\n'.repeat(MAX_LINES + 1)), MAX_LINES + 1);
    assert.deepEqual(longLines('r.ts', `ok\n${'x'.repeat(MAX_RULE_LINE)}\n${'y'.repeat(MAX_RULE_LINE + 1)}\n`, 120), [
      'r.ts:3 (121)',
    ]);
  });

  it(`no file under ${FOLDERS.join(', ')} is longer than ${MAX_LINES} lines`, () => {
    const files = FOLDERS.flatMap(handWritten);
    assert.ok(files.length > 100, `only ${files.length} files found`);
    const over = files
      .map((f) => ({ f, n: lineCount(readFileSync(path.join(ROOT, f), 'utf8')) }))
      .filter(({ n }) => n > MAX_LINES)
      .map(({ f, n }) => `${f} (${n} lines)`);
    assert.deepEqual(over, [], `split these by concept:\n${over.join('\n')}`);
  });

  it(`no line under rules/ is longer than ${MAX_RULE_LINE} characters`, () => {
    const files = handWritten('rules');
    assert.ok(files.length > 20, `only ${files.length} rule files found`);
    const long = files.flatMap((f) => longLines(f, readFileSync(path.join(ROOT, f), 'utf8'), MAX_RULE_LINE));
    assert.deepEqual(long, [], `break these lines:\n${long.join('\n')}`);
  });
});
