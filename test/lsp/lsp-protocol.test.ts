/**
 * The language server against a client that breaks the protocol: a message that cannot be framed
 * ends the server (exit 1, one line on stderr, no stack trace) so that the client starts it again;
 * malformed params are answered with InvalidParams (requests) or ignored with a log line
 * (notifications), and the server keeps answering. Every wait has a timeout.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { BIN, ROOT, within as waitFor } from '../support/util.js';
import { spawnServer, tmp } from './lsp-helpers.js';
import type { Spawned } from './lsp-helpers.js';

const WAIT_MS = 30_000;

const within = <T>(p: Promise<T>, what: string, ms = WAIT_MS): Promise<T> => waitFor(p, what, ms);

type Server = Spawned & { dir: string };

async function start(): Promise<Server> {
  const dir = tmp({
    'deploy.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: main\n          image: nginx\n          ports: [{name: http, containerPort: 8080}]\n',
  });
  return Object.assign(await spawnServer(dir), { dir });
}

const STACK = /\n\s+at .+:\d+:\d+/;

describe('language server: broken protocol', { timeout: 180_000 }, () => {
  for (const [what, bytes] of [
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}'],
    ['no Content-Length header', 'Content-Type: application/vscode-jsonrpc\r\n\r\n{"jsonrpc":"2.0","method":"exit"}'],
  ] as const) {
    it(`exits with 1 after a message with ${what}, without a stack trace`, async () => {
      const s = await start();
      try {
        s.child.stdin.write(bytes);
        const code = await within(s.exited, 'the server to exit');
        assert.equal(code, 1, s.stderr());
        assert.match(s.stderr(), /cannot read the client's messages/);
        assert.doesNotMatch(s.stderr(), STACK);
      } finally {
        s.conn.dispose();
        if (s.child.exitCode === null) s.child.kill();
      }
    });
  }

  it('answers a request with malformed params with InvalidParams, ignores such notifications, and keeps working', async () => {
    const s = await start();
    try {
      const bad = (params: unknown) =>
        within(
          s.conn.sendRequest('textDocument/codeAction', params).then(
            () => 'answered',
            (e: { code?: number }) => e.code,
          ),
          'a code action answer',
        );
      assert.equal(await bad({}), -32602);
      assert.equal(
        await bad({ textDocument: { uri: 'file:///x.yaml' }, range: null, context: { diagnostics: [] } }),
        -32602,
      );
      assert.equal(
        await bad({ textDocument: { uri: 'file:///x.yaml' }, context: { diagnostics: [{ range: 'all' }] } }),
        -32602,
      );
      assert.equal(await bad(null), -32602);

      const uri = pathToFileURL(path.join(s.dir, 'svc.yaml')).href;
      await s.conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'yaml', version: 1, text: null },
      });
      await s.conn.sendNotification('textDocument/didOpen', {
        textDocument: { languageId: 'yaml', version: 1, text: 'a: b\n' },
      });
      await s.conn.sendNotification('textDocument/didOpen', null);
      await s.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: 0 }, text: 'x' }],
      });
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri }, contentChanges: 'x' });
      await s.conn.sendNotification('textDocument/didClose', {});
      await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ type: 2 }] });
      await s.conn.sendNotification('textDocument/didSave', { textDocument: 7 });

      // Still serving: a well-formed document gets its diagnostics, a request its answer.
      const svc =
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: htttp\n';
      await s.conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'yaml', version: 5, text: svc },
      });
      await within(
        (async () => {
          while (
            !s.published.some(
              (p) => p.uri === uri && p.diagnostics.some((d) => d.code === 'service-target-port-unresolved'),
            )
          )
            await new Promise((r) => setTimeout(r, 10));
        })(),
        'the diagnostics of the well-formed document',
      );
      const actions = await within(
        s.conn.sendRequest('textDocument/codeAction', {
          textDocument: { uri },
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          context: { diagnostics: [] },
        }),
        'a code action answer',
      );
      assert.deepEqual(actions, []);
      const ignored = s.logs.filter((l) => /ignoring /.test(l));
      assert.ok(ignored.length >= 8, ignored.join('\n'));
      for (const l of [...s.logs, s.stderr()]) assert.doesNotMatch(l, STACK);
      assert.ok(!s.logs.some((l) => /failed|uncaught|unhandled/i.test(l)), s.logs.join('\n'));

      await within(s.conn.sendRequest('shutdown'), 'the shutdown answer');
      await s.conn.sendNotification('exit');
      assert.equal(await within(s.exited, 'the server to exit'), 0);
    } finally {
      s.conn.dispose();
      if (s.child.exitCode === null) s.child.kill();
    }
  });

  it('answers a malformed initialize (or says why not) and keeps serving', async () => {
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: ROOT, stdio: 'pipe' });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    conn.onNotification('window/logMessage', () => undefined);
    conn.listen();
    try {
      // Folders without a uri are skipped; capabilities that are not an object are refused by the
      // protocol library with a JSON-RPC error (not a crash).
      const r = (await within(
        conn.sendRequest('initialize', {
          processId: null,
          capabilities: {},
          workspaceFolders: [{ name: 'no uri' }, null],
        }),
        'the initialize result',
      )) as {
        capabilities: object;
      };
      assert.ok(r.capabilities);
      const e = await within(
        conn.sendRequest('initialize', { processId: null, capabilities: null }).then(
          () => undefined,
          (x: { code?: number; message?: string }) => x,
        ),
        'the second initialize answer',
      );
      assert.equal(typeof e?.code, 'number');
      await within(conn.sendRequest('shutdown'), 'the shutdown answer');
    } finally {
      conn.dispose();
      child.kill();
    }
  });
});
