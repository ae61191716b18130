/**
 * The language server under hostile input: `kube-netlint lsp --stdio` spawned as an editor would,
 * fed 10,000 edits that type a realistic manifest prefix by prefix (every prefix is a broken
 * document for a moment), then the hostile inputs of the CLI suite (alias bombs and cycles, deep
 * nesting, binary data, prototype keys, control characters, lone surrogates, a 100,000-key map).
 * It must keep answering, publish a diagnostic for each, not grow its memory without bound (its
 * RSS, read from /proc), and shut down cleanly. Every wait has a timeout.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { BIN, ROOT, within as waitFor } from '../support/util.js';

const WAIT_MS = 60_000;
const EDITS = Number(process.env.LSP_HOSTILE_EDITS ?? 10_000);

const within = <T>(p: Promise<T>, what: string, ms = WAIT_MS): Promise<T> => waitFor(p, what, ms);

/** Resident memory of a process, in MiB (Linux). */
function rssMiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

class Client {
  readonly conn: MessageConnection;
  readonly exited: Promise<number | null>;
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  private readonly last = new Map<string, PublishDiagnosticsParams>();
  private waiters: {
    uri: string;
    pred: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  publishes = 0;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.publishes++;
      this.last.set(p.uri, p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || !w.pred(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onNotification('window/logMessage', (m: { message: string }) => {
      if (this.logs.length < 200) this.logs.push(m.message);
    });
    this.conn.onNotification('window/showMessage', () => undefined);
    child.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.conn.listen();
  }

  /** The latest publish for `uri` if it satisfies `pred`, else the next one that does. */
  diagnostics(
    uri: string,
    pred: (p: PublishDiagnosticsParams) => boolean,
    what: string,
  ): Promise<PublishDiagnosticsParams> {
    const seen = this.last.get(uri);
    if (seen && pred(seen)) return Promise.resolve(seen);
    return within(
      new Promise((resolve) => this.waiters.push({ uri, pred, resolve })),
      `${what}; logs: ${this.logs.slice(-5).join(' | ')}`,
    );
  }

  /** A request the server must answer: it is alive and its queue is drained. */
  ping(uri: string): Promise<unknown> {
    return within(
      this.conn.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [] },
      }),
      'an answer to a code action request',
    );
  }
}

/** A realistic manifest: a Deployment, Services, a ConfigMap, an Ingress (about 2.5 KB). */
const MANIFEST = ['frontend.yaml', 'api.yaml', 'config.yaml']
  .map((f) => readFileSync(path.join(ROOT, 'examples/shop', f), 'utf8'))
  .join('---\n');

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code));

