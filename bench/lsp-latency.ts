/**
 * Editor latency of `kube-netlint lsp`: on a generated workspace (1,000 objects by default), the
 * time from sending a `didChange` of one open file to receiving its `publishDiagnostics`, with the
 * debounce set to 0. Each edit toggles a Service's `port` between 80 and an out-of-range 99999, so
 * every edit changes the file's diagnostics. Prints median and p95.
 *
 *   node dist/bench/lsp-latency.js [objects=1000] [edits=30]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { generate } from './generate.js';

const objects = Number(process.argv[2] ?? 1000) || 1000;
const edits = Number(process.argv[3] ?? 30) || 30;
const WARMUP = 5;
const TIMEOUT_MS = 30_000;

const BIN = path.resolve(import.meta.dirname, '../../bin/kube-netlint.js');
const root = mkdtempSync(path.join(tmpdir(), 'kube-netlint-lsp-bench-'));
const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));

try {
  const g = generate(path.join(root, 'cluster'), objects);
  const dir = path.join(g.dir, 'ns-0');
  const file = path.join(dir, readdirSync(dir).sort()[0]);
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');

  const waiters = new Map<number, (t: number) => void>();
  const timings: string[] = [];
  let firstPublish: number | undefined;
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const now = performance.now();
    firstPublish ??= now;
    if (p.uri === uri && p.version !== undefined) waiters.get(p.version)?.(now);
  });
  conn.onNotification('window/logMessage', (m: { message: string }) => {
    if (m.message.startsWith('kube-netlint: lint ')) timings.push(m.message);
  });
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();

  const wait = (version: number) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for version ${version} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      timer.unref();
      waiters.set(version, (t) => {
        clearTimeout(timer);
        waiters.delete(version);
        resolve(t);
      });
    });

  const folder = pathToFileURL(g.dir).href;
  const t0 = performance.now();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: folder,
    workspaceFolders: [{ uri: folder, name: 'bench' }],
    initializationOptions: { debounce: 0, timing: true },
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
  });
  await conn.sendNotification('initialized', {});
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });

  // The first Service `port: 80` of the file, as an LSP position.
  const offset = text.indexOf('      port: 80\n') + '      port: '.length;
  const before = text.slice(0, offset).split('\n');
  const line = before.length - 1;
  const character = before[line].length;
  let current = '80';

  const samples: number[] = [];
  for (let i = 0; i < WARMUP + edits; i++) {
    const version = i + 2;
    const got = wait(version);
    const next = current === '80' ? '99999' : '80';
    const range = { start: { line, character }, end: { line, character: character + current.length } };
    current = next;
    const sent = performance.now();
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text: next }],
    });
    const received = await got;
    if (i >= WARMUP) samples.push(received - sent);
  }

  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');

  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)];
  console.log(`kube-netlint lsp latency (node ${process.version}, ${process.platform}/${process.arch})`);
  console.log(`workspace: ${g.objects} objects in ${g.files} files (${(g.bytes / 1e6).toFixed(2)} MB); edited file ${path.relative(g.dir, file)} (${(text.length / 1e3).toFixed(0)} kB)`);
  console.log(`startup (initialize → first diagnostics published): ${firstPublish === undefined ? '?' : (firstPublish - t0).toFixed(0)} ms`);
  console.log(`didChange → publishDiagnostics over ${samples.length} edits (after ${WARMUP} warm-up edits), debounce 0:`);
  console.log(
    `  median ${pct(50).toFixed(1)} ms   p95 ${pct(95).toFixed(1)} ms   min ${samples[0].toFixed(1)} ms   max ${samples[samples.length - 1].toFixed(1)} ms`,
  );
  const last = timings.slice(-edits);
  const phase = (re: RegExp) => {
    const v = last.map((m) => Number(re.exec(m)?.[1] ?? NaN)).filter((n) => !Number.isNaN(n)).sort((a, b) => a - b);
    return v.length ? v[Math.floor(v.length / 2)].toFixed(1) : '?';
  };
  console.log(
    `  server-side medians: parse ${phase(/parse ([\d.]+) ms/)} ms, model+graph+rules ${phase(/rules ([\d.]+) ms/)} ms, diagnostics+publish ${phase(/publish ([\d.]+) ms/)} ms`,
  );
} finally {
  conn.dispose();
  if (child.exitCode === null) child.kill();
  rmSync(root, { recursive: true, force: true });
}
