/**
 * A Kustomize root is built and applied as one: two definitions of one object in different
 * folders of it are one object (an error), while the same two folders linted without a
 * kustomization may be applied each to its own namespace (a warning).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli, findingsOf, tmp } from '../support/util.js';

const CONFIG = (mode: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: ${mode}
`;

const duplicates = (args: string[], cwd: string) => {
  const r = cli(['--format', 'json', '--kustomize-command', 'none', ...args], { cwd, timeout: 120_000 });
  return findingsOf(r.stdout)
    .filter((f) => f.ruleId === 'duplicate-object')
    .map((f) => [f.file, f.severity]);
};

describe('duplicate-object across folders', () => {
  it('of one Kustomize root: an error', () => {
    const dir = tmp({
      'kustomization.yaml': 'resources: [a, b]\n',
      'a/kustomization.yaml': 'resources: [cm.yaml]\n',
      'a/cm.yaml': CONFIG('fast'),
      'b/kustomization.yaml': 'resources: [cm.yaml]\n',
      'b/cm.yaml': CONFIG('slow'),
    });
    assert.deepEqual(duplicates(['.'], dir), [['b/cm.yaml', 'error']]);
  });

  it('of one Kustomize root not built, named apart by a namePrefix: info (two objects once built)', () => {
    const dir = tmp({
      'kustomization.yaml': 'resources: [a, b]\n',
      'a/kustomization.yaml': 'namePrefix: a-\nresources: [cm.yaml]\n',
      'a/cm.yaml': CONFIG('fast'),
      'b/kustomization.yaml': 'resources: [cm.yaml]\n',
      'b/cm.yaml': CONFIG('slow'),
    });
    assert.deepEqual(duplicates(['.'], dir), [['b/cm.yaml', 'info']]);
    const r = cli(['--format', 'json', '--kustomize-command', 'none', '.'], { cwd: dir, timeout: 120_000 });
    assert.match(findingsOf(r.stdout)[0].message, /this one "settings" and that one "a-settings": two objects/);
  });

  it('of one Kustomize root not built, with one namePrefix for both (or a kind it leaves): still an error', () => {
    const dir = tmp({
      'kustomization.yaml': 'namePrefix: p-\nnameSuffix: -s\nresources: [a, b]\n',
      'a/kustomization.yaml': 'resources: [cm.yaml]\n',
      'a/cm.yaml': CONFIG('fast'),
      'b/kustomization.yaml': 'resources: [cm.yaml, ns.yaml]\n',
      'b/cm.yaml': CONFIG('slow'),
      'b/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n, labels: {a: b}}\n',
      'c/kustomization.yaml': 'namePrefix: c-\nresources: [ns.yaml]\n',
      'c/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n',
      'top/kustomization.yaml': 'resources: [../c, ../b]\n',
    });
    assert.deepEqual(duplicates(['.'], dir), [
      ['b/cm.yaml', 'error'],
      ['b/ns.yaml', 'error'],
    ]);
  });

  it('without a kustomization: a warning (each folder may be applied to its own namespace)', () => {
    const dir = tmp({ 'a/cm.yaml': CONFIG('fast'), 'b/cm.yaml': CONFIG('slow') });
    assert.deepEqual(duplicates(['.'], dir), [['b/cm.yaml', 'warning']]);
  });
});
