/**
 * No silent gaps for dropped objects: connectivity, explain, diff and graph name on stderr what
 * they did not analyse because the model dropped it (documents that are not objects, objects
 * without identity fields, earlier definitions of an object defined again), one warning line per
 * kind of drop with up to three places, through the command table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCommand, tmp, warningLines as warnings } from '../support/util.js';

const run = (command: string, args: string[], cwd: string) =>
  runCommand(command, ['--no-config', '--kustomize-command', 'none', ...args], cwd);

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: example/${name}:1, ports: [{containerPort: 8080}]}]}
---
`;
const APP = deployment('web') + deployment('api');
const service = (name: string, port: number, meta = `{name: ${name}, namespace: shop}`) =>
  `apiVersion: v1\nkind: Service\nmetadata: ${meta}\nspec: {selector: {app: ${name}}, ports: [{port: ${port}, targetPort: 8080}]}\n---\n`;

const NETWORK_RUNS: [string, string[]][] = [
  ['connectivity', ['.']],
  ['explain', ['shop/web', 'shop/api', '.']],
  ['graph', ['-f', 'json', '.']],
];

describe('dropped objects: the network commands say what they did not analyse', () => {
  it('a document that is not an object, an object without a name, and a Service defined twice: one line each, at their places', async () => {
    const dir = tmp({
      'app.yaml': APP,
      'svc.yaml':
        service('api', 80) +
        '- a list\n- not an object\n---\n' +
        service('api', 80, '{namespace: shop}') +
        service('api', 81),
    });
    for (const [cmd, args] of NETWORK_RUNS) {
      const r = await run(cmd, args, dir);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        warnings(r.stderr),
        [
          'kube-netlint: warning: 1 document is not a Kubernetes object and is not analysed (svc.yaml:6:1)',
          'kube-netlint: warning: 1 object lacks apiVersion, kind or metadata.name: the API server would reject it, and the analysis leaves it out or reads it in part (svc.yaml:11:1)',
          'kube-netlint: warning: 1 object is defined again later in the input and is not analysed (the last definition wins) (svc.yaml:1:1)',
        ],
        `${cmd}: ${r.stderr}`,
      );
    }
    const clean = tmp({ 'app.yaml': APP });
    const diff = await run('diff', [clean, '.'], dir);
    const w = warnings(diff.stderr);
    assert.equal(w.length, 3, diff.stderr);
    for (const l of w)
      assert.match(l, /^kube-netlint: warning: in \.: /, 'only the side with the drops warns, and is named');
  });

  it('lists three places, then how many more', async () => {
    const dir = tmp({
      'app.yaml': APP,
      'junk.yaml': service('api', 80) + Array.from({ length: 5 }, (_, i) => `- item ${i}\n---\n`).join(''),
    });
    const r = await run('connectivity', ['.'], dir);
    assert.deepEqual(warnings(r.stderr), [
      'kube-netlint: warning: 5 documents are not a Kubernetes object and are not analysed (junk.yaml:6:1, junk.yaml:8:1, junk.yaml:10:1, and 2 more)',
    ]);
  });

  it('a repeated object without network meaning and a tool configuration document are passed over in silence', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n---\n';
    const dir = tmp({
      'app.yaml': APP + service('api', 80),
      'cm.yaml': cm + cm,
      'kind.yaml': 'apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes: [{role: control-plane}]\n',
    });
    for (const [cmd, args] of NETWORK_RUNS) {
      const r = await run(cmd, args, dir);
      assert.deepEqual(warnings(r.stderr), [], `${cmd}: ${r.stderr}`);
    }
  });

  it('items of a list without identity fields are named at the item', async () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {namespace: shop}\n    spec: {ports: [{port: 80}]}\n`;
    const dir = tmp({ 'app.yaml': APP, 'list.yaml': list });
    const r = await run('connectivity', ['.'], dir);
    assert.deepEqual(warnings(r.stderr), [
      'kube-netlint: warning: 1 object lacks apiVersion, kind or metadata.name: the API server would reject it, and the analysis leaves it out or reads it in part (list.yaml:6:5)',
    ]);
  });
});
