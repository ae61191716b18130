/**
 * A Kustomize root linted without a build: its kustomization's `namespace` is applied as a build
 * applies it (the kubebuilder layout: a Namespace "system" and objects of no namespace or of
 * "system", all moved into the namespace of config/default).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { resolveKustomizeCommand } from '../../src/load/kustomize.js';
import { namespaceValues } from '../../src/load/kustomize-namespace.js';
import { loadText } from '../../src/load/load.js';
import { parseAllDocuments } from 'yaml';
import { cli, findingsOf, tmp } from '../support/util.js';

const MANAGER = `apiVersion: v1
kind: Namespace
metadata:
  name: system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: controller
spec:
  selector:
    matchLabels: {component: controller}
  template:
    metadata:
      labels: {component: controller}
    spec:
      containers:
        - name: c
          image: ctl:1.0
          ports: [{name: webhook, containerPort: 9443}]
`;
const WEBHOOK = `apiVersion: v1
kind: Service
metadata:
  name: webhook-service
  namespace: system
spec:
  selector: {component: controller}
  ports: [{port: 443, targetPort: webhook}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: validating
webhooks:
  - name: v.example.com
    admissionReviewVersions: [v1]
    sideEffects: None
    clientConfig:
      service: {name: webhook-service, namespace: system, path: /validate}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
  namespace: system
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
  - {kind: ServiceAccount, name: default, namespace: system}
  - {kind: ServiceAccount, name: controller, namespace: system}
`;
const TREE = {
  'config/manager/kustomization.yaml': 'resources: [manager.yaml]\n',
  'config/manager/manager.yaml': MANAGER,
  'config/webhook/kustomization.yaml': 'resources: [webhook.yaml]\n',
  'config/webhook/webhook.yaml': WEBHOOK,
  'config/default/kustomization.yaml': 'namespace: app-system\nresources: [../manager, ../webhook]\n',
};

const run = (dir: string) =>
  cli(['--format', 'json', '--kustomize-command', 'none', '.'], { cwd: dir, timeout: 120_000 });

/** Kind, namespace and name of each object, sorted. */
const ids = (values: unknown[]) =>
  values
    .map((v) => {
      const o = v as { kind: string; metadata: { name: string; namespace?: string } };
      return `${o.kind} ${o.metadata.namespace ?? '-'} ${o.metadata.name}`;
    })
    .sort();

