/**
 * Slices linted in a worker thread (src/lsp/offthread.ts) against the same slices linted in the
 * server's thread at once: the same diagnostics for every document, open or on disk, Kustomize
 * groups, JSON and files that are no manifests included; quick fixes from the worker; the texts the
 * worker holds are not sent again; a worker that cannot start is a failed job, not a crash.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { settingsOf } from '../../src/engine/settings.js';
import type { Diagnostic } from 'vscode-languageserver';
import { SliceWorker } from '../../src/lsp/offthread.js';
import type { LintJob } from '../../src/lsp/offthread.js';
import { WORKER_SLICE_CHARS } from '../../src/lsp/project.js';
import { Workspace } from '../../src/lsp/workspace.js';
import { Host, deployment, pairs, service, tmp, until, uri } from './lsp-helpers.js';
import { ROOT } from '../support/util.js';

/** Lint a folder (with an open unsaved document) in a workspace; its diagnostics by URI once idle. */
async function lintFolder(
  dir: string,
  open: { name: string; text: string }[],
  workerChars: number | undefined,
): Promise<{ diagnostics: Map<string, Diagnostic[]>; ws: Workspace; host: Host }> {
  const host = new Host();
  const ws = new Workspace(host, { debounceMs: 0, workerChars });
  await ws.addFolder(dir);
  for (const o of open) ws.setDocument(uri(dir, o.name), 'yaml', 1, o.text);
  const project = ws.folders[0];
  await until(
    'the lint of the folder',
    ws,
    () =>
      project.ready &&
      !project.dirty &&
      !project.running &&
      open.every((o) => host.publishes.some((p) => p.uri === uri(dir, o.name))),
    120_000,
  );
  return { diagnostics: new Map([...host.current].filter(([, d]) => d.length)), ws, host };
}

