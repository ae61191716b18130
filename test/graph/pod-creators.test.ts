/** Workloads whose ServiceAccount may create pods in their namespace (src/graph/pod-creators.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findPodCreators } from '../../src/graph/pod-creators.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';

const deploy = (name: string, ns: string, sa?: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
${sa ? `      serviceAccountName: ${sa}\n` : ''}      containers: [{name: main, image: example/${name}:1}]
`;
const role = (kind: 'Role' | 'ClusterRole', name: string, verbs: string, ns?: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [${verbs}]}
`;
const binding = (
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  roleKind: string,
  roleName: string,
  subject: string,
  ns?: string,
) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: {name: b-${roleName}${ns ? `, namespace: ${ns}` : ''}}
subjects: [${subject}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${roleKind}, name: ${roleName}}
`;

function creators(text: string): string[] {
  const model = buildModel([loadText('f.yaml', text)], { defaultNamespace: 'default' });
  return [...findPodCreators(model)].flatMap(([ns, list]) => list.map((c) => `${ns}/${c.pod.workload.name}`)).sort();
}

describe('findPodCreators', () => {
  it('a RoleBinding grants its namespace only; a Role without create grants nothing', () => {
    const text =
      deploy('op', 'a', 'op') +
      deploy('op', 'b', 'op') +
      deploy('reader', 'a', 'reader') +
      role('Role', 'make-pods', 'create', 'a') +
      role('Role', 'read-pods', 'get, list', 'a') +
      binding('RoleBinding', 'Role', 'make-pods', '{kind: ServiceAccount, name: op, namespace: a}', 'a') +
      binding('RoleBinding', 'Role', 'read-pods', '{kind: ServiceAccount, name: reader, namespace: a}', 'a');
    assert.deepEqual(creators(text), ['a/op']);
  });

  it('a ClusterRoleBinding grants every namespace; groups of service accounts and the default account count', () => {
    const text =
      deploy('op', 'a', 'op') +
      deploy('op', 'b', 'op') +
      deploy('plain', 'c') +
      deploy('other', 'd') +
      role('ClusterRole', 'make-pods', '"*"') +
      binding('ClusterRoleBinding', 'ClusterRole', 'make-pods', '{kind: ServiceAccount, name: op, namespace: a}') +
      binding('RoleBinding', 'ClusterRole', 'make-pods', '{kind: Group, name: "system:serviceaccounts:c"}', 'c');
    assert.deepEqual(creators(text), ['a/op', 'c/plain']);
  });
});
