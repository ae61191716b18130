/**
 * A Kustomize root linted without a build: its patches are not applied, so a finding about an
 * object a patch changes is info, naming the patch; a patch that changes only what no rule judges
 * (the replica count, an image) leaves the findings as they are.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { patchOf, patchTargetsOf } from '../../src/load/kustomize-patches.js';
import { readKustomization } from '../../src/load/kustomize.js';
import { cli, findingsOf, tmp } from '../support/util.js';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: manager
spec:
  selector:
    matchLabels: {app: manager}
  template:
    metadata:
      labels: {app: manager}
    spec:
      containers:
        - name: manager
          image: manager:1.0
          ports: [{name: metrics, containerPort: 8080}]
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: webhook
spec:
  selector: {app: manager}
  ports: [{port: 443, targetPort: 9443}]
`;
const ADD_PORT = `patches:
  - patch: |-
      - op: add
        path: /spec/template/spec/containers/0/ports/-
        value: {containerPort: 9443, name: webhook}
    target: {kind: Deployment, name: manager}
`;

const portFindings = (dir: string) =>
  findingsOf(
    cli(['--format', 'json', '--kustomize-command', 'none', '.'], { cwd: dir, timeout: 120_000 }).stdout,
  ).filter((f) => f.ruleId === 'service-target-port-undeclared');

describe('Kustomize root without a build: its patches', () => {
  it('a finding about an object a patch changes is info, naming the patch', () => {
    const dir = tmp({
      'base/kustomization.yaml': 'resources: [deploy.yaml, svc.yaml]\n',
      'base/deploy.yaml': DEPLOY,
      'base/svc.yaml': SERVICE,
      'default/kustomization.yaml': `resources: [../base]\n${ADD_PORT}`,
    });
    const found = portFindings(dir);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0].severity, 'info');
    assert.match(
      found[0].message,
      /Deployment "default\/manager" is changed by the patch in default\/kustomization\.yaml, which is not applied without a build/,
    );
  });

  it('without the patch, or with one that sets only the replica count and an image, a warning', () => {
    const base = {
      'base/kustomization.yaml': 'resources: [deploy.yaml, svc.yaml]\n',
      'base/deploy.yaml': DEPLOY,
      'base/svc.yaml': SERVICE,
    };
    /** The severities of the base's finding in a root that patches its Deployment's template spec with `spec`. */
    const severities = (spec?: string) =>
      portFindings(
        tmp(
          spec === undefined
            ? base
            : {
                ...base,
                'prod/kustomization.yaml': 'resources: [../base]\npatches: [{path: patch.yaml}]\n',
                'prod/patch.yaml':
                  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: manager}\nspec:\n  replicas: 3\n' +
                  `  template:\n    spec:\n      containers: [{name: manager, ${spec}}]\n`,
              },
        ),
      ).map((f) => f.severity);
    assert.deepEqual(severities(), ['warning']);
    assert.deepEqual(severities('image: manager:2.0'), ['warning']);
    // The environment is where a workload names the Services it calls: a patch of it is not inert.
    assert.deepEqual(severities('env: [{name: API, value: http://api:80}]'), ['info']);
  });

  it('a finding that a selector selects nothing is info where a patch may change labels or namespaces', () => {
    const files = {
      'base/kustomization.yaml': 'resources: [deploy.yaml, svc.yaml]\n',
      'base/deploy.yaml': DEPLOY.replaceAll('app: manager', 'app: mgr'),
      'base/svc.yaml': SERVICE,
    };
    const selects = (dir: string) =>
      findingsOf(
        cli(['--format', 'json', '--kustomize-command', 'none', '.'], { cwd: dir, timeout: 120_000 }).stdout,
      ).filter((f) => f.ruleId === 'service-selector-no-pods');
    assert.deepEqual(
      selects(tmp(files)).map((f) => f.severity),
      ['error'],
    );
    const relabelled = selects(
      tmp({
        ...files,
        'prod/kustomization.yaml': 'resources: [../base]\npatches: [{path: labels.yaml}]\n',
        'prod/labels.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: manager}\nspec:\n  template:\n    metadata:\n' +
          '      labels: {app: manager}\n',
      }),
    );
    assert.equal(relabelled.length, 1);
    assert.equal(relabelled[0].severity, 'info');
    assert.match(
      relabelled[0].message,
      /the patch in prod\/labels\.yaml may change labels or namespaces of Deployment objects/,
    );
  });

  it('targets: by kind and whole-name pattern, by the kind and name of a strategic merge patch, within the kustomization', () => {
    const dir = tmp({
      'base/kustomization.yaml': 'resources: [deploy.yaml]\npatchesStrategicMerge: [labels.yaml]\n',
      'base/deploy.yaml': DEPLOY,
      'base/labels.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: manager}\nspec:\n  template:\n    metadata:\n      labels: {tier: x}\n',
      'top/kustomization.yaml':
        'resources: [../base, svc.yaml]\npatchesJson6902:\n  - target: {kind: Service, name: "web.*"}\n' +
        '    patch: \'[{"op": "replace", "path": "/spec/type", "value": "NodePort"}]\'\n' +
        '  - target: {labelSelector: "app=x"}\n    path: ports.yaml\n',
      'top/svc.yaml': SERVICE,
      'top/ports.yaml': '- {op: add, path: /spec/ports/-, value: {port: 1}}\n',
    });
    const all = new Map(
      ['base', 'top'].map((d) => [path.join(dir, d), readKustomization(path.join(dir, d, 'kustomization.yaml'))]),
    );
    const show = (p: string) => path.relative(dir, p);
    const targets = patchTargetsOf(path.join(dir, 'top'), all, show);
    const at = (f: string, kind: string, name: string) => patchOf(targets, path.join(dir, f), kind, name);
    assert.equal(at('top/svc.yaml', 'Service', 'webhook'), 'top/kustomization.yaml');
    assert.equal(at('top/svc.yaml', 'Service', 'other'), 'top/ports.yaml');
    // A label selector is taken to select every object of the kustomization, its bases' included.
    assert.equal(at('base/deploy.yaml', 'Deployment', 'manager'), 'top/ports.yaml');
    // The base's patch changes the base's objects only, by the kind and name it names.
    const baseOnly = patchTargetsOf(path.join(dir, 'base'), all, show);
    const inBase = (f: string, kind: string, name: string) => patchOf(baseOnly, path.join(dir, f), kind, name);
    assert.equal(inBase('base/deploy.yaml', 'Deployment', 'manager'), 'base/labels.yaml');
    assert.equal(inBase('base/deploy.yaml', 'Deployment', 'managers'), undefined);
    assert.equal(inBase('top/svc.yaml', 'Deployment', 'manager'), undefined);
  });
});
