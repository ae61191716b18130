import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Graph } from '../../src/graph/graph.js';
import { editDistance, editDistanceWithin } from '../../src/util/text.js';
import { LabelIndex } from '../../src/graph/label-index.js';
import type { IndexedLabels } from '../../src/graph/label-index.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';
import { labelListOf, labelledMap, matches, parseLabelSelector } from '../../src/model/selector.js';
import type { Selector } from '../../src/model/selector.js';

const model = (text: string) => buildModel([loadText('t.yaml', text)], { defaultNamespace: 'default' });

describe('label selectors', () => {
  const pod = labelledMap(
    new Map([
      ['app', 'web'],
      ['tier', 'fe'],
    ]),
  );
  const sel = (v: unknown) => parseLabelSelector(v);

  it('ANDs matchLabels and matchExpressions', () => {
    assert.equal(
      matches(
        sel({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] }),
        pod,
      ),
      true,
    );
    assert.equal(
      matches(
        sel({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['be'] }] }),
        pod,
      ),
      false,
    );
  });

  it('NotIn and DoesNotExist match objects without the key', () => {
    assert.equal(matches(sel({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }), pod), true);
    assert.equal(matches(sel({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }), pod), true);
    assert.equal(matches(sel({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }), pod), false);
    assert.equal(matches(sel({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }), pod), true);
    assert.equal(matches(sel({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] }), pod), false);
  });

  it('an empty selector (or matchLabels: null) selects everything', () => {
    assert.equal(matches(sel({}), pod), true);
    assert.equal(matches(sel({ matchLabels: null }), pod), true);
  });
});

interface Item extends IndexedLabels {
  id: number;
}

const labelKeys = fc.constantFrom('app', 'tier', 'env', 'team');
const labelValues = fc.constantFrom('a', 'b', 'c');
const labelMap = fc.dictionary(labelKeys, labelValues, { maxKeys: 4 });
const selectorArb: fc.Arbitrary<Selector> = fc.record({
  matchLabels: fc.array(fc.tuple(labelKeys, labelValues), { maxLength: 2 }),
  expressions: fc.array(
    fc.record({
      key: labelKeys,
      op: fc.constantFrom('In' as const, 'NotIn' as const, 'Exists' as const, 'DoesNotExist' as const),
      values: fc.array(labelValues, { maxLength: 3 }),
    }),
    { maxLength: 2 },
  ),
});

/** Items with fixed labels and keys whose value a controller sets (any value, or one ending in "0"). */
const dynamicKeys = fc.subarray(['app', 'tier', 'env', 'team']);
const indexEntries = fc.array(fc.tuple(fc.constantFrom('ns1', 'ns2', 'ns3'), labelMap, dynamicKeys), { maxLength: 30 });

interface DynItem extends Item {
  ns: string;
}

function dynItems(entries: [string, Record<string, string>, string[]][]): DynItem[] {
  return entries.map(([ns, labels, dyn], id) => {
    const map = new Map(Object.entries(labels));
    const dynamicLabels = new Map(dyn.map((k) => [k, k === 'app' ? 'any' : 'ends in 0']));
    const hasLabel = (k: string, v: string) =>
      dynamicLabels.has(k) ? dynamicLabels.get(k) === 'any' || v.endsWith('0') : map.get(k) === v;
    const hasKey = (k: string) => dynamicLabels.has(k) || map.has(k);
    return { id, ns, labelList: labelListOf(map), dynamicLabels, hasLabel, hasKey };
  });
}

