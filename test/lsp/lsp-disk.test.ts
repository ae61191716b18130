/**
 * A workspace folder's files on disk (src/lsp/disk.ts, src/lsp/listing.ts): listed in a worker
 * thread, read in steps, parsed where they are linted. A fresh server's diagnostics are the CLI's
 * findings, whichever thread lints; the server answers while a big file on disk is loaded; a file
 * that vanishes or grows over the limit while the folder loads is reported as the CLI reports it
 * and the rest is linted; a worker that fails (listing or lint) is replaced by the server's thread.
 * Nothing here is timed: waits are bounded as hang guards only.
 */
import assert from 'node:assert/strict';
import { cpSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import { readDisk } from '../../src/lsp/disk.js';
import { WORKER_SLICE_CHARS } from '../../src/lsp/project.js';
import type { Project } from '../../src/lsp/project.js';
import { Workspace } from '../../src/lsp/workspace.js';
import type { WorkspaceOptions } from '../../src/lsp/workspace.js';
import { Host, deployment, pairs, service, tmp, until, uri } from './lsp-helpers.js';
import { ROOT, cli, findingsOf } from '../support/util.js';

const WAIT_MS = 300_000;

/** The folder's first lint, done: its diagnostics by URI (those not empty). */
async function lintFolder(
  dir: string,
  options: WorkspaceOptions = {},
  prepare?: (ws: Workspace) => void,
): Promise<{ diagnostics: Map<string, Diagnostic[]>; ws: Workspace; host: Host; project: Project }> {
  const host = new Host();
  const ws = new Workspace(host, { debounceMs: 0, timing: true, ...options });
  prepare?.(ws);
  await ws.addFolder(dir);
  const project = ws.folders[0];
  // The lint's timing line says it has published (whether anything changed or not).
  const linted = () => host.logs.some((l) => /^lint /.test(l));
  await until('the first lint', ws, () => linted() && !project.dirty && !project.running, WAIT_MS);
  return { diagnostics: new Map([...host.current].filter(([, d]) => d.length)), ws, host, project };
}

/** Diagnostics as `file:line:column rule`, sorted (lines and columns 1-based, as the CLI's). */
function keys(dir: string, diagnostics: Map<string, Diagnostic[]>): string[] {
  const out: string[] = [];
  for (const [u, ds] of diagnostics) {
    const file = path.relative(dir, new URL(u).pathname);
    for (const d of ds) out.push(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`);
  }
  return out.sort();
}

function cliKeys(dir: string): string[] {
  const r = cli(['-f', 'json', '.'], { cwd: dir, timeout: WAIT_MS });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return findingsOf(r.stdout)
    .map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)
    .sort();
}

describe('lsp files on disk', { timeout: 900_000 }, () => {
  it("gives the CLI's findings, in the worker and in the server's thread", async () => {
    const dir = tmp({});
    cpSync(path.join(ROOT, 'examples', 'kustomize'), path.join(dir, 'kustomize'), { recursive: true });
    cpSync(path.join(ROOT, 'examples', 'shop'), path.join(dir, 'shop'), { recursive: true });
    writeFileSync(path.join(dir, 'big-on-disk.yaml'), pairs('disk', WORKER_SLICE_CHARS * 1.1));
    writeFileSync(path.join(dir, 'values.json'), '{"replicas": 3}\n');
    // Left out by the walk (a YAML error, no kind), and linted (a YAML error in a manifest).
    writeFileSync(path.join(dir, 'data.yaml'), 'a: [1, 2\nb: c\n');
    writeFileSync(path.join(dir, 'broken.yaml'), `${service('b')}  selector: [\n`);
    const expected = cliKeys(dir);
    assert.ok(expected.length >= 20, expected.join('\n'));
    const worker = await lintFolder(dir);
    const here = await lintFolder(dir, { workerChars: Infinity });
    try {
      assert.ok(worker.project.offThread && worker.project.worker, 'linted in the worker');
      assert.ok(!here.project.offThread, "linted in the server's thread");
      assert.deepEqual(keys(dir, worker.diagnostics), expected);
      assert.deepEqual(keys(dir, here.diagnostics), expected);
      assert.deepEqual(worker.diagnostics, here.diagnostics);
      // The server's thread kept the big file's text only: the worker parsed it.
      const big = worker.project.disk.get(path.join(dir, 'big-on-disk.yaml'));
      assert.ok(big && big.text.length > WORKER_SLICE_CHARS && big.file === undefined);
    } finally {
      worker.ws.dispose();
      here.ws.dispose();
    }
  });

  it('answers a request while a big file on disk is parsed in its thread, before its diagnostics', async () => {
    const dir = tmp({ 'big.yaml': pairs('app', WORKER_SLICE_CHARS * 2.5) });
    const host = new Host();
    const ws = new Workspace(host, { debounceMs: 0, timing: true, workerChars: Infinity });
    const big = uri(dir, 'big.yaml');
    const other = 'untitled:request';
    try {
      void ws.addFolder(dir);
      const project = ws.folders[0];
      let asked = -1;
      // Each turn of the event loop: once the big file is read and not yet parsed, a request
      // comes (an untitled document, linted on its own); the answer is its diagnostics.
      await new Promise<void>((resolve, reject) => {
        const end = Date.now() + WAIT_MS;
        const turn = () => {
          const d = project.disk.get(path.join(dir, 'big.yaml'));
          if (asked < 0 && d && d.file === undefined) {
            asked = host.publishes.length;
            ws.setDocument(other, 'yaml', 1, service('lonely'));
          }
          if (host.publishes.some((p) => p.uri === big)) return resolve();
          if (Date.now() > end) return reject(new Error('no diagnostics of big.yaml'));
          setImmediate(turn);
        };
        setImmediate(turn);
      });
      assert.ok(asked >= 0, 'a turn of the event loop between the read of big.yaml and its parse');
      const order = host.publishes.slice(asked).map((p) => p.uri);
      assert.ok(order.indexOf(other) >= 0 && order.indexOf(other) < order.indexOf(big), order.join(', '));
      assert.ok(host.codes(big).includes('service-target-port-unresolved'));
    } finally {
      ws.dispose();
    }
  });

  it('reports a file that vanishes or grows over the limit during the load as the CLI does, and lints the rest', async () => {
    const dir = tmp({
      'a.yaml': service('a', 'htttp'),
      'b.yaml': service('b', 'htttp'),
      'c.yaml': deployment('c'),
      'd.yaml': service('d', 'htttp'),
    });
    // Listed, then changed before they are read.
    const { diagnostics, ws, host } = await lintFolder(dir, {}, (w) => {
      const list = w.list.bind(w);
      w.list = async (...args) => {
        const listing = await list(...args);
        assert.equal(listing.files.length, 4);
        unlinkSync(path.join(dir, 'b.yaml'));
        truncateSync(path.join(dir, 'c.yaml'), 17 * 1024 * 1024);
        return listing;
      };
    });
    try {
      assert.ok(
        host.logs.some((l) => /^cannot read b\.yaml: ENOENT/.test(l)),
        host.logs.join('\n'),
      );
      assert.deepEqual(host.codes(uri(dir, 'c.yaml')), ['yaml-syntax']);
      assert.match(String(host.current.get(uri(dir, 'c.yaml'))?.[0].message), /more than the limit of 16 MiB/);
      assert.deepEqual(keys(dir, diagnostics), cliKeys(dir));
    } finally {
      ws.dispose();
    }

    // Between the size check and the read: the same answers from the reader.
    const dir2 = tmp({ 'a.yaml': service('a'), 'b.yaml': service('b'), 'c.yaml': service('c') });
    const files = ['a.yaml', 'b.yaml', 'c.yaml'].map((f) => ({ absPath: path.join(dir2, f), walked: true }));
    let pauses = 0;
    const { read, errors } = await readDisk(
      files,
      dir2,
      async () => {
        // After the three sizes and the first read.
        if (++pauses === 4) {
          unlinkSync(path.join(dir2, 'b.yaml'));
          writeFileSync(path.join(dir2, 'c.yaml'), service('c').repeat(40));
        }
      },
      { maxFileBytes: 1024, maxInputBytes: 1024 * 1024 },
    );
    assert.deepEqual(
      [...read.keys()].map((k) => path.basename(k)),
      ['a.yaml', 'c.yaml'],
    );
    assert.match(errors.map((e) => `${e.path}: ${e.message}`).join('\n'), /^b\.yaml: ENOENT/);
    const c = read.get(path.join(dir2, 'c.yaml'));
    assert.deepEqual(
      c?.file?.problems.map((p) => p.code),
      ['FILE_LIMIT'],
    );
  });

  it("lints a big file on disk in the server's thread when its worker fails twice", async () => {
    const dir = tmp({ 'deploy.yaml': deployment('web'), 'big.yaml': pairs('app', WORKER_SLICE_CHARS * 1.2) });
    const host = new Host();
    const ws = new Workspace(host, { debounceMs: 0, timing: true });
    try {
      await ws.addFolder(dir);
      const project = ws.folders[0];
      for (const n of [1, 2]) {
        await until(`a running job of the worker (${n})`, ws, () => project.running && !!project.worker, WAIT_MS);
        const thread = (project.worker as unknown as { worker?: { terminate(): Promise<number> } }).worker;
        assert.ok(thread, 'a worker thread');
        await thread.terminate();
        await until(`failure ${n}`, ws, () => host.logs.filter((l) => /lint worker .* failed/.test(l)).length === n);
      }
      assert.ok(host.logs.some((l) => /failed .*linting in the server's thread/.test(l)));
      await until(
        'the lint in the server thread',
        ws,
        () => host.logs.some((l) => /^lint .*: 2 files/.test(l)),
        WAIT_MS,
      );
      assert.equal(project.offThread, false);
      assert.ok(project.disk.get(path.join(dir, 'big.yaml'))?.file, 'parsed in the server thread');
      assert.deepEqual(keys(dir, new Map([...host.current].filter(([, d]) => d.length))), cliKeys(dir));
    } finally {
      ws.dispose();
    }
  });

  it("lists the folder in the server's thread when the listing worker cannot start", async () => {
    const dir = tmp({ 'deploy.yaml': deployment('web'), 'svc.yaml': service('web', 'htttp') });
    const listWorker = pathToFileURL(path.join(dir, 'no-such-worker.js'));
    const { ws, host } = await lintFolder(dir, { listWorker });
    try {
      assert.deepEqual(host.codes(uri(dir, 'svc.yaml')), ['service-target-port-unresolved']);
      assert.ok(
        host.logs.some((l) => /the listing worker failed/.test(l)),
        host.logs.join('\n'),
      );
      // A folder added later is listed too (by then in this thread).
      const dir2 = tmp({ 'svc.yaml': service('lonely') });
      await ws.addFolder(dir2);
      await until('the second folder', ws, () => host.codes(uri(dir2, 'svc.yaml')).length > 0);
    } finally {
      ws.dispose();
    }
  });
});
