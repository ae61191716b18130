/**
 * How long the language server's thread is held while a workspace folder's files on disk are read
 * (a row of `npm run bench`; alone: `node dist/bench/lsp-disk.js`). Two generated folders, no
 * document open: one 11 MB manifest (88,000 objects and a Service that selects nothing), and
 * 5,000 small files (a Deployment and its Service each, one Service in a hundred naming a port
 * that does not exist). In process, debounce 0, from adding the folder to its first diagnostics:
 * the longest time between two turns of the event loop, the event-loop delay's 99th percentile
 * and maximum (`monitorEventLoopDelay`), the time to the first diagnostics and to the end of the
 * first lint; with the worker (the default) and without it (linted in the server's thread in
 * steps, as after the worker failed). Then a spawned server (`kube-netlint lsp --stdio`): a
 * request every 20 ms from `initialized` to the first diagnostics, and the round trip of each.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { Workspace } from '../src/lsp/workspace.js';
import { bigDocument, idleBlocking, watchBlocks } from './lsp-big.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/kube-netlint.js');

const lonely =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: lonely\nspec:\n  selector:\n    app: nothing\n  ports:\n    - port: 80\n';

/** One file of about 11 MB (88,000 objects), with one finding at its end. */
export function bigFolder(dir: string, objects = 88_000): string {
  const text = `${bigDocument(objects)}---\n${lonely}`;
  writeFileSync(path.join(dir, 'big.yaml'), text);
  return `1 file of ${(text.length / 1e6).toFixed(1)} MB`;
}

/** `files` small files in 50 folders: a Deployment and its Service each; one Service in a hundred is broken. */
export function manyFolder(dir: string, files = 5000): string {
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `ns-${i % 50}`);
    if (i < 50) mkdirSync(sub);
    const name = `app-${i}`;
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ns-${i % 50}
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
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ns-${i % 50}
spec:
  selector:
    app: ${name}
  ports:
    - port: 80
      targetPort: ${i % 100 === 7 ? 'htttp' : 'http'}
`;
    bytes += text.length;
    writeFileSync(path.join(sub, `${name}.yaml`), text);
  }
  return `${files.toLocaleString('en-US')} files, ${(bytes / 1e6).toFixed(1)} MB`;
}

export interface LoadBlocking {
  /** Longest gap between event-loop turns, from adding the folder to its first diagnostics (ms). */
  longest: number;
  p99: number;
  max: number;
  /** To the first diagnostics, and to the end of the first lint (ms). */
  firstMs: number;
  lintedMs: number;
}

/** Add the folder to a workspace in this process; the blocking until its first diagnostics. */
export async function loadBlocking(dir: string, worker: boolean): Promise<LoadBlocking> {
  let published = 0;
  let linted = 0;
  const ws = new Workspace(
    {
      publish: () => void published++,
      log: (m) => {
        if (/^lint /.test(m)) linted++;
      },
      warn: () => undefined,
    },
    { debounceMs: 0, timing: true, workerChars: worker ? undefined : Infinity },
  );
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let blocks: ReturnType<typeof watchBlocks> | undefined;
  try {
    const t0 = performance.now();
    blocks = watchBlocks();
    delay.enable();
    void ws.addFolder(dir);
    while (published === 0) await new Promise((r) => setTimeout(r, 1));
    const firstMs = performance.now() - t0;
    const blocking = { longest: blocks.longest, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    delay.disable();
    while (linted === 0) await new Promise((r) => setTimeout(r, 1));
    return { ...blocking, firstMs, lintedMs: performance.now() - t0 };
  } finally {
    blocks?.stop();
    ws.dispose();
  }
}

/**
 * A spawned server on the folder: a request (a hover, answered "method not found" by the server's
 * thread) every 20 ms from `initialized` to the first diagnostics; their round trips.
 */
export async function loadRoundTrips(
  dir: string,
): Promise<{ longest: number; p99: number; median: number; n: number; firstMs: number }> {
  const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let published = false;
  conn.onNotification('textDocument/publishDiagnostics', () => void (published = true));
  conn.onNotification('window/logMessage', () => undefined);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  try {
    const folder = pathToFileURL(dir).href;
    const t0 = performance.now();
    await conn.sendRequest('initialize', {
      processId: null,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'disk' }],
      initializationOptions: { debounce: 0 },
      capabilities: {},
    });
    await conn.sendNotification('initialized', {});
    const uri = pathToFileURL(path.join(dir, 'none.yaml')).href;
    const trips: number[] = [];
    while (!published) {
      const t = performance.now();
      await conn
        .sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } })
        .catch(() => undefined);
      trips.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    const firstMs = performance.now() - t0;
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    trips.sort((a, b) => a - b);
    const at = (p: number) => trips[Math.min(trips.length - 1, Math.ceil(p * trips.length) - 1)] ?? 0;
    return { longest: trips.at(-1) ?? 0, p99: at(0.99), median: at(0.5), n: trips.length, firstMs };
  } finally {
    conn.dispose();
    if (child.exitCode === null) child.kill();
  }
}

/** The bench rows. */
export async function benchLspDisk(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-lsp-disk-'));
  try {
    console.log(
      "\nlanguage server, a workspace folder's files on disk read at start-up (no document open), debounce 0 (ms)",
    );
    console.log(
      `  ${''.padEnd(42)} ${'longest block'.padStart(13)} ${'delay p99'.padStart(9)} ${'delay max'.padStart(9)} ${'to diagnostics'.padStart(14)} ${'to linted'.padStart(9)}`,
    );
    const folders: [string, string][] = [];
    for (const [make, key] of [
      [bigFolder, 'big'],
      [manyFolder, 'many'],
    ] as const) {
      const dir = path.join(root, key);
      mkdirSync(dir);
      const what = make(dir);
      folders.push([what, dir]);
      for (const worker of [true, false]) {
        const b = await loadBlocking(dir, worker);
        const label = `${what}, ${worker ? 'worker thread' : 'no worker'}`;
        console.log(
          `  ${label.padEnd(42)} ${b.longest.toFixed(0).padStart(13)} ${b.p99.toFixed(0).padStart(9)} ${b.max.toFixed(0).padStart(9)} ${b.firstMs.toFixed(0).padStart(14)} ${b.lintedMs.toFixed(0).padStart(9)}`,
        );
      }
    }
    const idle = await idleBlocking();
    console.log(
      `  ${'nothing to do (a busy thread)'.padEnd(42)} ${idle.longest.toFixed(0).padStart(13)} ${idle.p99.toFixed(0).padStart(9)} ${idle.max.toFixed(0).padStart(9)}`,
    );
    console.log('  a spawned server, a request every 20 ms until the first diagnostics: round trip (ms)');
    for (const [what, dir] of folders) {
      const r = await loadRoundTrips(dir);
      console.log(
        `  ${what.padEnd(42)} longest ${r.longest.toFixed(0).padStart(5)}   p99 ${r.p99.toFixed(0).padStart(5)}   median ${r.median.toFixed(0).padStart(4)}   (${r.n} requests; diagnostics after ${r.firstMs.toFixed(0)} ms)`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLspDisk();
}