describe('Kustomize root without a build: the namespace of its kustomization', () => {
  it('puts the objects in it: a Service of "system" selects the pods of a Deployment of no namespace', () => {
    const dir = tmp(TREE);
    const r = run(dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(
      findingsOf(r.stdout).filter((f) => f.severity !== 'info'),
      [],
    );
    assert.match(
      r.stderr,
      /Kustomize root config\/default: linted its 2 resource files in the namespace its kustomization sets/,
    );
  });

  it('before the fix this was an error: the same files without the kustomization are two namespaces', () => {
    const dir = tmp({ 'manager.yaml': MANAGER, 'webhook.yaml': WEBHOOK });
    const f = findingsOf(run(dir).stdout).filter((x) => x.ruleId === 'service-selector-no-pods');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'error');
  });

  it('the outermost namespace wins; each overlay of one base has its own', () => {
    const dir = tmp({
      ...TREE,
      'config/webhook/kustomization.yaml': 'namespace: inner\nresources: [webhook.yaml]\n',
      'config/default/kustomization.yaml': 'resources: [../manager, ../webhook]\n',
      'lonely/svc.yaml':
        'apiVersion: v1\nkind: Service\nmetadata: {name: lonely}\nspec:\n  selector: {app: nobody}\n  ports: [{port: 80}]\n',
      'overlays/a/kustomization.yaml': 'namespace: ns-a\nresources: [../../lonely/svc.yaml]\n',
      'overlays/b/kustomization.yaml': 'namespace: ns-b\nresources: [../../lonely/svc.yaml]\n',
    });
    const found = findingsOf(run(dir).stdout).filter((f) => f.ruleId === 'service-selector-no-pods');
    // config/default sets none: the webhook's Service is in "inner", the Deployment in "default".
    assert.ok(
      found.some((f) => f.file === 'config/webhook/webhook.yaml' && /namespace "inner"/.test(f.message)),
      JSON.stringify(found),
    );
    assert.ok(found.some((f) => f.file === 'lonely/svc.yaml' && /namespace "ns-a"/.test(f.message)));
    assert.ok(found.some((f) => f.file === 'lonely/svc.yaml' && /namespace "ns-b"/.test(f.message)));
  });

  it('moves the objects, renames the one Namespace, and sets the namespaces a build sets; the documents are kept', () => {
    const dir = tmp(TREE);
    const manager = loadText('manager.yaml', MANAGER, path.join(dir, 'config/manager/manager.yaml'));
    const webhook = loadText('webhook.yaml', WEBHOOK, path.join(dir, 'config/webhook/webhook.yaml'));
    const ns = new Map([manager, webhook].map((f) => [f.absPath as string, 'app-system']));
    const valueOf = namespaceValues([manager, webhook], ns);
    const values = [...manager.documents, ...webhook.documents].map(valueOf);
    assert.deepEqual(ids(values), [
      'Deployment app-system controller',
      'Namespace - app-system',
      'RoleBinding app-system rb',
      'Service app-system webhook-service',
      'ValidatingWebhookConfiguration app-system validating',
    ]);
    const [, , , vwc, rb] = values as Record<string, unknown>[];
    assert.match(JSON.stringify(vwc.webhooks), /"service":\{"name":"webhook-service","namespace":"app-system"/);
    assert.match(
      JSON.stringify(rb.subjects),
      /"name":"default","namespace":"app-system".*"name":"controller","namespace":"system"/,
    );
    assert.equal((webhook.documents[0].value as { metadata: { namespace: string } }).metadata.namespace, 'system');
    // Two Namespace objects: a build fails on the clash; both are left as they are.
    const twice = loadText('two.yaml', `${MANAGER}---\n${MANAGER.split('---')[0]}`, path.join(dir, 'two.yaml'));
    const two = namespaceValues([twice], new Map([[twice.absPath as string, 'x']]));
    assert.deepEqual(
      twice.documents
        .map(two)
        .filter((v) => (v as { kind: string }).kind === 'Namespace')
        .map((v) => ids([v])[0]),
      ['Namespace - system', 'Namespace - system'],
    );
  });

  it('as the real kustomize or kubectl builds it', (t) => {
    const command = resolveKustomizeCommand(undefined, process.env);
    if (command === null || 'error' in command) {
      t.skip('neither kustomize nor kubectl on the PATH');
      return;
    }
    const dir = tmp(TREE);
    const built = spawnSync(command[0], [...command.slice(1), 'config/default'], { cwd: dir, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const fromBuild = parseAllDocuments(built.stdout).map((d) => d.toJS());
    const files = ['config/manager/manager.yaml', 'config/webhook/webhook.yaml'].map((f) =>
      loadText(f, f.includes('manager') ? MANAGER : WEBHOOK, path.join(dir, f)),
    );
    const valueOf = namespaceValues(files, new Map(files.map((f) => [f.absPath as string, 'app-system'])));
    // A cluster-scoped kind is given the namespace too: the model reads none of it (as the API server).
    const ours = files.flatMap((f) =>
      f.documents.map(valueOf).map((v) => {
        const o = v as { kind: string; metadata: Record<string, unknown> };
        if (o.kind !== 'ValidatingWebhookConfiguration') return o;
        const { namespace, ...meta } = o.metadata;
        assert.equal(namespace, 'app-system');
        return { ...o, metadata: meta };
      }),
    );
    // Keys sorted (a build prints them sorted); a build's own annotations left out.
    const strip = (v: unknown) =>
      JSON.stringify(v, (k, x: unknown) =>
        k === 'annotations'
          ? undefined
          : typeof x === 'object' && x !== null && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
            : x,
      );
    assert.deepEqual(ours.map(strip).sort(), fromBuild.map(strip).sort());
  });
});
