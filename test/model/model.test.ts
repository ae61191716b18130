import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';
import { ListBuilder, StringTable } from '../../src/model/resource.js';

const build = (items: unknown[]) =>
  buildModel([loadText('t.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items }))], {
    defaultNamespace: 'default',
  });

describe('objects defined again', () => {
  // Identities from small alphabets, with NUL characters (compared by their joined key: kind "A"
  // in namespace "ns\0x" is kind "A\0ns" in namespace "x"), generated names, cluster-scoped kinds
  // and defaulted namespaces.
  const object = fc.record({
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'x\u0000/v1', 'example.com/v1'),
    kind: fc.constantFrom('ConfigMap', 'Service', 'Namespace', 'A', 'A\u0000ns', 'Widget'),
    name: fc.constantFrom('a', 'b', 'a\u0000b', '', 'x/y'),
    generated: fc.boolean(),
    namespace: fc.constantFrom(undefined, 'default', 'x', 'ns\u0000x', 'a'),
  });

  it('finds the duplicates a map of joined identity keys finds (property)', () => {
    fc.assert(
      fc.property(fc.array(object, { maxLength: 40 }), (objects) => {
        const items = objects.map((o) => ({
          apiVersion: o.apiVersion,
          kind: o.kind,
          metadata: {
            [o.generated ? 'generateName' : 'name']: o.name,
            ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
          },
        }));
        const model = build(items);
        // The former implementation: one key string per object.
        const first = new Map<string, number>();
        const last = new Map<string, number>();
        const duplicates: [number, number][] = [];
        model.resources.forEach((r, i) => {
          if (!r.name || r.generatedName) return;
          const key = `${r.group}\u0000${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
          const f = first.get(key);
          if (f === undefined) first.set(key, i);
          else duplicates.push([i, f]);
          last.set(key, i);
        });
        const index = new Map(model.resources.map((r, i) => [r, i]));
        assert.deepEqual(
          model.duplicates.map((d) => [index.get(d.resource), index.get(d.first)]),
          duplicates,
        );
        model.resources.forEach((r, i) => {
          const key = `${r.group}\u0000${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
          const superseded = !!r.name && !r.generatedName && last.get(key) !== i;
          assert.equal(r.superseded, superseded, `${i}: ${JSON.stringify(key)}`);
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('objects defined again, by example', () => {
  it('compares identities with NUL characters by their joined key', () => {
    const model = build([
      { apiVersion: 'v1', kind: 'A', metadata: { name: 'a', namespace: 'ns\u0000x' } },
      { apiVersion: 'v1', kind: 'A\u0000ns', metadata: { name: 'a', namespace: 'x' } },
      { apiVersion: 'v1', kind: 'A', metadata: { name: 'a', namespace: 'x' } },
      { apiVersion: 'v1', kind: 'A', metadata: { name: 'a', namespace: 'x' } },
    ]);
    const [first, second, third, fourth] = model.resources;
    assert.deepEqual(
      model.duplicates.map((d) => [d.resource, d.first]),
      [
        [second, first],
        [fourth, third],
      ],
    );
    assert.deepEqual(
      model.resources.map((r) => r.superseded),
      [true, false, true, false],
    );
  });
});

describe('model building blocks', () => {
  it('a string table gives one string for equal strings', () => {
    const table = new StringTable();
    const a = table.get(['ap', 'p'].join(''));
    assert.equal(a, 'app');
    assert.equal(table.get(['a', 'pp'].join('')), a);
    assert.equal(table.get('__proto__'), '__proto__');
    assert.equal(table.get('12'), '12');
    assert.equal(table.get(''), '');
  });

  it('a list builder keeps what was added since the last start, at its final size', () => {
    const lists = new ListBuilder<number>();
    const empty: number[] = [];
    for (let n = 0; n <= 12; n++) {
      lists.start();
      for (let i = 0; i < n; i++) lists.add(i);
      assert.equal(lists.size, n);
      const list = lists.keep(empty);
      assert.deepEqual(
        list,
        Array.from({ length: n }, (_, i) => i),
      );
      if (n === 0) assert.equal(list, empty);
    }
    // An interrupted list is not carried into the next one.
    lists.start();
    lists.add(7);
    lists.start();
    lists.add(8);
    assert.deepEqual(lists.keep(empty), [8]);
  });

  it('reads a Service selector as a flat list of labels, and the map on demand', () => {
    const model = build([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: { selector: { app: 'web', tier: 1, skip: {} }, ports: [{ port: 80 }] },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 't' }, spec: { selector: {} } },
    ]);
    const [s, t] = model.services;
    assert.deepEqual(s.selectorLabels, ['app', 'web', 'tier', '1']);
    assert.deepEqual(
      [...s.selector!],
      [
        ['app', 'web'],
        ['tier', '1'],
      ],
    );
    assert.equal(s.selector, s.selector);
    assert.equal(t.selectorLabels, null);
    assert.equal(t.selector, null);
  });

  it('reads pod template labels as a flat list, and the map on demand', () => {
    const model = build([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          template: {
            metadata: { labels: { app: 'web', n: 2 } },
            spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }, 'x'] }] },
          },
        },
      },
    ]);
    const [pod] = model.podTemplates;
    assert.deepEqual(pod.labelList, ['app', 'web', 'n', '2']);
    assert.deepEqual(
      [...pod.labels],
      [
        ['app', 'web'],
        ['n', '2'],
      ],
    );
    assert.equal(pod.label('n'), '2');
    assert.equal(pod.label('x'), undefined);
    assert.equal(pod.hasLabel('pod-template-hash', 'abc'), true);
    assert.equal(pod.hasKey('app'), true);
    assert.equal(pod.containers[0].ports.length, 1);
    assert.deepEqual(pod.containers[0].ports[0].path, ['spec', 'template', 'spec', 'containers', 0, 'ports', 0]);
  });
});
