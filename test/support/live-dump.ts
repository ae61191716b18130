/**
 * Builders of the live-dump tests: a model of dumped objects (one object, or a List of several), the
 * endpoint names of pod templates, and objects as a cluster returns them (Deployments, ReplicaSets,
 * owner references, pods as PodList items with the fields the API server adds).
 */
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';
import type { PodTemplate } from '../../src/model/model.js';

export const build = (docs: unknown[]) =>
  buildModel(
    [
      loadText(
        'dump.json',
        JSON.stringify(docs.length === 1 ? docs[0] : { apiVersion: 'v1', kind: 'List', items: docs }),
      ),
    ],
    { defaultNamespace: 'default' },
  );
export const names = (templates: readonly PodTemplate[]) => templates.map((t) => t.endpointName).sort();

export const container = {
  name: 'app',
  image: 'app:1',
  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
};
export const deployment = (name: string, labels: Record<string, string>, uid?: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop', ...(uid ? { uid } : {}) },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container] } } },
});
export const ref = (kind: string, name: string, uid?: string, apiVersion = 'apps/v1') => ({
  apiVersion,
  kind,
  name,
  controller: true,
  blockOwnerDeletion: true,
  ...(uid ? { uid } : {}),
});
export const replicaSet = (name: string, labels: Record<string, string>, owner?: object) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'shop', labels, ...(owner ? { ownerReferences: [owner] } : {}) },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container] } } },
});
/** A Pod as a PodList item (no kind, no apiVersion). */
export const podItem = (name: string, labels: Record<string, string>, owner?: object) => ({
  metadata: {
    name,
    namespace: 'shop',
    labels,
    uid: `uid-${name}`,
    resourceVersion: '1',
    ...(owner ? { ownerReferences: [owner] } : {}),
  },
  spec: {
    containers: [{ ...container, terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent' }],
    dnsPolicy: 'ClusterFirst',
  },
  status: { phase: 'Running', podIP: '10.0.0.1' },
});
export const podList = (...items: object[]) => ({
  apiVersion: 'v1',
  kind: 'PodList',
  metadata: { resourceVersion: '9' },
  items,
});