describe('label index', () => {
  it('with controller-set labels, and entries added after lookups, selects what a scan selects, in the same order (property)', () => {
    const value = fc.constantFrom('a', 'b', 'c', 'a0');
    const plain = fc.array(fc.tuple(labelKeys, value), { minLength: 1, maxLength: 2 });
    fc.assert(
      fc.property(indexEntries, indexEntries, plain, (first, later, labels) => {
        const items = dynItems([...first, ...later]);
        const index = new LabelIndex<DynItem>();
        const sel: Selector = { matchLabels: labels, expressions: [] };
        for (const it of items.slice(0, first.length)) index.add(it.ns, it);
        // Split some keys by value before the later entries arrive.
        for (const ns of ['ns1', 'ns2']) index.select(ns, sel);
        for (const it of items.slice(first.length)) index.add(it.ns, it);
        const flat = [...new Map(labels)].flat();
        for (const ns of ['ns1', 'ns2', 'ns3']) {
          const scan = items.filter((i) => i.ns === ns && matches(sel, i)).map((i) => i.id);
          assert.deepEqual(
            index
              .select(ns, sel)
              .map((i) => i.id)
              .sort((a, b) => a - b),
            scan,
          );
          // A plain label map: the same entries, in the order `select` gives them.
          const byMap = { matchLabels: [...new Map(labels)], expressions: [] };
          assert.deepEqual(
            index.selectLabels(ns, flat).map((i) => i.id),
            index.select(ns, byMap).map((i) => i.id),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('selects every namespace at once as it selects each, and merges namespaces keeping their order (property)', () => {
    const value = fc.constantFrom('a', 'b', 'c', 'a0');
    fc.assert(
      fc.property(
        indexEntries,
        fc.array(fc.tuple(labelKeys, value), { maxLength: 4 }),
        selectorArb,
        (entries, labels, sel) => {
          const items = dynItems(entries);
          const index = new LabelIndex<DynItem>();
          const oneByOne = new LabelIndex<DynItem>();
          for (const it of items) {
            index.add(it.ns, it);
            oneByOne.add('', it);
          }
          const found = index.selectEverywhere(labels);
          labels.forEach(([k, v], i) => {
            const one: Selector = { matchLabels: [[k, v]], expressions: [] };
            for (const ns of ['ns1', 'ns2', 'ns3']) {
              assert.deepEqual(
                (found[i].get(ns) ?? []).map((x) => x.id),
                index.select(ns, one).map((x) => x.id),
              );
            }
          });
          // The merged index selects the entries of each namespace in the order of one that adds them one by one.
          const merged = index.merged().select('', sel);
          const single = oneByOne.select('', sel);
          for (const ns of ['ns1', 'ns2', 'ns3']) {
            assert.deepEqual(
              merged.filter((x) => x.ns === ns).map((x) => x.id),
              single.filter((x) => x.ns === ns).map((x) => x.id),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('selects exactly what a scan of every entry selects (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('ns1', 'ns2'), labelMap), { maxLength: 30 }),
        selectorArb,
        (entries, sel) => {
          const index = new LabelIndex<Item>();
          const items: (Item & { ns: string })[] = entries.map(([ns, labels], id) => {
            const map = new Map(Object.entries(labels));
            return { id, ns, labelList: labelListOf(map), ...labelledMap(map) };
          });
          for (const it of items) index.add(it.ns, it);
          for (const ns of ['ns1', 'ns2']) {
            const fromIndex = index
              .select(ns, sel)
              .map((i) => i.id)
              .sort((a, b) => a - b);
            const scan = items.filter((i) => i.ns === ns && matches(sel, i)).map((i) => i.id);
            assert.deepEqual(fromIndex, scan);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('pods and controller labels', () => {
  it('gives StatefulSet pods their pod-name and pod-index labels', () => {
    const m = model(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: x}]}
`);
    const g = new Graph(m);
    const select = (labels: Record<string, string>) =>
      g.select('data', parseLabelSelector({ matchLabels: labels })).length;
    assert.equal(select({ 'statefulset.kubernetes.io/pod-name': 'db-2' }), 1);
    assert.equal(select({ 'statefulset.kubernetes.io/pod-name': 'db-3' }), 0);
    assert.equal(select({ 'apps.kubernetes.io/pod-index': '0' }), 1);
    assert.equal(select({ 'statefulset.kubernetes.io/pod-name': 'db-02' }), 0);
  });

  it('gives Job pods job-name and CronJob pods a generated job name', () => {
    const m = model(`apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec: {containers: [{name: m, image: x}], restartPolicy: Never}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec: {containers: [{name: r, image: x}], restartPolicy: Never}
`);
    const g = new Graph(m);
    assert.equal(g.select('default', parseLabelSelector({ matchLabels: { 'job-name': 'migrate' } })).length, 1);
    assert.equal(
      g.select('default', parseLabelSelector({ matchLabels: { 'batch.kubernetes.io/job-name': 'migrate' } })).length,
      1,
    );
    assert.equal(g.select('default', parseLabelSelector({ matchLabels: { app: 'report' } })).length, 1);
    assert.equal(g.select('default', parseLabelSelector({ matchLabels: { 'job-name': 'report-28930120' } })).length, 1);
  });

  it('resolves named targets per pod and by protocol, counting native sidecars', () => {
    const m = model(`apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  initContainers:
    - name: proxy
      image: x
      restartPolicy: Always
      ports: [{name: proxy, containerPort: 15001}]
    - name: setup
      image: x
      ports: [{name: setup, containerPort: 9999}]
  containers:
    - name: dns
      image: x
      ports: [{name: dns, containerPort: 53, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  selector: {app: p}
  ports:
    - {name: a, port: 1, targetPort: proxy}
    - {name: b, port: 2, targetPort: setup}
    - {name: c, port: 53, targetPort: dns}
    - {name: d, port: 54, targetPort: dns, protocol: UDP}
`);
    const g = new Graph(m);
    const [svc] = m.services;
    const [pod] = g.podsOf(svc);
    assert.deepEqual(
      svc.ports.map((sp) => g.resolveTarget(sp, pod)?.status),
      ['ok', 'missing-name', 'wrong-protocol', 'ok'],
    );
  });
});

describe('Services in other namespaces', () => {
  it('looks up many selectors at once as it looks up each', () => {
    const docs: string[] = [];
    for (let i = 0; i < 12; i++) {
      const ns = `ns${i % 4}`;
      const app = `app${i % 3}`;
      docs.push(`apiVersion: apps/v1
kind: ${i % 5 === 0 ? 'StatefulSet' : 'Deployment'}
metadata: {name: w${i}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}, tier: t${i % 2}}}
    spec: {containers: [{name: c, image: x}]}
`);
    }
    const g = new Graph(model(docs.join('---\n')));
    const queries = [
      { namespace: 'ns0', selector: parseLabelSelector({ matchLabels: { app: 'app1' } }) },
      { namespace: 'ns1', selector: parseLabelSelector({ matchLabels: { app: 'app1' } }) },
      { namespace: 'ns2', selector: parseLabelSelector({ matchLabels: { tier: 't0' } }) },
      {
        namespace: 'ns3',
        selector: parseLabelSelector({ matchLabels: { 'statefulset.kubernetes.io/pod-name': 'w0-0' } }),
      },
      { namespace: 'ns0', selector: parseLabelSelector({ matchLabels: { app: 'app2', tier: 't1' } }) },
      { namespace: 'ns0', selector: parseLabelSelector({ matchLabels: { app: 'none' } }) },
      {
        namespace: 'ns1',
        selector: parseLabelSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['app0'] }] }),
      },
    ];
    const each = g.otherNamespacesMatchingEach(queries);
    const one = (q: (typeof queries)[number]) =>
      g
        .otherNamespacesMatching(q.namespace, q.selector)
        .map((x) => ({ namespace: x.namespace, pods: x.pods.map((p) => p.display) }));
    assert.deepEqual(
      each.map((r) => r.map((x) => ({ namespace: x.namespace, pods: x.pods.map((p) => p.display) }))),
      queries.map(one),
    );
    assert.ok(each[0].length > 0 && each[3].length > 0);
  });
});

describe('edit distance', () => {
  it('is the Levenshtein distance', () => {
    assert.equal(editDistance('carts', 'cart'), 1);
    assert.equal(editDistance('fronted', 'frontend'), 1);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('within a limit: exact up to the limit, more than the limit beyond it (against the plain table)', () => {
    const reference = (a: string, b: string): number => {
      let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
      for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++)
          cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
      return prev[b.length];
    };
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-'), maxLength: 12 });
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 14 }), (a, b, limit) => {
        const d = reference(a, b);
        assert.equal(editDistance(a, b), d);
        const within = editDistanceWithin(a, b, limit);
        if (d <= limit) assert.equal(within, d);
        else assert.ok(within > limit, `${a} ${b} ${limit}: ${within}`);
      }),
      { numRuns: 2000 },
    );
  });
});
