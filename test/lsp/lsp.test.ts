/**
 * End to end: `kube-netlint lsp --stdio` spawned as an editor would, spoken to over JSON-RPC.
 * Every wait has a timeout, so a broken server fails the test instead of hanging it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver';
import { BIN, ROOT, within as waitFor } from '../support/util.js';

const WAIT_MS = 15_000;

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - name: http
              containerPort: 8080
`;

const DEPLOY_FIXED = DEPLOY.replace(
  '              containerPort: 8080\n',
  '              containerPort: 8080\n            - name: metrics\n              containerPort: 9090\n',
);

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
    - name: metrics
      port: 9090
      targetPort: metrics
`;

/** A test client: records every publishDiagnostics and waits for the ones it expects. */
class Client {
  readonly conn: MessageConnection;
  readonly exited: Promise<number | null>;
  readonly stderr: string[] = [];
  readonly registrations: string[] = [];
  private readonly log: PublishDiagnosticsParams[] = [];
  private waiters: {
    pred: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.log.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    this.conn.onRequest('client/registerCapability', (p: { registrations: { method: string }[] }) => {
      this.registrations.push(...p.registrations.map((r) => r.method));
      return null;
    });
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onNotification('window/logMessage', () => undefined);
    this.conn.onNotification('window/showMessage', () => undefined);
    child.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.conn.listen();
  }

  /** The next (or an already received, from `since` on) publish for `uri` that satisfies `pred`. */
  diagnostics(uri: string, pred: (d: Diagnostic[]) => boolean, since = 0): Promise<PublishDiagnosticsParams> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && pred(p.diagnostics);
    const seen = this.log.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return within(
      new Promise((resolve) => this.waiters.push({ pred: match, resolve })),
      `diagnostics for ${path.basename(uri)}; received: ${JSON.stringify(this.log.map((p) => [path.basename(p.uri), p.diagnostics.map((d) => d.code)]))}`,
    );
  }

  get received(): number {
    return this.log.length;
  }

  publishesFor(uri: string, since = 0): PublishDiagnosticsParams[] {
    return this.log.slice(since).filter((p) => p.uri === uri);
  }
}

const within = <T>(p: Promise<T>, what: string, ms = WAIT_MS): Promise<T> => waitFor(p, what, ms);

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.yaml', 'yaml', 0, text), edits);
}

function editsOf(action: CodeAction, uri: string): TextEdit[] {
  const e = action.edit;
  if (e?.documentChanges) {
    const change = e.documentChanges.find((c) => 'textDocument' in c && c.textDocument.uri === uri);
    return change && 'edits' in change ? (change.edits as TextEdit[]) : [];
  }
  return e?.changes?.[uri] ?? [];
}

