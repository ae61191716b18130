/**
 * The fast path's one pass over a text's lines (src/load/cut.ts) answers what a search of each
 * document's own text answers: its documents, and whether each may nest deeper than a limit
 * (compared on generated texts with the searches written out here, line by line).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cutDocuments, mayBeDeep, mayNestDeeper } from '../../src/load/cut.js';

/** The documents' starts, cutting at every `---` line (the text before the first: see cutDocuments). */
function starts(text: string): number[] {
  const markers: number[] = [];
  for (let pos = 0; pos < text.length;) {
    const nl = text.indexOf('\n', pos);
    const line = text.slice(pos, nl < 0 ? text.length : nl);
    if (/^---(?=[ \t]|\r?$)/.test(line)) markers.push(pos);
    if (nl < 0) break;
    pos = nl + 1;
  }
  if (markers.length === 0) return /\S/.test(text) ? [0] : [];
  return /^(?!\s*#)\s*\S/m.test(text.slice(0, markers[0])) ? [0, ...markers] : [0, ...markers.slice(1)];
}

/** Brackets, and 2 levels per column of the longest lead of a line, from the document's own text. */
function nestsDeeper(src: string, maxDepth: number): boolean {
  const brackets = (src.match(/[[{]/g) ?? []).length;
  if (brackets > maxDepth >> 2) return true;
  const lead = Math.max(0, ...src.split('\n').map((l) => /^[ ?-]*/.exec(l)?.[0].length ?? 0));
  return lead > (maxDepth - brackets - 3) >> 1;
}

const deepText = (src: string) => /(?:^|\n)[ ]{128}/.test(src) || /[[{]{16}/.test(src);

const texts = fc
  .array(
    fc.constantFrom(
      '---',
      '--- ',
      '---\t',
      '----',
      '--- a',
      '...',
      '\n',
      '\r\n',
      '\r',
      ' \n',
      '# c',
      'a: b',
      '- ',
      '? ',
      ' ',
      '-',
      '[',
      '{',
      '[{',
      '{[',
      ']',
      '}',
      ' '.repeat(30),
      ' '.repeat(64),
      '- '.repeat(24),
      '[{'.repeat(5),
      '{'.repeat(9),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('cutting a text into documents', () => {
  it('finds the documents, and what bounds their nesting, as searches of their own text do', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const docs = cutDocuments(text);
        const want = starts(text);
        assert.deepEqual(
          docs.map((d) => d.start),
          want,
        );
        docs.forEach((d, i) => {
          assert.equal(d.end, i + 1 < docs.length ? docs[i + 1].start : text.length);
          const src = text.slice(d.start, d.end);
          assert.equal(mayBeDeep(d, src), deepText(src), JSON.stringify(src));
          assert.equal(mayNestDeeper(d, 256), nestsDeeper(src, 256), JSON.stringify(src));
          // A limit low enough for short leads to matter: never less cautious.
          if (nestsDeeper(src, 40)) assert.ok(mayNestDeeper(d, 40));
          assert.equal(d.spaceAtLineEnd, / \r?\n/.test(src));
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('measures a long lead, deep indentation and a run of brackets where they are', () => {
    const text = `a: 1\n---\n${'- '.repeat(70)}x\n---\n${' '.repeat(130)}y: 1\n---\nk: ${'['.repeat(20)}\n`;
    const docs = cutDocuments(text);
    assert.deepEqual(
      docs.map((d) => [d.lead, d.deepIndent, d.brackets]),
      [
        [0, false, 0],
        [140, false, 0],
        [130, true, 0],
        [0, false, 20],
      ],
    );
    assert.deepEqual(
      docs.map((d) => mayBeDeep(d, text.slice(d.start, d.end))),
      [false, false, true, true],
    );
    assert.deepEqual(
      docs.map((d) => mayNestDeeper(d, 256)),
      [false, true, true, false],
    );
  });
});
