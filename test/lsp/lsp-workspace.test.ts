/** The language server's workspace logic and quick-fix edits, without a process or a connection. */
import assert from 'node:assert/strict';
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import type { Finding } from '../../src/engine/types.js';
import { loadText } from '../../src/load/load.js';
import { disableLineEdit, ignoreObjectEdit } from '../../src/lsp/actions.js';
import type { OffsetEdit } from '../../src/lsp/actions.js';
import { toRange } from '../../src/lsp/convert.js';
import { deployment, service, setup, tmp, until, uri, write } from './lsp-helpers.js';

describe('lsp workspace', () => {
  it('lints the folder as the CLI does: config severities, ignorePatterns, .gitignore, Helm charts, non-manifests', async () => {
    const { dir, host, ws } = await setup({
      '.kube-netlint.yaml': 'rules:\n  service-target-port-unresolved: warning\nignorePatterns:\n  - skipped/**\n',
      '.gitignore': 'rendered/\n',
      'deploy.yaml': deployment('web'),
      'svc.yaml': service('web', 'htttp'),
      'skipped/svc.yaml': service('nope'),
      'rendered/svc.yaml': service('nope'),
      'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n',
      'chart/templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
      'values.yaml': 'replicas: 3\n',
    });
    try {
      assert.deepEqual(host.codes(uri(dir, 'svc.yaml')), ['service-target-port-unresolved']);
      assert.equal(host.current.get(uri(dir, 'svc.yaml'))?.[0].severity, 2, 'the config makes it a warning');
      for (const f of [
        'skipped/svc.yaml',
        'rendered/svc.yaml',
        'chart/templates/svc.yaml',
        'values.yaml',
        'deploy.yaml',
      ]) {
        assert.equal(host.current.get(uri(dir, f)), undefined, f);
      }
    } finally {
      ws.dispose();
    }
  });

  it("lints only the config's roots when it names them", async () => {
    const { dir, host, ws } = await setup({
      '.kube-netlint.yaml': 'roots:\n  - k8s\n',
      'k8s/deploy.yaml': deployment('web'),
      'k8s/svc.yaml': service('web', 'htttp'),
      'other/svc.yaml': service('other'),
    });
    try {
      assert.deepEqual(host.codes(uri(dir, 'k8s/svc.yaml')), ['service-target-port-unresolved']);
      assert.equal(host.current.get(uri(dir, 'other/svc.yaml')), undefined);
    } finally {
      ws.dispose();
    }
  });

  it('leaves Kustomize patches out of the slice and lints each top-level root with its own resources', async () => {
    const kustomization = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
    // The patch is a partial Deployment: read as an object it is a patch of web (duplicate-object).
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n';
    const { dir, host, ws } = await setup({
      'base/kustomization.yaml': kustomization('resources:\n  - deploy.yaml\n  - svc.yaml\n'),
      'base/deploy.yaml': deployment('web'),
      'base/svc.yaml': service('web'),
      'prod/kustomization.yaml': kustomization('resources:\n  - ../base\npatches:\n  - path: replicas.yaml\n'),
      'prod/replicas.yaml': patch,
      'dev/kustomization.yaml': kustomization('resources:\n  - ../base\n  - extra.yaml\n'),
      'dev/extra.yaml': service('api'),
      'plain/svc.yaml': service('web', 'htttp'),
    });
    try {
      for (const f of ['prod/replicas.yaml', 'base/deploy.yaml', 'base/svc.yaml'])
        assert.equal(host.current.get(uri(dir, f)), undefined, f);
      // A root's own resource is linted with the base it uses: the Service selects no pod there.
      assert.deepEqual(host.codes(uri(dir, 'dev/extra.yaml')), ['service-selector-no-pods']);
      // Files outside the Kustomize trees are their own slice: no Deployment web there.
      assert.ok(
        host.codes(uri(dir, 'plain/svc.yaml')).includes('service-selector-no-pods'),
        host.codes(uri(dir, 'plain/svc.yaml')).join(),
      );
      // An overlay that lists the file as a resource instead: the folder is planned again, and the
      // file is now an object of that root (a partial Deployment web, which duplicate-object
      // reports as a patch of the definition in base/).
      write(dir, 'prod/kustomization.yaml', kustomization('resources:\n  - ../base\n  - replicas.yaml\n'));
      ws.filesChanged([{ uri: uri(dir, 'prod/kustomization.yaml'), type: 2 }]);
      await until('the patch read as a resource', ws, () =>
        host.codes(uri(dir, 'prod/replicas.yaml')).includes('duplicate-object'),
      );
    } finally {
      ws.dispose();
    }
  });

  it('overlays open buffers, re-lints the whole slice and clears files that became clean', async () => {
    const { dir, host, ws } = await setup({ 'deploy.yaml': deployment('web', 'web'), 'svc.yaml': service('web') });
    try {
      const svc = uri(dir, 'svc.yaml');
      assert.deepEqual(host.codes(svc), ['service-target-port-unresolved']);
      // Fix the Deployment in the editor (unsaved): the Service file is cleared.
      ws.setDocument(uri(dir, 'deploy.yaml'), 'yaml', 1, deployment('web', 'http'));
      ws.flush();
      assert.deepEqual(host.current.get(svc), []);
      // Close without saving: the file on disk counts again.
      ws.closeDocument(uri(dir, 'deploy.yaml'));
      await until('the closed file to be re-read', ws, () => host.codes(svc).length === 1);
      // Only changed URIs are published.
      const n = host.publishes.length;
      ws.setDocument(svc, 'yaml', 1, service('web'));
      ws.flush();
      assert.equal(host.publishes.length, n, 'nothing changed, nothing published');
    } finally {
      ws.dispose();
    }
  });

  it('follows files created, changed and deleted on disk', async () => {
    const { dir, host, ws } = await setup({ 'deploy.yaml': deployment('web') });
    try {
      write(dir, 'svc.yaml', service('web', 'htttp'));
      ws.filesChanged([{ uri: uri(dir, 'svc.yaml'), type: 1 }]);
      await until('the created file', ws, () => host.codes(uri(dir, 'svc.yaml')).length === 1);
      write(dir, 'svc.yaml', service('web', 'http'));
      ws.filesChanged([{ uri: uri(dir, 'svc.yaml'), type: 2 }]);
      await until('the changed file', ws, () => host.codes(uri(dir, 'svc.yaml')).length === 0);
      write(dir, 'svc.yaml', service('web', 'htttp'));
      ws.filesChanged([{ uri: uri(dir, 'svc.yaml'), type: 2 }]);
      await until('the changed file', ws, () => host.codes(uri(dir, 'svc.yaml')).length === 1);
      unlinkSync(path.join(dir, 'svc.yaml'));
      ws.filesChanged([{ uri: uri(dir, 'svc.yaml'), type: 3 }]);
      await until('the deleted file', ws, () => host.codes(uri(dir, 'svc.yaml')).length === 0);
    } finally {
      ws.dispose();
    }
  });

  it('gives a nested workspace folder its own slice and config', async () => {
    const { dir, host, ws } = await setup({
      'svc.yaml': service('web'),
      'team/.kube-netlint.yaml': 'rules:\n  service-selector-no-pods: warning\n',
      'team/svc.yaml': service('api'),
    });
    try {
      assert.equal(host.current.get(uri(dir, 'team/svc.yaml'))?.[0]?.severity, 1, 'the outer folder has no config');
      await ws.addFolder(path.join(dir, 'team'));
      ws.flush();
      await until(
        'the nested folder to take its file',
        ws,
        () => host.current.get(uri(dir, 'team/svc.yaml'))?.[0]?.severity === 2,
      );
      assert.equal(host.current.get(uri(dir, 'svc.yaml'))?.[0]?.severity, 1);
      ws.removeFolder(path.join(dir, 'team'));
      await until(
        'the outer folder to take it back',
        ws,
        () => host.current.get(uri(dir, 'team/svc.yaml'))?.[0]?.severity === 1,
      );
    } finally {
      ws.dispose();
    }
  });

  it('reports an invalid config on the config file and lints with the defaults', async () => {
    const { dir, host, ws } = await setup({
      '.kube-netlint.yaml': 'rules:\n  no-such-rule: off\n',
      'svc.yaml': service('web'),
    });
    try {
      assert.deepEqual(host.codes(uri(dir, '.kube-netlint.yaml')), ['config']);
      assert.match(String(host.current.get(uri(dir, '.kube-netlint.yaml'))?.[0].message), /no-such-rule/);
      assert.deepEqual(host.codes(uri(dir, 'svc.yaml')), ['service-selector-no-pods']);
      assert.equal(host.warnings.length, 1);
      write(dir, '.kube-netlint.yaml', 'rules:\n  service-selector-no-pods: off\n');
      ws.filesChanged([{ uri: uri(dir, '.kube-netlint.yaml'), type: 2 }]);
      await until('the config to be re-read', ws, () => host.codes(uri(dir, 'svc.yaml')).length === 0);
      assert.deepEqual(host.current.get(uri(dir, '.kube-netlint.yaml')), []);
    } finally {
      ws.dispose();
    }
  });

  it('lints a document outside every folder on its own, and clears it on close', async () => {
    const { host, ws } = await setup({ 'deploy.yaml': deployment('web') });
    const other = tmp({});
    const loose = uri(other, 'svc.yaml');
    try {
      ws.setDocument(loose, 'yaml', 1, service('web'));
      await until('the loose document', ws, () => host.codes(loose).length === 1);
      assert.deepEqual(
        host.codes(loose),
        ['service-selector-no-pods'],
        'the Deployment of the folder is not in its slice',
      );
      ws.setDocument('untitled:Untitled-1', 'yaml', 1, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [\n');
      await until('the untitled document', ws, () => host.codes('untitled:Untitled-1').includes('yaml-syntax'));
      ws.closeDocument(loose);
      ws.closeDocument('untitled:Untitled-1');
      assert.deepEqual(host.current.get(loose), []);
      assert.deepEqual(host.current.get('untitled:Untitled-1'), []);
    } finally {
      ws.dispose();
    }
  });

  it('code actions come from the latest lint and carry versioned edits', async () => {
    const { dir, host, ws } = await setup({ 'deploy.yaml': deployment('web'), 'svc.yaml': service('web') });
    try {
      const svc = uri(dir, 'svc.yaml');
      ws.setDocument(svc, 'yaml', 7, service('web', 'htttp'));
      ws.flush();
      const [d] = host.current.get(svc) ?? [];
      assert.equal(d?.code, 'service-target-port-unresolved');
      const actions = await ws.codeActions(svc, [d]);
      assert.deepEqual(
        actions.map((a) => a.title),
        [
          'Change targetPort to "http"',
          'Disable service-target-port-unresolved for this line',
          'Ignore service-target-port-unresolved for this object',
        ],
      );
      const change = actions[0].edit?.documentChanges?.[0];
      assert.ok(change && 'textDocument' in change);
      assert.deepEqual(change.textDocument, { uri: svc, version: 7 });
      // Without `data` (a client that drops it), the finding is found by rule and range.
      assert.equal((await ws.codeActions(svc, [{ ...d, data: undefined }])).length, 3);
      // A diagnostic from an older lint whose problem is gone gets no actions.
      ws.setDocument(svc, 'yaml', 8, service('web', 'http'));
      assert.deepEqual(await ws.codeActions(svc, [d]), []);
    } finally {
      ws.dispose();
    }
  });
});

/** Lint one text and apply an edit to it. */
function findingsOf(text: string, name = 'x.yaml'): Finding[] {
  const file = loadText(name, text, `/tmp/${name}`);
  return lint([file], { rules: RULES, settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] } })
    .findings;
}
const apply = (text: string, e: OffsetEdit) => text.slice(0, e.range[0]) + e.newText + text.slice(e.range[1]);

