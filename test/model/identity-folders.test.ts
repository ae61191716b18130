/**
 * Definitions of one identity in several folders (src/model/identity.ts): which may be distinct
 * objects, and which one an object of a folder goes with.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText } from '../../src/load/load.js';
import {
  definitionsOf,
  distinctReason,
  foldersLookAlike,
  mayBeDistinct,
  namespaceDefaulted,
  nearestDefinition,
} from '../../src/model/identity.js';
import { buildModel } from '../../src/model/model.js';
import type { ModelOptions } from '../../src/model/model.js';

const cm = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}`;

const model = (files: Record<string, string>, options: Partial<ModelOptions> = {}) =>
  buildModel(
    Object.entries(files).map(([p, text]) => loadText(p, text)),
    { defaultNamespace: 'default', ...options },
  );

const at = (m: ReturnType<typeof model>, file: string) => {
  const r = m.resources.find((x) => x.file.path === file);
  assert.ok(r, file);
  return r;
};

describe('definitions in several folders', () => {
  it('defaulted namespaces in different folders may be distinct objects, and sibling folders one per cluster', () => {
    const m = model({
      'a/cm.yaml': `${cm('x')}---\n${cm('cfg', 'shop')}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n`,
      'a/more.yaml': cm('x'),
      'b/cm.yaml': `${cm('x')}---\n${cm('cfg', 'shop')}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n`,
      'b/sub/cm.yaml': `${cm('cfg', 'shop')}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n`,
    });
    const [ax, ax2, bx] = definitionsOf(m, at(m, 'a/cm.yaml'));
    assert.deepEqual(
      [ax, ax2, bx].map((r) => r.file.path),
      ['a/cm.yaml', 'a/more.yaml', 'b/cm.yaml'],
    );
    assert.equal(distinctReason(m, ax, bx), 'namespace');
    assert.equal(mayBeDistinct(m, ax, ax2), false);
    assert.equal(namespaceDefaulted(ax), true);
    // Namespaces spelt out, and a cluster-scoped kind: two objects only in sibling folders.
    for (const kind of ['ConfigMap', 'Namespace']) {
      const [a, b, below] = m.resources.filter((r) => r.kind === kind && r.name !== 'x');
      assert.equal(namespaceDefaulted(a), false);
      assert.equal(distinctReason(m, a, b), 'cluster', kind);
      assert.equal(distinctReason(m, b, below), undefined, `${kind} in a folder below`);
      assert.equal(distinctReason(m, a, below), 'cluster', kind);
    }
  });

  it('sibling folders of different objects are applied side by side: their common object is one', () => {
    const m = model({
      'orders/app.yaml': `${cm('db', 'shop')}---\n${cm('orders', 'shop')}---\n${cm('orders-flags', 'shop')}`,
      'payments/app.yaml': `${cm('db', 'shop')}---\n${cm('payments', 'shop')}---\n${cm('payments-flags', 'shop')}`,
    });
    const [a, b] = definitionsOf(m, at(m, 'payments/app.yaml'));
    assert.deepEqual([a.file.path, b.file.path], ['orders/app.yaml', 'payments/app.yaml']);
    assert.equal(foldersLookAlike(m, 'orders', 'payments'), undefined);
    assert.equal(distinctReason(m, a, b), undefined);
  });

  it('a Kustomize root is applied as one', () => {
    const m = model({ 'a/cm.yaml': cm('x'), 'b/cm.yaml': cm('x') }, { appliedTogether: true });
    const [a, b] = definitionsOf(m, at(m, 'b/cm.yaml'));
    assert.equal(mayBeDistinct(m, a, b), false);
  });

  it('the nearest definition: own folder, else the nearest folder above, never a sibling with a common prefix', () => {
    const m = model({
      'apps/cm.yaml': cm('x'),
      'apps/web/cm.yaml': cm('x'),
      'apps/webshop/route.yaml': cm('r'),
      'apps/web/v2/route.yaml': cm('r2'),
      'other/route.yaml': cm('r3'),
    });
    const defs = definitionsOf(m, at(m, 'apps/cm.yaml')).map((res) => ({ res }));
    const near = (file: string) => nearestDefinition(defs, at(m, file))?.res.file.path;
    assert.equal(near('apps/webshop/route.yaml'), 'apps/cm.yaml');
    assert.equal(near('apps/web/v2/route.yaml'), 'apps/web/cm.yaml');
    assert.equal(near('other/route.yaml'), undefined);
  });
});
