/**
 * Live cluster dumps: the objects a controller made (ReplicaSets, Jobs, pods with ownerReferences)
 * are folded into one workload with their owner.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RULES } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import { Graph } from '../../src/graph/graph.js';
import { loadText } from '../../src/load/load.js';
import { CONTROLLER_LABEL_KEYS, controllerLabels } from '../../src/model/controllers.js';
import { POD_TEMPLATE_PATHS } from '../../src/model/kinds.js';
import type { WorkloadKind } from '../../src/model/kinds.js';
import type { PodTemplate } from '../../src/model/model.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { build, names, container, deployment, ref, replicaSet, podItem, podList } from '../support/live-dump.js';

describe('owners', () => {
  it('a Deployment, its ReplicaSets and their pods are one workload (by uid and by name)', () => {
    for (const uids of [true, false]) {
      const labels = { app: 'web' };
      const hashed = { app: 'web', 'pod-template-hash': '7d9f' };
      const model = build([
        deployment('web', labels, uids ? 'u-d' : undefined),
        replicaSet('web-7d9f', hashed, ref('Deployment', 'web', uids ? 'u-d' : undefined)),
        podList(
          podItem('web-7d9f-a', hashed, ref('ReplicaSet', 'web-7d9f', undefined)),
          podItem('web-7d9f-b', hashed, ref('ReplicaSet', 'web-7d9f')),
        ),
      ]);
      assert.deepEqual(names(model.podTemplates), ['shop/web[Deployment]']);
      const [web] = model.podTemplates;
      assert.equal(web.workload.kind, 'Deployment');
      assert.equal(web.owner, undefined);
      assert.deepEqual(
        web.members.map((m) => m.workload.name),
        ['web-7d9f', 'web-7d9f-a', 'web-7d9f-b'],
      );
      assert.ok(web.members.every((m) => m.foldedInto === web));
    }
  });

  it('pods whose owner is not in the input are named after the owner their reference names', () => {
    const hashed = { app: 'web', 'pod-template-hash': '7d9f' };
    const model = build([
      podList(
        podItem('web-7d9f-a', hashed, ref('ReplicaSet', 'web-7d9f')),
        podItem('web-7d9f-b', hashed, ref('ReplicaSet', 'web-7d9f')),
      ),
    ]);
    assert.deepEqual(names(model.podTemplates), ['shop/web-7d9f[ReplicaSet]']);
    assert.equal(model.podTemplates[0].display, 'ReplicaSet "shop/web-7d9f"');
    const engine = new PolicyEngine(model, new Graph(model));
    assert.deepEqual(
      engine.findPod('shop/web-7d9f[ReplicaSet]', 'default').map((p) => p.name),
      ['shop/web-7d9f[ReplicaSet]'],
    );
  });

  it('a CronJob, its Job and the Job pod are one workload', () => {
    const jobLabels = {
      app: 'backup',
      'job-name': 'backup-29416500',
      'controller-uid': 'j1',
      'batch.kubernetes.io/job-name': 'backup-29416500',
      'batch.kubernetes.io/controller-uid': 'j1',
    };
    const model = build([
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'backup', namespace: 'shop', uid: 'c1' },
        spec: {
          schedule: '0 3 * * *',
          jobTemplate: {
            spec: { template: { metadata: { labels: { app: 'backup' } }, spec: { containers: [container] } } },
          },
        },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: 'backup-29416500',
          namespace: 'shop',
          uid: 'j1',
          labels: jobLabels,
          ownerReferences: [ref('CronJob', 'backup', 'c1', 'batch/v1')],
        },
        spec: { template: { metadata: { labels: jobLabels }, spec: { containers: [container] } } },
      },
      podList(podItem('backup-29416500-x', jobLabels, ref('Job', 'backup-29416500', 'j1', 'batch/v1'))),
    ]);
    assert.deepEqual(names(model.podTemplates), ['shop/backup[CronJob]']);
    assert.equal(model.podTemplates[0].members.length, 2);
  });

  it('pods of an absent StatefulSet stand for every ordinal they carry', () => {
    const pod = (i: number) =>
      podItem(
        `db-${i}`,
        {
          app: 'db',
          'statefulset.kubernetes.io/pod-name': `db-${i}`,
          'apps.kubernetes.io/pod-index': String(i),
          'controller-revision-hash': 'db-5c',
        },
        ref('StatefulSet', 'db'),
      );
    const model = build([
      podList(pod(0), pod(1)),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'db-1', namespace: 'shop' },
        spec: {
          podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-1' } },
          policyTypes: ['Ingress'],
        },
      },
    ]);
    assert.deepEqual(names(model.podTemplates), ['shop/db[StatefulSet]']);
    const db = model.podTemplates[0];
    assert.ok(db.hasLabel('statefulset.kubernetes.io/pod-name', 'db-1'));
    assert.ok(db.hasLabel('statefulset.kubernetes.io/pod-name', 'db-0'));
    assert.ok(!db.hasLabel('statefulset.kubernetes.io/pod-name', 'db-2'));
    const engine = new PolicyEngine(model, new Graph(model));
    assert.equal(engine.isolatedIngress(engine.findPod('shop/db', 'default')[0]).length, 1);
  });

  it('pods whose labels differ from their owner are a workload apart, named with the reason', () => {
    const hashed = { app: 'web', 'pod-template-hash': '7d9f' };
    const canary = { app: 'web', 'pod-template-hash': '7d9f', track: 'canary' };
    const model = build([
      deployment('web', { app: 'web' }, 'u-d'),
      replicaSet('web-7d9f', hashed, ref('Deployment', 'web', 'u-d')),
      podList(
        podItem('web-7d9f-a', hashed, ref('ReplicaSet', 'web-7d9f')),
        podItem('web-7d9f-b', canary, ref('ReplicaSet', 'web-7d9f')),
        podItem('web-7d9f-c', canary, ref('ReplicaSet', 'web-7d9f')),
      ),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'canary', namespace: 'shop' },
        spec: { podSelector: { matchLabels: { track: 'canary' } }, policyTypes: ['Ingress'] },
      },
    ]);
    assert.deepEqual(names(model.podTemplates), [
      'shop/web[Deployment]',
      'shop/web[Deployment] (pods labelled track=canary)',
    ]);
    const variant = model.podTemplates.find((t) => t.owner?.variant)!;
    assert.deepEqual(
      variant.members.map((m) => m.workload.name),
      ['web-7d9f-c'],
    );
    assert.equal(variant.display, 'Deployment "shop/web" (pods labelled track=canary)');
    const engine = new PolicyEngine(model, new Graph(model));
    const isolated = (name: string) => engine.isolatedIngress(engine.findPod(name, 'default')[0]).length;
    assert.equal(isolated('shop/web[Deployment]'), 0);
    assert.equal(isolated('shop/web[Deployment] (pods labelled track=canary)'), 1);
    // Both by the short name; the exact name picks one.
    assert.equal(engine.findPod('shop/web', 'default').length, 2);
  });

  it('a label the pods lack is named too', () => {
    const model = build([
      deployment('web', { app: 'web', tier: 'front' }),
      podList(podItem('web-7d9f-a', { app: 'web', 'pod-template-hash': '7d9f' }, ref('ReplicaSet', 'web-7d9f'))),
    ]);
    // The ReplicaSet is absent: the pod is its own workload, apart from nothing.
    assert.deepEqual(names(model.podTemplates), ['shop/web-7d9f[ReplicaSet]', 'shop/web[Deployment]']);
    const withRs = build([
      deployment('web', { app: 'web', tier: 'front' }),
      replicaSet('web-7d9f', { app: 'web', tier: 'front', 'pod-template-hash': '7d9f' }, ref('Deployment', 'web')),
      podList(podItem('web-7d9f-a', { app: 'web', 'pod-template-hash': '7d9f' }, ref('ReplicaSet', 'web-7d9f'))),
    ]);
    assert.deepEqual(names(withRs.podTemplates), ['shop/web[Deployment]', 'shop/web[Deployment] (pods without tier)']);
  });

  it('mirror pods (owned by a Node) and pods without a controller stay their own workloads', () => {
    const model = build([
      podList(
        podItem(
          'kube-apiserver-n1',
          { component: 'kube-apiserver' },
          { apiVersion: 'v1', kind: 'Node', name: 'n1', controller: true },
        ),
        podItem('etcd-n1', { component: 'etcd' }, { apiVersion: 'v1', kind: 'Node', name: 'n1', controller: true }),
        podItem('loose', { app: 'x' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other' }),
      ),
    ]);
    assert.deepEqual(names(model.podTemplates), [
      'shop/etcd-n1[Pod]',
      'shop/kube-apiserver-n1[Pod]',
      'shop/loose[Pod]',
    ]);
  });

  it('compares labels without every label a controller adds', () => {
    const model = build([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 2, template: {} } },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j' },
        spec: { completionMode: 'Indexed', template: {} },
      },
    ]);
    for (const kind of Object.keys(POD_TEMPLATE_PATHS) as WorkloadKind[]) {
      const r = model.resources.find((x) => x.kind === kind) ?? model.resources[0];
      for (const key of controllerLabels(r, kind).keys()) assert.ok(CONTROLLER_LABEL_KEYS.has(key), `${kind}: ${key}`);
    }
  });

  it('a cycle of owner references ends', () => {
    const a = replicaSet('a', { app: 'x' }, ref('ReplicaSet', 'b'));
    const b = replicaSet('b', { app: 'x' }, ref('ReplicaSet', 'a'));
    const model = build([a, b]);
    assert.equal(model.podTemplates.length + model.podTemplates.reduce((n, t) => n + t.members.length, 0), 2);
  });

  it('lint reports a Service port once, on the owner, not per pod or ReplicaSet', () => {
    const hashed = { app: 'web', 'pod-template-hash': '7d9f' };
    const docs = [
      deployment('web', { app: 'web' }),
      replicaSet('web-7d9f', hashed, ref('Deployment', 'web')),
      podList(
        podItem('web-7d9f-a', hashed, ref('ReplicaSet', 'web-7d9f')),
        podItem('web-7d9f-b', hashed, ref('ReplicaSet', 'web-7d9f')),
      ),
      {
        apiVersion: 'v1',
        kind: 'ServiceList',
        items: [
          {
            metadata: { name: 'web', namespace: 'shop', uid: 's1' },
            spec: {
              clusterIP: '10.96.0.12',
              clusterIPs: ['10.96.0.12'],
              ipFamilies: ['IPv4'],
              ipFamilyPolicy: 'SingleStack',
              sessionAffinity: 'None',
              internalTrafficPolicy: 'Cluster',
              type: 'NodePort',
              externalTrafficPolicy: 'Cluster',
              selector: { app: 'web' },
              ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'htttp', nodePort: 31380 }],
            },
            status: { loadBalancer: {} },
          },
        ],
      },
    ];
    const result = lint([loadText('dump.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }))], {
      rules: RULES,
      settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] },
    });
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId}: ${f.message}`),
      [
        'service-target-port-unresolved: targetPort "htttp" (TCP) of Service "web" is not a port name of any selected pod (Deployment "shop/web"); selected pods define http/TCP; did you mean "http"?',
      ],
    );
  });

  // Random forests of Deployments, ReplicaSets and pods with random labels: every template is
  // kept or folded into a kept one with the same labels (controller labels aside) and the same
  // top-most owner; kept names are unique.
  it('folds every template once, into one with its labels (property)', () => {
    const labelSet = fc.constantFrom<Record<string, string>>({}, { v: '1' }, { v: '2' }, { w: '1' });
    const forest = fc.array(
      fc.record({
        deployment: fc.boolean(),
        labels: labelSet,
        sets: fc.array(
          fc.record({ present: fc.boolean(), labels: labelSet, pods: fc.array(labelSet, { maxLength: 3 }) }),
          { maxLength: 3 },
        ),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(forest, (tree) => {
        const docs: object[] = [];
        const pods: object[] = [];
        tree.forEach((d, di) => {
          const dn = `d${di}`;
          if (d.deployment) docs.push(deployment(dn, { app: dn, ...d.labels }));
          d.sets.forEach((s, si) => {
            const rn = `${dn}-r${si}`;
            const rl = { app: dn, ...s.labels, 'pod-template-hash': `h${si}` };
            if (s.present) docs.push(replicaSet(rn, rl, ref('Deployment', dn)));
            s.pods.forEach((pl, pi) =>
              pods.push(
                podItem(`${rn}-p${pi}`, { app: dn, ...pl, 'pod-template-hash': `h${si}` }, ref('ReplicaSet', rn)),
              ),
            );
          });
        });
        const model = build([...docs, podList(...pods)]);
        const all = model.podTemplates.flatMap((t) => [t, ...t.members]);
        const count = docs.length + pods.length;
        assert.equal(all.length, count);
        assert.equal(new Set(all).size, count);
        const kept = names(model.podTemplates);
        assert.equal(new Set(kept).size, kept.length);
        const sig = (t: PodTemplate) =>
          [...t.labels]
            .filter(([k]) => k !== 'pod-template-hash')
            .sort()
            .join();
        for (const t of model.podTemplates) for (const m of t.members) assert.equal(sig(m), sig(t));
      }),
    );
  });
});
