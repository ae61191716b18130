/**
 * How long the language server's thread is held on a big document (a row of `npm run bench`;
 * alone: `node dist/bench/lsp-big.js [objects=100000]`): one open file of 100,000 small objects
 * (about 13 MB), opened, then edited near its top, linted in a worker thread (the default for a
 * slice of a million characters or more) and, for comparison, in the server's thread in steps.
 * For each lint: the longest time between two turns of the event loop (what another request may
 * wait), the event-loop delay's 99th percentile and maximum (`monitorEventLoopDelay`), and the
 * time to the publish; and, for scale, the same measures on a thread with nothing to do beside a
 * busy one. In process, debounce 0. Then the round trip of requests to a spawned server while it
 * lints the same document (`requestRoundTrips`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { Workspace } from '../src/lsp/workspace.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/kube-netlint.js');

/** 100,000 objects (Services without selector, ConfigMaps): about 13 MB, few findings. */
export function bigDocument(objects = 100_000): string {
  const parts: string[] = [];
  for (let i = 0; i < objects; i++) {
    parts.push(
      i % 2 === 0
        ? `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: ns-${i % 50}\nspec:\n  clusterIP: None\n  ports:\n    - name: http\n      port: 80\n`
        : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ns-${i % 50}\ndata:\n  key: value-${i}\n`,
    );
  }
  return parts.join('---\n');
}

export interface Blocking {
  /** Longest gap between event-loop turns from the change to the publish (ms). */
  longest: number;
  /** Event-loop delay over the same time: 99th percentile and maximum (ms). */
  p99: number;
  max: number;
  totalMs: number;
}

/**
 * The longest time between two turns of this thread's event loop, watched from now until `stop`
 * (`reset` starts a new measure).
 */
export function watchBlocks(): { readonly longest: number; reset(): void; stop(): void } {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get longest() {
      return longest;
    },
    reset() {
      longest = 0;
      last = performance.now();
    },
    stop() {
      running = false;
    },
  };
}

/** Open the document, then edit near its top; the blocking of each lint. */
export async function bigDocumentBlocking(
  objects = 100_000,
  worker = true,
): Promise<{ chars: number; open: Blocking; edit: Blocking }> {
  const text = bigDocument(objects);
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-lsp-big-'));
  let linted = 0;
  const ws = new Workspace(
    {
      publish: () => undefined,
      // The timing line comes when a lint has published (whether or not anything changed).
      log: (m) => {
        if (/^lint .*: 1 files/.test(m)) linted++;
      },
      warn: () => undefined,
    },
    { debounceMs: 0, timing: true, workerChars: worker ? undefined : Infinity },
  );
  const blocks = watchBlocks();
  try {
    await ws.addFolder(dir);
    const uri = pathToFileURL(path.join(dir, 'big.yaml')).href;
    const run = async (version: number, t: string): Promise<Blocking> => {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const t0 = performance.now();
      blocks.reset();
      const done = linted + 1;
      delay.enable();
      ws.setDocument(uri, 'yaml', version, t);
      while (linted < done) await new Promise((r) => setTimeout(r, 1));
      delay.disable();
      const ms = (ns: number) => ns / 1e6;
      return {
        longest: blocks.longest,
        p99: ms(delay.percentile(99)),
        max: ms(delay.max),
        totalMs: performance.now() - t0,
      };
    };
    const open = await run(1, text);
    const edit = await run(2, text.replace('name: svc-2\n', 'name: svc-2x\n'));
    return { chars: text.length, open, edit };
  } finally {
    blocks.stop();
    ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same measures on a thread with nothing to do while another thread computes for `ms`: what
 * the machine alone costs (on a shared machine, waits for a core show here too).
 */
export async function idleBlocking(ms = 3000): Promise<Blocking> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const busy = new Worker(`const end = Date.now() + ${ms}; while (Date.now() < end);`, { eval: true });
  const t0 = performance.now();
  let last = t0;
  let longest = 0;
  delay.enable();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (now - t0 < ms) setImmediate(tick);
      else resolve();
    };
    setImmediate(tick);
  });
  delay.disable();
  await busy.terminate();
  return { longest, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, totalMs: performance.now() - t0 };
}

/**
 * The same document through a spawned server (`kube-netlint lsp --stdio`, debounce 0): requests
 * sent every 20 ms while the open and then an edit near the top are linted; the round trip of
 * each (a hover, which the server answers with "method not found" from its own thread), longest
 * and median, and how many were sent.
 */
export async function requestRoundTrips(
  objects = 100_000,
): Promise<{ what: string; longest: number; median: number; n: number }[]> {
  const text = bigDocument(objects);
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-netlint-lsp-big-'));
  const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: 'pipe' });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let linted = 0;
  conn.onNotification('window/logMessage', (m: { message: string }) => {
    if (/^kube-netlint: lint .*: 1 files/.test(m.message)) linted++;
  });
  conn.onNotification('textDocument/publishDiagnostics', () => undefined);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  try {
    const folder = pathToFileURL(dir).href;
    await conn.sendRequest('initialize', {
      processId: null,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'big' }],
      initializationOptions: { debounce: 0, timing: true },
      capabilities: {},
    });
    await conn.sendNotification('initialized', {});
    const uri = pathToFileURL(path.join(dir, 'big.yaml')).href;
    const probe = async (what: string, change: () => Promise<void>) => {
      const done = linted + 1;
      const trips: number[] = [];
      await change();
      while (linted < done) {
        const t0 = performance.now();
        await conn
          .sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } })
          .catch(() => undefined);
        trips.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 20));
      }
      trips.sort((a, b) => a - b);
      return { what, longest: trips.at(-1) ?? 0, median: trips[trips.length >> 1] ?? 0, n: trips.length };
    };
    const open = await probe('open', () =>
      conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } }),
    );
    const at = text.indexOf('name: svc-2\n') + 'name: svc-2'.length;
    const line = text.slice(0, at).split('\n').length - 1;
    const character = at - text.lastIndexOf('\n', at - 1) - 1;
    const edit = await probe('edit near the top', () =>
      conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: 'x' }],
      }),
    );
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    return [open, edit];
  } finally {
    conn.dispose();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench rows. */
export async function benchLspBig(objects = 100_000): Promise<void> {
  const rows: [string, Blocking][] = [];
  let chars = 0;
  for (const worker of [true, false]) {
    const r = await bigDocumentBlocking(objects, worker);
    chars = r.chars;
    const where = worker ? 'worker thread' : 'in steps, no worker';
    rows.push([`open, ${where}`, r.open], [`edit, ${where}`, r.edit]);
  }
  rows.push(['nothing to do (a busy thread)', await idleBlocking()]);
  console.log(
    `\nlanguage server, one open document of ${objects.toLocaleString('en-US')} objects (${(chars / 1e6).toFixed(1)} MB): how long the server's thread is held (ms)`,
  );
  console.log(
    `  ${''.padEnd(29)} ${'longest block'.padStart(13)} ${'delay p99'.padStart(9)} ${'delay max'.padStart(9)} ${'to publish'.padStart(10)}`,
  );
  for (const [what, b] of rows)
    console.log(
      `  ${what.padEnd(29)} ${b.longest.toFixed(0).padStart(13)} ${b.p99.toFixed(0).padStart(9)} ${b.max.toFixed(0).padStart(9)} ${b.totalMs.toFixed(0).padStart(10)}`,
    );
  console.log('  a spawned server (worker thread), a request every 20 ms while it lints: round trip (ms)');
  for (const r of await requestRoundTrips(objects))
    console.log(
      `  ${r.what.padEnd(29)} longest ${r.longest.toFixed(0).padStart(5)}   median ${r.median.toFixed(0).padStart(4)}   (${r.n} requests)`,
    );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLspBig(Number(process.argv[2]) || 100_000);
}
