/**
 * Smaller answers to hostile input: line numbers after a lone CR agree with the editor's, and
 * `diff - -` is a usage error rather than a comparison of standard input with nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadText } from '../../src/load/load.js';
import { SourceFile, parseSource } from '../../src/load/source.js';
import { inProcess } from '../support/util.js';

const SEED = Number(process.env.FC_SEED ?? 20_261_207);

const inProcessRun = (args: string[], stdin = '') => inProcess(args, { stdin });

describe('line breaks: a lone CR is a line break, as in the editor', () => {
  const piece = fc.constantFrom('\r', '\n', '\r\n', 'a', ': ', '"', 'kind: Service', '- ', '  ', '#', '[', 'é', '😀');
  it('gives every offset the line and column the language server protocol gives it (both readers)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        const editor = TextDocument.create('file:///x.yaml', 'yaml', 0, text);
        for (const file of [parseSource(new SourceFile('x.yaml', text)), loadText('x.yaml', text)]) {
          for (let o = 0; o <= text.length; o++) {
            // Between the CR and the LF of a CRLF is not a position of the text.
            if (text[o - 1] === '\r' && text[o] === '\n') continue;
            const p = editor.positionAt(o);
            assert.deepEqual(
              file.position(o),
              { line: p.line + 1, column: p.character + 1 },
              JSON.stringify({ text, o }),
            );
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('reports a YAML error after lone CRs on the line the editor shows', async () => {
    const r = await inProcessRun(['--no-config', '-f', 'json', '-'], 'a: "x\r\r\r"y\n');
    const { findings } = JSON.parse(r.stdout) as { findings: { line: number; column: number }[] };
    assert.deepEqual(
      findings.map((f) => [f.line, f.column]),
      [[4, 2]],
    );
  });
});

describe('diff - -', () => {
  it('is a usage error (exit 2, one line), not a comparison of standard input with nothing', async () => {
    const r = await inProcessRun(['diff', '--no-config', '-', '-'], 'kind: Service\n');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^kube-netlint: diff reads standard input \("-"\) for one side only/);
    assert.equal(r.stdout, '');
  });
});
