/** Helpers of the language server's tests: temporary folders, a recording host, waiting, a spawned server. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { BIN, ROOT, tmp, within } from '../support/util.js';
import { Workspace } from '../../src/lsp/workspace.js';
import type { WorkspaceHost } from '../../src/lsp/workspace.js';

export { tmp };

export function write(dir: string, name: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), text);
}
export class Host implements WorkspaceHost {
  /** Last diagnostics per URI, and every publish in order. */
  readonly current = new Map<string, Diagnostic[]>();
  readonly publishes: { uri: string; diagnostics: Diagnostic[]; version?: number }[] = [];
  readonly logs: string[] = [];
  readonly warnings: string[] = [];
  publish(uri: string, diagnostics: Diagnostic[], version?: number): void {
    this.current.set(uri, diagnostics);
    this.publishes.push({ uri, diagnostics, version });
  }
  log(m: string): void {
    this.logs.push(m);
  }
  warn(m: string): void {
    this.warnings.push(m);
  }
  codes(uri: string): string[] {
    return (this.current.get(uri) ?? []).map((d) => String(d.code));
  }
}

export const uri = (dir: string, name: string) => pathToFileURL(path.join(dir, name)).href;

export async function setup(
  files: Record<string, string>,
  workerChars?: number,
): Promise<{ dir: string; host: Host; ws: Workspace }> {
  const dir = tmp(files);
  const host = new Host();
  const ws = new Workspace(host, { debounceMs: 0, documentChanges: true, workerChars });
  await ws.addFolder(dir);
  ws.flush();
  return { dir, host, ws };
}

/** Wait for a condition the workspace reaches asynchronously (file reads), flushing lints. */
export async function until(what: string, ws: Workspace, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    // Not unref()ed: the poll itself keeps the test alive until the deadline.
    await new Promise((r) => setTimeout(r, 5));
    ws.flush();
  }
}

export const deployment = (name: string, port = 'http') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: main
          image: nginx
          ports:
            - name: ${port}
              containerPort: 8080
`;

export const service = (name: string, targetPort = 'http') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
    - port: 80
      targetPort: ${targetPort}
`;

/** A server spawned as an editor spawns it (`kube-netlint lsp --stdio`), with what it sent. */
export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  conn: MessageConnection;
  exited: Promise<number | null>;
  logs: string[];
  published: PublishDiagnosticsParams[];
  stderr: () => string;
  /** Resolves when a log line matches. */
  logged(re: RegExp, ms?: number): Promise<string>;
  /** Resolves with the first publish (from `since` on) for `uri` that satisfies `pred`. */
  publish(uri: string, pred: (p: PublishDiagnosticsParams) => boolean, ms?: number): Promise<PublishDiagnosticsParams>;
}

/** Spawn the server on a workspace folder and initialize it. Every wait is bounded (a hang guard). */
export async function spawnServer(dir: string, initializationOptions: object = { debounce: 0 }): Promise<Spawned> {
  const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: ROOT, stdio: 'pipe' });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  const wait = <T>(find: () => T | undefined, what: string, ms: number): Promise<T> =>
    within(
      new Promise<T>((resolve) => {
        const check = () => {
          const found = find();
          if (found !== undefined) resolve(found);
          else waiters.push(check);
        };
        check();
      }),
      what,
      ms,
    );
  const s: Spawned = {
    child,
    conn,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    logs: [],
    published: [],
    stderr: () => err,
    logged: (re, ms = 120_000) => wait(() => s.logs.find((l) => re.test(l)), `a log line ${re}`, ms),
    publish: (u, pred, ms = 120_000) =>
      wait(() => s.published.find((p) => p.uri === u && pred(p)), `diagnostics of ${u}`, ms),
  };
  conn.onNotification('window/logMessage', (m: { message: string }) => (s.logs.push(m.message), wake()));
  conn.onNotification('window/showMessage', () => undefined);
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    s.published.push(p);
    wake();
  });
  conn.onRequest('client/registerCapability', () => null);
  conn.onError(() => undefined);
  conn.onClose(() => undefined);
  conn.listen();
  const folder = pathToFileURL(dir).href;
  await within(
    conn.sendRequest('initialize', {
      processId: null,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'ws' }],
      initializationOptions,
      capabilities: {},
    }),
    'the initialize result',
    60_000,
  );
  await conn.sendNotification('initialized', {});
  return s;
}

/** Deployment/Service pairs of about `chars` characters; one Service in a hundred names a missing port. */
export function pairs(prefix: string, chars: number): string {
  const parts: string[] = [];
  for (let i = 0, n = 0; n < chars; i++) {
    const p = `${deployment(`${prefix}-${i}`)}---\n${service(`${prefix}-${i}`, i % 100 === 7 ? 'htttp' : 'http')}`;
    parts.push(p);
    n += p.length + 4;
  }
  return parts.join('---\n');
}