describe('language server: hostile input', { timeout: 300_000 }, () => {
  let dir: string;
  let client: Client;
  let pid: number;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-lsp-hostile-'));
    writeFileSync(path.join(dir, 'base.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n');
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: ROOT, stdio: 'pipe' });
    pid = child.pid as number;
    client = new Client(child);
    await within(
      client.conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: pathToFileURL(dir).href,
        workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
        initializationOptions: { debounce: 0 },
        capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
      }),
      'the initialize result',
    );
    await client.conn.sendNotification('initialized', {});
  });

  after(async () => {
    if (client && client.child.exitCode === null) client.child.kill();
    client?.conn.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`survives ${EDITS.toLocaleString('en-US')} edits typing a manifest prefix by prefix, without growing its memory`, async (t) => {
    // The file exists on disk (an editor opens files of the folder), empty.
    writeFileSync(path.join(dir, 'typed.yaml'), '');
    const uri = pathToFileURL(path.join(dir, 'typed.yaml')).href;
    await client.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text: '' },
    });
    let version = 1;
    let text = '';
    let rssWarm: number | undefined;
    const t0 = performance.now();
    for (let i = 0; i < EDITS; i++) {
      version++;
      if (text.length === MANIFEST.length) {
        // Start over: select all, delete.
        const lines = text.split('\n');
        await client.conn.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [
            {
              range: {
                start: { line: 0, character: 0 },
                end: { line: lines.length - 1, character: lines[lines.length - 1].length },
              },
              text: '',
            },
          ],
        });
        text = '';
      } else if (i % 97 === 0) {
        // Now and then the client sends the whole text: a longer prefix (a paste).
        text = MANIFEST.slice(0, Math.min(MANIFEST.length, text.length + 40));
        await client.conn.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ text }],
        });
      } else {
        // Type the next character at the end.
        const lines = text.split('\n');
        const ch = MANIFEST[text.length];
        const pos = { line: lines.length - 1, character: lines[lines.length - 1].length };
        await client.conn.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: pos, end: pos }, text: ch }],
        });
        text += ch;
      }
      // Pace the client by the server: a round trip every 5 edits (a code action request also lints
      // the pending text at once, so at least every fifth prefix is linted, most others by the debounce).
      if (i % 5 === 4) await client.ping(uri);
      if (i === 1999) rssWarm = rssMiB(pid);
    }
    await client.ping(uri);
    const ms = performance.now() - t0;
    // It still lints: the final text, then the full manifest, get their diagnostics.
    const fullVersion = version + 1;
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: fullVersion },
      contentChanges: [{ text: MANIFEST }],
    });
    const p = await client.diagnostics(uri, (x) => x.version === fullVersion, 'the diagnostics of the full manifest');
    assert.ok(codes(p.diagnostics).includes('service-reference-unresolved'), JSON.stringify(codes(p.diagnostics)));
    assert.ok(client.publishes > 50, `${client.publishes} publishes`);
    const rssEnd = rssMiB(pid);
    t.diagnostic(
      `${EDITS} edits in ${Math.round(ms)} ms, ${client.publishes} publishes; RSS ${rssWarm?.toFixed(0)} MiB after 2,000 edits, ${rssEnd?.toFixed(0)} MiB after ${EDITS}`,
    );
    if (rssWarm !== undefined && rssEnd !== undefined) {
      // Generous: the heap may not have been collected; a leak of one parse per edit is hundreds of MiB.
      assert.ok(
        rssEnd - rssWarm < 150,
        `RSS grew from ${rssWarm.toFixed(0)} MiB after 2,000 edits to ${rssEnd.toFixed(0)} MiB after ${EDITS}`,
      );
    }
    assert.equal(client.child.exitCode, null, 'the server is running');
  });

  it('publishes a diagnostic for each hostile document, and keeps answering', async () => {
    let bigMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keys}\ndata:\n';
    for (let i = 0; i < 100_000; i++) bigMap += `  k${i}: v\n`;
    bigMap += '  k5: again\n';
    const hostile: Record<string, { text: string; expect: RegExp }> = {
      'laughs.yaml': {
        text: readFileSync(path.join(ROOT, 'test-fixtures/hostile/billion-laughs.yaml'), 'utf8'),
        expect: /aliases expand too much/,
      },
      'cycle.yaml': {
        text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: c, annotations: {a: *m, b: *m}}\n',
        expect: /alias refers to a node that contains it/,
      },
      'deep.yaml': {
        text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {a: ${'['.repeat(50_000)}${']'.repeat(50_000)}}\n`,
        expect: /nested more than 256 levels/,
      },
      'binary.yaml': { text: `apiVersion: v1\u0000\u0001\u0002kind: x\n`, expect: /NUL byte/ },
      'proto.yaml': {
        text: readFileSync(path.join(ROOT, 'test-fixtures/hostile/proto-keys.yaml'), 'utf8'),
        expect: /selects __proto__=no-such-pods/,
      },
      'output.yaml': {
        text: readFileSync(path.join(ROOT, 'test-fixtures/hostile/output-hostile.yaml'), 'utf8'),
        // eslint-disable-next-line no-control-regex
        expect: /\u001b\[31mRED/,
      },
      'control.yaml': {
        text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "c"}\ndata: {a: x\u001by}\n',
        expect: /control character U\+001B/,
      },
      'surrogate.yaml': {
        text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {a: x\ud800y}\n',
        expect: /lone surrogate/,
      },
      'tags.yaml': {
        text: readFileSync(path.join(ROOT, 'test-fixtures/hostile/tags.yaml'), 'utf8'),
        expect: /must be an integer, not the string "aGVsbG8="/,
      },
      'keys.yaml': { text: bigMap, expect: /Map keys must be unique/ },
      'crlf.yaml': { text: MANIFEST.replace(/\n/g, '\r\n'), expect: /is not a port name|selects/ },
    };
    for (const [name, { text, expect }] of Object.entries(hostile)) {
      writeFileSync(path.join(dir, name), text);
      const uri = pathToFileURL(path.join(dir, name)).href;
      await client.conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'yaml', version: 1, text },
      });
      const message = (d: Diagnostic) =>
        typeof d.message === 'string' ? d.message : (d.message as { value: string }).value;
      const p = await client.diagnostics(
        uri,
        (x) => x.diagnostics.some((d) => expect.test(message(d))),
        `${name}: a diagnostic matching ${expect}`,
      );
      for (const d of p.diagnostics) {
        assert.ok(d.range.start.line >= 0 && d.range.end.line >= d.range.start.line, `${name}: range`);
      }
      await client.ping(uri);
      await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    assert.equal(client.child.exitCode, null, 'the server is running');
    assert.ok(
      !client.logs.some((l) => /internal error|uncaught|unhandled/i.test(l)),
      client.logs.filter((l) => /internal error|uncaught|unhandled/i.test(l)).join('\n'),
    );
  });

  it('shuts down cleanly', async () => {
    await within(client.conn.sendRequest('shutdown'), 'the shutdown response');
    await client.conn.sendNotification('exit');
    const code = await within(client.exited, 'the server to exit');
    assert.equal(code, 0, client.stderr.join(''));
    assert.ok(existsSync(dir));
  });
});
