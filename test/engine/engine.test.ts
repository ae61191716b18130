import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULES } from '../../rules/index.js';
import { lint } from '../../src/engine/runner.js';
import { loadText } from '../../src/load/load.js';

const run = (...texts: string[]) =>
  lint(
    texts.map((t, i) => loadText(`f${i}.yaml`, t)),
    { rules: RULES, settings: { defaultNamespace: 'default', nodePortRange: [30000, 32767] } },
  );

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: frontend}}
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{name: http, containerPort: 8080}]
`;
const SVC = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web, tier: fronted}
  ports: [{name: http, port: 80, targetPort: htp}]
`;

describe('suggestions', () => {
  it('offers the closest label value and port name as fixes', () => {
    const r = run(SVC, DEPLOY);
    const sel = r.findings.find((f) => f.ruleId === 'service-selector-no-pods');
    assert.deepEqual(
      sel?.suggestions.map((s) => [s.replacement, s.file.text.slice(...s.range)]),
      [['frontend', 'fronted']],
    );
    const fixed = run(SVC.replace('fronted', 'frontend'), DEPLOY);
    const port = fixed.findings.find((f) => f.ruleId === 'service-target-port-unresolved');
    assert.deepEqual(
      port?.suggestions.map((s) => [s.replacement, s.file.text.slice(...s.range)]),
      [['http', 'htp']],
    );
  });
});

describe('fingerprints', () => {
  it('survive moving an object and editing others, and differ between findings', () => {
    const before = run(SVC, DEPLOY).findings.map((f) => f.fingerprint);
    const moved = run(
      `# a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n${SVC}`,
      DEPLOY,
    ).findings.map((f) => f.fingerprint);
    assert.deepEqual(moved, before);
    assert.equal(new Set(before).size, before.length);
  });
});