describe('lsp slices linted in a worker thread', { timeout: 600_000 }, () => {
  for (const example of ['shop', 'kustomize']) {
    it(`gives the diagnostics of a lint at once: examples/${example}, a big file on disk and an unsaved one`, async () => {
      const dir = tmp({});
      cpSync(path.join(ROOT, 'examples', example), dir, { recursive: true });
      writeFileSync(path.join(dir, 'big-on-disk.yaml'), pairs('disk', WORKER_SLICE_CHARS * 0.6));
      writeFileSync(path.join(dir, 'values.json'), '{"replicas": 3}\n');
      writeFileSync(path.join(dir, 'list.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }));
      const open = [{ name: 'unsaved/open.yaml', text: pairs('open', WORKER_SLICE_CHARS * 0.6) }];
      const worker = await lintFolder(dir, open, undefined);
      const atOnce = await lintFolder(dir, open, Infinity);
      try {
        assert.ok(worker.ws.folders[0].offThread && worker.ws.folders[0].worker, 'linted in the worker');
        assert.ok(!atOnce.ws.folders[0].offThread && !atOnce.ws.folders[0].worker, 'linted at once');
        assert.ok(worker.host.logs.some((l) => /linted in a worker thread/.test(l)));
        assert.ok((worker.diagnostics.get(uri(dir, 'unsaved/open.yaml'))?.length ?? 0) >= 10);
        assert.ok((worker.diagnostics.get(uri(dir, 'big-on-disk.yaml'))?.length ?? 0) >= 10);
        assert.deepEqual(worker.diagnostics, atOnce.diagnostics);

        // Quick fixes: asked of the worker, the same as those of the lint at once.
        const u = uri(dir, 'unsaved/open.yaml');
        const ds = worker.diagnostics.get(u) ?? [];
        const fromWorker = await worker.ws.codeActions(u, ds);
        assert.ok(fromWorker.length >= ds.length, `${fromWorker.length} actions`);
        assert.deepEqual(fromWorker, await atOnce.ws.codeActions(u, ds));
      } finally {
        worker.ws.dispose();
        atOnce.ws.dispose();
      }
    });
  }

  it('sends a text once; a change stops a running job; a result made stale is not published', async () => {
    const dir = tmp({ 'deploy.yaml': deployment('web') });
    const text = pairs('app', WORKER_SLICE_CHARS * 1.2);
    const { ws, host } = await lintFolder(dir, [{ name: 'big.yaml', text }], undefined);
    try {
      const project = ws.folders[0];
      const w = project.worker;
      assert.ok(w);
      const sent: LintJob[] = [];
      const lint = w.lint.bind(w);
      w.lint = (job) => {
        const r = lint(job);
        sent.push(job);
        return r;
      };
      const big = uri(dir, 'big.yaml');
      // A change to the file on disk only: the open text is not sent again.
      writeFileSync(path.join(dir, 'deploy.yaml'), deployment('web', 'metrics'));
      ws.filesChanged([{ uri: uri(dir, 'deploy.yaml'), type: 2 }]);
      await until('the job', ws, () => sent.length === 1 && !project.running && !project.dirty, 120_000);
      const file = (id: string) => sent[0].files.find((f) => f.id === id);
      assert.equal(file(path.join(dir, 'big.yaml'))?.text, undefined);
      assert.ok(file(path.join(dir, 'deploy.yaml'))?.text?.includes('metrics'));

      // A change while a job runs stops it: only the newest version is published after it.
      const before = host.publishes.length;
      ws.setDocument(big, 'yaml', 2, text.replace('name: app-3\n', 'name: app-3x\n'));
      await until('a running job', ws, () => project.running, 120_000);
      ws.setDocument(big, 'yaml', 3, `${text}---\n${service('lonely')}`);
      await until('version 3', ws, () => host.publishes.slice(before).some((p) => p.version === 3), 120_000);
      const versions = host.publishes.slice(before).map((p) => p.version);
      assert.ok(!versions.includes(2), versions.join(','));
      assert.ok(host.codes(big).includes('service-selector-no-pods'));
    } finally {
      ws.dispose();
    }
  });

  it("starts a worker that ended again once, then lints the slice in the server's thread", async () => {
    const dir = tmp({ 'deploy.yaml': deployment('web') });
    const text = pairs('app', WORKER_SLICE_CHARS * 1.2);
    const { ws, host } = await lintFolder(dir, [{ name: 'big.yaml', text }], undefined);
    try {
      const project = ws.folders[0];
      const big = uri(dir, 'big.yaml');
      /** The worker thread of the slice ends while a job runs (as on a crash). */
      const endWhileRunning = async (version: number) => {
        ws.setDocument(big, 'yaml', version, `${text}---\n${service(`lonely-${version}`)}`);
        await until(`a running job of version ${version}`, ws, () => project.running, 120_000);
        const thread = (project.worker as unknown as { worker?: { terminate(): Promise<number> } }).worker;
        assert.ok(thread, 'a worker thread');
        await thread.terminate();
      };
      await endWhileRunning(2);
      await until('the first failure', ws, () => host.logs.some((l) => /failed .*starting it again/.test(l)), 120_000);
      await endWhileRunning(3);
      await until(
        'the fallback',
        ws,
        () => host.logs.some((l) => /failed .*linting in the server's thread/.test(l)),
        120_000,
      );
      await until(
        'version 3 published',
        ws,
        () => host.publishes.some((p) => p.uri === big && p.version === 3),
        120_000,
      );
      assert.equal(project.offThread, false);
      assert.equal(project.worker, undefined);
      assert.ok(host.codes(big).includes('service-selector-no-pods'));
    } finally {
      ws.dispose();
    }
  });

  it('ships beside the server: compiled, in the bundle, in the package', async () => {
    const bundle = path.join(ROOT, 'dist/src/bundle');
    // The server's chunk of the bundle loads the worker from its own folder.
    assert.ok(
      readdirSync(bundle).some((f) =>
        /new URL\("\.\/lint-worker\.js",\s*import\.meta\.url\)/.test(readFileSync(path.join(bundle, f), 'utf8')),
      ),
      'the bundle names the worker beside it',
    );
    const files = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
    assert.ok(files.includes('dist/src/'), 'dist/src/ (both workers) is in the package');
    const text = service('lonely');
    const settings = settingsOf(undefined, {}, '.', new Set(RULES.map((r) => r.meta.id))).settings;
    for (const module of ['dist/src/lsp/lint-worker.js', 'dist/src/bundle/lint-worker.js']) {
      const w = new SliceWorker(pathToFileURL(path.join(ROOT, module)));
      try {
        const r = await w.lint({
          type: 'lint',
          generation: 1,
          files: [{ id: 'untitled:a', name: 'untitled:a', open: true, json: false, rev: 1, text, version: 1 }],
          severities: {},
          settings,
        });
        assert.equal(r.type, 'done', module);
        assert.deepEqual(
          r.type === 'done' && r.publish.map((p) => (JSON.parse(p.json) as Diagnostic[]).map((d) => d.code)),
          [['service-selector-no-pods']],
          module,
        );
      } finally {
        w.dispose();
      }
    }
  });

  it('reports a worker that cannot start as a failed job', async () => {
    const w = new SliceWorker(new URL('./no-such-worker.js', import.meta.url));
    const r = await w.lint({ type: 'lint', generation: 1, files: [], severities: {}, settings: {} as never });
    assert.equal(r.type, 'failed');
    w.dispose();
  });
});
