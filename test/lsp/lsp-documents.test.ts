/**
 * Documents the language server lints beyond the files on disk, and big ones: unsaved buffers of a
 * workspace folder (linted with the folder), untitled buffers (alone), and slices big enough to be
 * linted in steps (the same findings as one run, the event loop served meanwhile, a change stops it).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { settingsOf } from '../../src/engine/settings.js';
import { loadInput } from '../../src/load/input.js';
import { loadText } from '../../src/load/load.js';
import { lintSlice, lintSliceInSteps } from '../../src/lsp/lint.js';
import { BIG_SLICE_CHARS } from '../../src/lsp/project.js';
import { Workspace } from '../../src/lsp/workspace.js';
import { Host, deployment, service, setup, until, uri } from './lsp-helpers.js';
import { ROOT } from '../support/util.js';

/** Wait for a condition without running pending lints (as `until` does): the debounce and the steps do. */
async function waitFor(what: string, cond: () => boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('lsp unsaved and untitled documents', () => {
  it('lints a new, unsaved file of a folder with the folder, and forgets it when closed unsaved', async () => {
    const { dir, host, ws } = await setup({ 'deploy.yaml': deployment('web') });
    try {
      const fresh = uri(dir, 'k8s/new-svc.yaml');
      assert.equal(existsSync(path.join(dir, 'k8s/new-svc.yaml')), false);
      ws.setDocument(fresh, 'yaml', 1, service('web', 'htttp'));
      // Linted with the folder: the Deployment on disk is what its targetPort is checked against.
      await until('diagnostics of the unsaved file', ws, () =>
        host.codes(fresh).includes('service-target-port-unresolved'),
      );
      const d = host.current.get(fresh)?.find((x) => x.code === 'service-target-port-unresolved');
      assert.match(String(d?.message), /htttp/);
      assert.ok(
        d?.relatedInformation?.some((r) => r.location.uri === uri(dir, 'deploy.yaml')),
        'related: the Deployment on disk',
      );
      // Fixed in the buffer: cleared; broken again, then closed without saving: cleared.
      ws.setDocument(fresh, 'yaml', 2, service('web'));
      await until('the fix', ws, () => host.codes(fresh).length === 0);
      ws.setDocument(fresh, 'yaml', 3, service('nope'));
      await until('a finding again', ws, () => host.codes(fresh).includes('service-selector-no-pods'));
      ws.closeDocument(fresh);
      await until('cleared on close', ws, () => host.codes(fresh).length === 0);
      assert.equal(ws.folders[0].unsaved.size, 0);
    } finally {
      ws.dispose();
    }
  });

  it('lints an untitled buffer alone', async () => {
    const host = new Host();
    const ws = new Workspace(host, { debounceMs: 0 });
    try {
      const u = 'untitled:Untitled-1';
      ws.setDocument(u, 'yaml', 1, `${deployment('web')}---\n${service('web', 'htttp')}`);
      await until('diagnostics of the untitled buffer', ws, () =>
        host.codes(u).includes('service-target-port-unresolved'),
      );
      ws.setDocument(u, 'yaml', 2, 'a: [\n');
      await until('a syntax error', ws, () => host.codes(u).includes('yaml-syntax'));
      ws.closeDocument(u);
      assert.deepEqual(host.codes(u), []);
    } finally {
      ws.dispose();
    }
  });
});

/** Manifest folders of the repository (examples and rule fixtures): each linted as one slice. */
function folders(): string[] {
  const out: string[] = [];
  for (const top of ['examples', 'test-fixtures']) {
    for (const name of readdirSync(path.join(ROOT, top))) {
      const dir = path.join(ROOT, top, name);
      if (statSync(dir).isDirectory()) out.push(dir);
    }
  }
  return out;
}

describe('lsp lint in steps', () => {
  it('gives the findings of one run, on every example and fixture folder', async () => {
    const settings = settingsOf(undefined, {}, '.', new Set(RULES.map((r) => r.meta.id))).settings;
    let compared = 0;
    for (const dir of folders()) {
      const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
        .map((f) => ({ id: f, file: loadText(f, readFileSync(path.join(dir, f), 'utf8')) }));
      if (!files.length) continue;
      const once = lintSlice(files, undefined, { rules: RULES, settings });
      let pauses = 0;
      const steps = await lintSliceInSteps(files, undefined, { rules: RULES, settings }, async () => (pauses++, false));
      assert.ok(steps, dir);
      const key = (r: typeof once) =>
        r.findings.map((f) => [f.ruleId, f.file.path, f.range, f.message, f.fingerprint, f.severity]);
      assert.deepEqual(key(steps), key(once), dir);
      assert.ok(pauses > RULES.length / 2, `${dir}: ${pauses} pauses`);
      compared++;
    }
    assert.ok(compared > 20, `${compared} folders`);
  });

  for (const [how, workerChars] of [
    ['in a worker thread', undefined],
    ["in the server's thread in steps", Infinity],
  ] as const)
    it(`lints a big document ${how}, serving the event loop meanwhile; a change stops the run`, async () => {
      // About 2.5 MB: 4,000 Deployment/Service pairs, one Service broken.
      const parts: string[] = [];
      for (let i = 0; parts.join('---\n').length < BIG_SLICE_CHARS * 1.2; i++)
        parts.push(deployment(`app-${i}`), service(`app-${i}`, i === 7 ? 'htttp' : 'http'));
      const text = parts.join('---\n');
      const { dir, host, ws } = await setup({}, workerChars);
      try {
        const big = uri(dir, 'big.yaml');
        ws.setDocument(big, 'yaml', 1, text);
        // The first lint, forced at once here (`until` flushes pending lints).
        await until('the first lint', ws, () => host.codes(big).includes('service-target-port-unresolved'), 60_000);
        const project = ws.folders[0];
        assert.ok(project.big, `${project.chars} characters`);
        assert.equal(project.offThread, workerChars === undefined);

        const v3 = `${text}---\n${service('lonely')}`;
        // An edit: linted in steps after the size-scaled debounce. The event loop turns meanwhile.
        ws.setDocument(
          big,
          'yaml',
          2,
          text.replace('targetPort: htttp', 'targetPort: http').replace('name: app-3\n', 'name: app-3x\n'),
        );
        let turns = 0;
        let sawRunning = false;
        let stopped = false;
        await waitFor('the lint in steps of version 2', () => {
          turns++;
          if (project.running) sawRunning = true;
          if (project.running && !stopped) {
            // A change while it runs: this run stops, the change's lint publishes version 3.
            stopped = true;
            ws.setDocument(big, 'yaml', 3, v3);
          }
          const last = host.publishes.filter((p) => p.uri === big).at(-1);
          return !project.running && !project.dirty && last?.version === 3;
        }).catch((e: Error) => assert.fail(`${e.message}; ${turns} turns`));
        assert.ok(sawRunning, 'a lint in steps ran');
        const after = host.current.get(big) ?? [];
        // Version 3 has the broken port again (made from the original text), and a Service that selects nothing.
        assert.deepEqual(after.map((d) => d.code).sort(), [
          'service-selector-no-pods',
          'service-target-port-unresolved',
        ]);
        // No publish for version 2's text came after the change was made.
        const versions = host.publishes.filter((p) => p.uri === big).map((p) => p.version);
        assert.ok(!versions.includes(2) || versions.lastIndexOf(2) < versions.indexOf(3), versions.join(','));
        // The same diagnostics as a lint at once of the same text.
        const fresh = new Host();
        // Linted at once, in this thread (`until` runs the pending lint).
        const ws2 = new Workspace(fresh, { debounceMs: 0, workerChars: Infinity });
        try {
          await ws2.addFolder(dir);
          ws2.setDocument(big, 'yaml', 3, v3);
          await until('the fresh lint', ws2, () => fresh.current.has(big), 60_000);
          assert.deepEqual(fresh.current.get(big), after);
        } finally {
          ws2.dispose();
        }
      } finally {
        ws.dispose();
      }
    });
});

describe('lsp Kustomize roots on the input road', () => {
  const kustomization = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

  it("lints a root's resources outside the config's roots with it, as the CLI does", async () => {
    // The config's roots name the overlay only; its base lies outside the walk and is read for it.
    const { dir, host, ws } = await setup({
      '.kube-netlint.yaml': 'roots:\n  - overlays/prod\n',
      'base/kustomization.yaml': kustomization('resources:\n  - deploy.yaml\n'),
      'base/deploy.yaml': deployment('web'),
      'overlays/prod/kustomization.yaml': kustomization('resources:\n  - ../../base\n  - svc.yaml\n'),
      'overlays/prod/svc.yaml': service('web', 'htttp'),
    });
    try {
      // Without the base, the Service would select no pod; with it, its targetPort is checked.
      assert.deepEqual(host.codes(uri(dir, 'overlays/prod/svc.yaml')), ['service-target-port-unresolved']);
      const d = host.current.get(uri(dir, 'overlays/prod/svc.yaml'))?.[0];
      assert.ok(
        d?.relatedInformation?.some((r) => r.location.uri === uri(dir, 'base/deploy.yaml')),
        JSON.stringify(d?.relatedInformation),
      );
      // An unsaved file of the folder joins the files outside the Kustomize trees.
      const fresh = uri(dir, 'overlays/prod/new.yaml');
      ws.setDocument(fresh, 'yaml', 1, service('lonely'));
      await until('the unsaved file linted', ws, () => host.codes(fresh).includes('service-selector-no-pods'));
    } finally {
      ws.dispose();
    }
  });

  it('puts the objects of a root in the namespace its kustomization sets, as the CLI does', async () => {
    const { dir, host, ws } = await setup({
      'config/manager/kustomization.yaml': kustomization('resources:\n  - manager.yaml\n'),
      'config/manager/manager.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: system\n---\n${deployment('controller')}`,
      'config/webhook/kustomization.yaml': kustomization('resources:\n  - service.yaml\n'),
      'config/webhook/service.yaml': service('controller').replace('metadata:\n', 'metadata:\n  namespace: system\n'),
      'config/default/kustomization.yaml': kustomization(
        'namespace: app-system\nresources:\n  - ../manager\n  - ../webhook\n',
      ),
    });
    try {
      // Written, the Service is in "system" and the Deployment in "default"; built, both are in "app-system".
      assert.match(readFileSync(path.join(dir, 'config/webhook/service.yaml'), 'utf8'), /namespace: system/);
      assert.deepEqual(host.codes(uri(dir, 'config/webhook/service.yaml')), []);
    } finally {
      ws.dispose();
    }
  });

  it('does not read again what the caller has read', async () => {
    const { dir, ws } = await setup({
      'base/kustomization.yaml': kustomization('resources:\n  - deploy.yaml\n'),
      'base/deploy.yaml': deployment('web'),
      'prod/kustomization.yaml': kustomization('resources:\n  - ../base\n'),
    });
    ws.dispose();
    const input = await loadInput(['prod'], {
      cwd: dir,
      parser: 'yaml',
      alreadyRead: () => true,
      kustomize: { command: null, walked: ['prod'] },
    });
    assert.deepEqual(input.files, []);
    const slices = input.kustomize?.slices ?? [];
    assert.deepEqual(
      slices.map((s) => s.files.length),
      [0],
    );
    // The root's resources, by path, though none was read here.
    assert.deepEqual(
      slices.flatMap((s) => (s.paths ?? []).map((p) => path.relative(dir, p))),
      [path.join('base', 'deploy.yaml')],
    );
  });
});