describe('lsp quick-fix edits', () => {
  const svc = service('web');

  it('inserts a disable comment with the indentation of the reported line, and the directive works', () => {
    const [f] = findingsOf(svc);
    assert.equal(f.ruleId, 'service-selector-no-pods');
    const e = disableLineEdit(f);
    assert.ok(e);
    const fixed = apply(svc, e);
    // The finding is on the `selector` key line.
    assert.equal(
      fixed,
      svc.replace('  selector:\n', '  # kube-netlint-disable-next-line service-selector-no-pods\n  selector:\n'),
    );
    assert.deepEqual(findingsOf(fixed), []);
  });

  it('adds the rule to a disable comment already above the line (keeping its reason) and keeps CRLF', () => {
    const text = svc
      .replace(
        '  selector:\n',
        '  # kube-netlint-disable-next-line service-target-port-undeclared -- legacy\n  selector:\n',
      )
      .replace(/\n/g, '\r\n');
    const [f] = findingsOf(text);
    const e = disableLineEdit(f);
    assert.ok(e);
    const fixed = apply(text, e);
    assert.match(
      fixed,
      /# kube-netlint-disable-next-line service-target-port-undeclared, service-selector-no-pods -- legacy\r\n {2}selector:\r\n/,
    );
    assert.deepEqual(findingsOf(fixed), []);
    const plain = svc.replace(/\n/g, '\r\n');
    const e2 = disableLineEdit(findingsOf(plain)[0]);
    assert.ok(e2);
    assert.ok(e2.newText.endsWith('\r\n'));
  });

  it('adds the ignore annotation into existing annotations, or extends its list', () => {
    const withAnn = svc.replace('  name: web\n', '  name: web\n  annotations:\n    team: shop\n');
    const e = ignoreObjectEdit(findingsOf(withAnn)[0]);
    assert.ok(e);
    const fixed = apply(withAnn, e);
    assert.match(fixed, /annotations:\n {4}kube-netlint\.io\/ignore: service-selector-no-pods\n {4}team: shop\n/);
    assert.deepEqual(findingsOf(fixed), []);

    const withIgnore = svc.replace(
      '  name: web\n',
      '  name: web\n  annotations:\n    kube-netlint.io/ignore: "duplicate-object"\n',
    );
    const e2 = ignoreObjectEdit(findingsOf(withIgnore)[0]);
    assert.ok(e2);
    const fixed2 = apply(withIgnore, e2);
    assert.match(fixed2, /kube-netlint\.io\/ignore: "duplicate-object,service-selector-no-pods"\n/);
    assert.deepEqual(findingsOf(fixed2), []);
  });

  it('offers no comment or annotation edit where it cannot be done safely', () => {
    const flow = svc.replace('metadata:\n  name: web\n', 'metadata: {name: web}\n');
    const [f] = findingsOf(flow);
    assert.equal(ignoreObjectEdit(f), undefined, 'flow-style metadata');
    assert.ok(disableLineEdit(f), 'the comment still works');
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
      null,
      2,
    );
    const [fj] = findingsOf(json, 'svc.json');
    assert.equal(fj.ruleId, 'service-selector-no-pods');
    assert.equal(disableLineEdit(fj), undefined, 'JSON has no comments');
    assert.equal(ignoreObjectEdit(fj), undefined);
  });

  it('converts offsets to 0-based UTF-16 positions', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: wéb😀\n';
    const file = loadText('u.yaml', text);
    const at = text.indexOf('😀');
    assert.deepEqual(toRange(file, [at, at + 2]), {
      start: { line: 3, character: 11 },
      end: { line: 3, character: 13 },
    });
    assert.deepEqual(toRange(file, [text.length + 5, text.length + 9]), {
      start: { line: 4, character: 0 },
      end: { line: 4, character: 0 },
    });
  });
});