describe('kube-netlint lsp --stdio', () => {
  let dir: string;
  let client: Client;
  let deployUri: string;
  let serviceUri: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-lsp-'));
    writeFileSync(path.join(dir, 'deploy.yaml'), DEPLOY);
    writeFileSync(path.join(dir, 'service.yaml'), SERVICE);
    // Not a manifest (no kind): left out like a directory walk of the CLI does.
    writeFileSync(path.join(dir, 'values.yaml'), 'replicas: 3\n');
    deployUri = pathToFileURL(path.join(dir, 'deploy.yaml')).href;
    serviceUri = pathToFileURL(path.join(dir, 'service.yaml')).href;
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: ROOT, stdio: 'pipe' });
    client = new Client(child);
    const init = (await within(
      client.conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: pathToFileURL(dir).href,
        workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
        initializationOptions: { debounce: 0 },
        capabilities: {
          workspace: {
            didChangeWatchedFiles: { dynamicRegistration: true },
            workspaceEdit: { documentChanges: true },
            workspaceFolders: true,
          },
          textDocument: {
            publishDiagnostics: {
              relatedInformation: true,
              versionSupport: true,
              codeDescriptionSupport: true,
              dataSupport: true,
            },
          },
        },
      }),
      'the initialize result',
    )) as { capabilities: { codeActionProvider?: unknown; textDocumentSync?: unknown } };
    assert.ok(init.capabilities.codeActionProvider, 'code actions are offered');
    assert.ok(init.capabilities.textDocumentSync);
    await client.conn.sendNotification('initialized', {});
  });

  after(async () => {
    if (client && client.child.exitCode === null) client.child.kill();
    client?.conn.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports a workspace file (not open) with code, doc link, source and related location', async () => {
    const p = await client.diagnostics(serviceUri, (d) => d.length > 0);
    assert.equal(p.diagnostics.length, 1, JSON.stringify(p.diagnostics));
    const [d] = p.diagnostics;
    assert.equal(d.code, 'service-target-port-unresolved');
    assert.equal(d.source, 'kube-netlint');
    assert.equal(d.severity, 1);
    assert.equal(
      d.codeDescription?.href,
      'https://github.com/kube-netlint/kube-netlint/blob/main/docs/rules/service-target-port-unresolved.md',
    );
    // `targetPort: metrics` on line 14 (0-based 13), the value after "targetPort: ".
    assert.deepEqual(d.range, { start: { line: 13, character: 18 }, end: { line: 13, character: 25 } });
    assert.match(typeof d.message === 'string' ? d.message : d.message.value, /metrics/);
    assert.ok(d.relatedInformation?.length, 'related information');
    const rel = d.relatedInformation[0];
    assert.equal(rel.location.uri, deployUri);
    assert.ok(rel.location.range.start.line > 0 && rel.location.range.start.line < DEPLOY.split('\n').length);
    assert.ok(rel.message.length > 0);
    // The client supports dynamic registration: the server watches the workspace's files.
    assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'), client.registrations.join(', '));
    // The values file and the clean Deployment get nothing.
    assert.equal(client.publishesFor(pathToFileURL(path.join(dir, 'values.yaml')).href).length, 0);
  });

  it('re-publishes an empty list for the Service file when the open Deployment gains the port', async () => {
    await client.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: deployUri, languageId: 'yaml', version: 1, text: DEPLOY },
    });
    const since = client.received;
    const insertAt = DEPLOY.split('\n').length - 1; // the empty last line
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: deployUri, version: 2 },
      contentChanges: [
        {
          range: { start: { line: insertAt, character: 0 }, end: { line: insertAt, character: 0 } },
          text: '            - name: metrics\n              containerPort: 9090\n',
        },
      ],
    });
    const p = await client.diagnostics(serviceUri, (d) => d.length === 0, since);
    assert.deepEqual(p.diagnostics, []);
  });

  it('survives broken YAML while typing and reports it as yaml-syntax', async () => {
    const since = client.received;
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: deployUri, version: 3 },
      contentChanges: [{ text: `${DEPLOY_FIXED}  bad: [unclosed\n` }],
    });
    const p = await client.diagnostics(deployUri, (d) => d.some((x) => x.code === 'yaml-syntax'), since);
    assert.equal(p.version, 3);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: deployUri, version: 4 },
      contentChanges: [{ text: DEPLOY_FIXED }],
    });
    await client.diagnostics(deployUri, (d) => d.length === 0, since);
  });

  it('offers the rule suggestion and a disable comment as quick fixes for a typo', async () => {
    await client.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: serviceUri, languageId: 'yaml', version: 1, text: SERVICE },
    });
    const since = client.received;
    const typo = SERVICE.replace('targetPort: http\n', 'targetPort: htttp\n');
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: serviceUri, version: 2 },
      contentChanges: [{ text: typo }],
    });
    const p = await client.diagnostics(serviceUri, (d) => d.length > 0, since);
    const d = p.diagnostics.find((x) => x.code === 'service-target-port-unresolved');
    assert.ok(d, JSON.stringify(p.diagnostics));
    assert.equal(p.version, 2);
    assert.deepEqual(d.range, { start: { line: 10, character: 18 }, end: { line: 10, character: 23 } });
    const actions = (await within(
      client.conn.sendRequest('textDocument/codeAction', {
        textDocument: { uri: serviceUri },
        range: d.range,
        context: { diagnostics: [d], only: ['quickfix'] },
      }),
      'code actions',
    )) as CodeAction[];
    const titles = actions.map((a) => a.title);
    const fix = actions.find((a) => a.title === 'Change targetPort to "http"');
    assert.ok(fix, `titles: ${titles.join(' | ')}`);
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(fix.diagnostics?.[0]?.code, 'service-target-port-unresolved');
    const fixEdits = editsOf(fix, serviceUri);
    assert.deepEqual(fixEdits, [{ range: d.range, newText: 'http' }]);
    assert.equal(applyEdits(typo, fixEdits), SERVICE);
    // Versioned edits: the client refuses them if the document changed since.
    const change = fix.edit?.documentChanges?.[0];
    assert.ok(change && 'textDocument' in change && change.textDocument.version === 2);

    const disable = actions.find((a) => a.title === 'Disable service-target-port-unresolved for this line');
    assert.ok(disable, `titles: ${titles.join(' | ')}`);
    assert.equal(
      applyEdits(typo, editsOf(disable, serviceUri)),
      typo.replace(
        '      targetPort: htttp\n',
        '      # kube-netlint-disable-next-line service-target-port-unresolved\n      targetPort: htttp\n',
      ),
    );
    const ignore = actions.find((a) => a.title === 'Ignore service-target-port-unresolved for this object');
    assert.ok(ignore, `titles: ${titles.join(' | ')}`);
    assert.equal(
      applyEdits(typo, editsOf(ignore, serviceUri)),
      typo.replace(
        '  name: web\n',
        '  name: web\n  annotations:\n    kube-netlint.io/ignore: service-target-port-unresolved\n',
      ),
    );

    // Applying the disable comment clears the diagnostic.
    const since2 = client.received;
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: serviceUri, version: 3 },
      contentChanges: editsOf(disable, serviceUri).map((e) => ({ range: e.range, text: e.newText })),
    });
    await client.diagnostics(serviceUri, (x) => x.length === 0, since2);
  });

  it('shuts down cleanly with exit code 0', async () => {
    await within(client.conn.sendRequest('shutdown'), 'the shutdown response');
    await client.conn.sendNotification('exit');
    const code = await within(client.exited, 'the server to exit');
    assert.equal(code, 0, client.stderr.join(''));
  });
});
