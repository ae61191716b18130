/**
 * The findings of service-reference-unresolved, built on the Service references of workloads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULE, client, env, lintTexts, service, workload } from '../support/references.js';

describe('service-reference-unresolved findings', () => {
  it('reports a ConfigMap value once, on the ConfigMap, relating every workload that reads it', () => {
    const r = lintTexts(
      [RULE],
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: shared
data:
  API_URL: http://api.default.svc.cluster.local:9090
${service('api')}${workload('api', { ports: [80] })}${workload('web', {
        body: '          env:\n            - name: API_URL\n              valueFrom:\n                configMapKeyRef:\n                  name: shared\n                  key: API_URL',
      })}${workload('worker', { body: '          envFrom:\n            - configMapRef:\n                name: shared' })}`,
    );
    assert.equal(r.findings.length, 1);
    const [f] = r.findings;
    assert.equal(f.object?.kind, 'ConfigMap');
    assert.equal(f.file.position(f.range[0]).line, 6);
    assert.match(f.message, /read as env API_URL by Deployment "default\/web", Deployment "default\/worker"/);
    assert.deepEqual(
      f.related.filter((l) => l.message.includes('reads')).map((l) => l.message),
      [
        'Deployment "default/web" reads ConfigMap "shared" key "API_URL"',
        'Deployment "default/worker" reads ConfigMap "shared" key "API_URL"',
      ],
    );
  });

  it('reports the same wrong value of two workloads of one file twice', () => {
    const r = lintTexts(
      [RULE],
      service('api', { target: 8080 }) +
        workload('api', { ports: [8080] }) +
        workload('web', { body: env({ A: 'http://api:8080' }) }) +
        workload('worker', { body: env({ A: 'http://api:8080' }) }),
    );
    assert.deepEqual(
      r.findings.map((f) => f.object?.name),
      ['web', 'worker'],
    );
    assert.ok(r.findings.every((f) => f.message.includes('8080 is the targetPort of its port 80')));
  });

  it('suggests a close Service name and the namespace where the name exists', () => {
    const r = lintTexts(
      [RULE],
      service('api', { ns: 'prod' }) +
        workload('api', { ns: 'prod', ports: [80] }) +
        service('search', { ns: 'staging' }) +
        workload('search', { ns: 'staging', ports: [80] }),
      client({ A: 'http://api.staging:80', B: 'http://serch.staging:80' }, 'staging'),
    );
    assert.deepEqual(
      r.findings.map((f) => f.message),
      [
        '"http://api.staging:80" refers to Service "api" in namespace "staging", which does not exist (env A of container "client"); a Service "api" exists in namespace "prod" (use api.prod)',
        '"http://serch.staging:80" refers to Service "serch" in namespace "staging", which does not exist (env B of container "client"); did you mean "search"?',
      ],
    );
  });

  it('explains headless Services by the ports their pods serve', () => {
    const r = lintTexts(
      [RULE],
      service('web', { headless: true, port: 80, target: 8080 }) +
        workload('web', { kind: 'StatefulSet', ports: [8080, 9100] }) +
        client({ A: 'web-1.web.default.svc:9090' }),
    );
    assert.equal(r.findings.length, 1);
    assert.match(r.findings[0].message, /which no pod of headless Service "web" serves \(.*they serve 8080, 9100\)/);
  });

  it('leaves a clean cluster slice clean with every rule enabled', () => {
    const r = lintTexts(
      'all',
      service('api', { port: 80, target: 8080 }) +
        workload('api', { ports: [8080] }) +
        workload('web', {
          ports: [3000],
          body: env({
            API_URL: 'http://api:80',
            DNS: 'kube-dns.kube-system.svc.cluster.local:53',
            LOCAL: 'localhost:9000',
          }),
        }),
    );
    assert.deepEqual(
      r.findings.map((f) => `${f.ruleId}: ${f.message}`),
      [],
    );
  });
});
