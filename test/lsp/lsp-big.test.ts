/**
 * A big document over the protocol: a slice of a million characters or more is linted in a worker
 * thread, and the server answers meanwhile (a request, another document's lint, its quick fixes,
 * a shutdown). Its diagnostics, after edits that stop running lints, are a fresh server's. Every
 * wait is bounded (a hang guard); nothing here is timed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { WORKER_SLICE_CHARS } from '../../src/lsp/project.js';
import { deployment, service, spawnServer, tmp, uri } from './lsp-helpers.js';
import type { Spawned } from './lsp-helpers.js';
import { within } from '../support/util.js';

const WAIT_MS = 180_000;

/** Deployment/Service pairs up to twice the worker's threshold; the Service of app-7 names a port that does not exist. */
function bigText(): string {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < WORKER_SLICE_CHARS * 2; i++) {
    const pair = [deployment(`app-${i}`), service(`app-${i}`, i === 7 ? 'htttp' : 'http')];
    parts.push(...pair);
    n += pair[0].length + pair[1].length + 8;
  }
  return parts.join('---\n');
}

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => String(d.code)).sort();

async function stop(s: Spawned): Promise<void> {
  await within(s.conn.sendRequest('shutdown'), 'the shutdown answer', WAIT_MS);
  await s.conn.sendNotification('exit');
  assert.equal(await within(s.exited, 'the exit', WAIT_MS), 0, s.stderr());
  s.conn.dispose();
}

describe('language server: a big document linted in a worker thread', { timeout: 600_000 }, () => {
  it('answers other requests while it is linted, and publishes what a fresh server publishes', async () => {
    const dir = tmp({ 'deploy.yaml': deployment('web') });
    const big = uri(dir, 'big.yaml');
    const text = bigText();
    const a = await spawnServer(dir);
    try {
      // An unsaved document of the folder: linted with it, in the worker.
      await a.conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri: big, languageId: 'yaml', version: 1, text },
      });
      await a.logged(/characters, linted in a worker thread/, WAIT_MS);
      const bigPublished = () => a.published.some((p) => p.uri === big);

      // While the worker lints: a request is answered (hover: not provided, an error)...
      const hover = await within(
        a.conn
          .sendRequest('textDocument/hover', { textDocument: { uri: big }, position: { line: 0, character: 0 } })
          .then(
            () => 'answered',
            (e: { code?: number }) => `error ${e.code}`,
          ),
        'the hover answer',
        WAIT_MS,
      );
      assert.equal(hover, 'error -32601');
      const answeredDuring = [!bigPublished()];
      // ...another document is linted and published...
      const untitled = 'untitled:Untitled-1';
      await a.conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri: untitled, languageId: 'yaml', version: 1, text: service('lonely') },
      });
      const other = await a.publish(untitled, (p) => p.diagnostics.length > 0, WAIT_MS);
      assert.deepEqual(codes(other), ['service-selector-no-pods']);
      answeredDuring.push(!bigPublished());
      // ...and its quick fixes are given.
      const actions: CodeAction[] = await within(
        a.conn.sendRequest('textDocument/codeAction', {
          textDocument: { uri: untitled },
          range: other.diagnostics[0].range,
          context: { diagnostics: other.diagnostics },
        }),
        'the quick fixes of the other document',
        WAIT_MS,
      );
      assert.ok(
        actions.some((x) => x.title === 'Disable service-selector-no-pods for this line'),
        JSON.stringify(actions),
      );
      answeredDuring.push(!bigPublished());
      assert.deepEqual(answeredDuring, [true, true, true], 'answered before the big document was published');

      const v1 = await a.publish(big, (p) => p.diagnostics.length > 0, WAIT_MS);
      assert.deepEqual(codes(v1), ['service-target-port-unresolved']);
      assert.match(String(v1.diagnostics[0].message), /htttp/);

      // Two edits in a row (the second stops the first's lint, wherever it is): the broken port
      // fixed, then a Service that selects nothing added at the end.
      const doc = TextDocument.create(big, 'yaml', 1, text);
      const at = text.indexOf('targetPort: htttp') + 'targetPort: '.length;
      const fix = { range: { start: doc.positionAt(at), end: doc.positionAt(at + 5) }, text: 'http' };
      TextDocument.update(doc, [fix], 2);
      await a.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: big, version: 2 },
        contentChanges: [fix],
      });
      const end = doc.positionAt(doc.getText().length);
      const add = { range: { start: end, end }, text: `---\n${service('lonely-big')}` };
      TextDocument.update(doc, [add], 3);
      await a.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: big, version: 3 },
        contentChanges: [add],
      });
      const v3 = await a.publish(big, (p) => p.version === 3, WAIT_MS);
      assert.deepEqual(codes(v3), ['service-selector-no-pods']);
      // No publish of an older version after it.
      const versions = a.published.filter((p) => p.uri === big).map((p) => p.version);
      assert.equal(versions.at(-1), 3, versions.join(','));

      // The quick fixes of the big document come from the worker's findings.
      const fixes: CodeAction[] = await within(
        a.conn.sendRequest('textDocument/codeAction', {
          textDocument: { uri: big },
          range: v3.diagnostics[0].range,
          context: { diagnostics: v3.diagnostics },
        }),
        'the quick fixes of the big document',
        WAIT_MS,
      );
      const disable = fixes.find((x) => x.title === 'Disable service-selector-no-pods for this line');
      const edit = disable?.edit?.changes?.[big]?.[0];
      assert.ok(edit, JSON.stringify(fixes));
      assert.equal(edit.range.start.line, v3.diagnostics[0].range.start.line);

      // A fresh server given the final text publishes the same diagnostics.
      const b = await spawnServer(dir);
      try {
        await b.conn.sendNotification('textDocument/didOpen', {
          textDocument: { uri: big, languageId: 'yaml', version: 3, text: doc.getText() },
        });
        const fresh = await b.publish(big, () => true, WAIT_MS);
        const strip = (d: Diagnostic[]) => JSON.parse(JSON.stringify(d)) as Diagnostic[];
        assert.deepEqual(strip(fresh.diagnostics), strip(v3.diagnostics));
      } finally {
        await stop(b);
      }
      assert.ok(!a.logs.some((l) => /internal error|failed|uncaught|unhandled/i.test(l)), a.logs.join('\n'));
    } finally {
      await stop(a);
    }
  });

  it('shuts down cleanly while a big document is linted', async () => {
    const dir = tmp({});
    const s = await spawnServer(dir);
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uri(dir, 'big.yaml'), languageId: 'yaml', version: 1, text: bigText() },
    });
    await s.logged(/characters, linted in a worker thread/, WAIT_MS);
    assert.ok(!s.published.some((p) => p.uri === uri(dir, 'big.yaml')), 'not linted yet');
    await stop(s);
  });
});
