/**
 * Cilium `toPorts` with protocol ANY, or without a protocol: the agent applies the port to TCP,
 * UDP and SCTP alike (each L4 protocol it knows), in allow and deny sections.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../src/graph/graph.js';
import { loadText } from '../../src/load/load.js';
import { buildModel } from '../../src/model/model.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { doc } from '../support/util.js';

function deploy(name: string, ports: { name: string; containerPort: number; protocol: string }[] = []): string {
  const labels = { app: name };
  return doc({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example/app:1', ports }] } },
    },
  });
}

function cnp(name: string, spec: unknown): string {
  return doc({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: 'shop' }, spec });
}

/** What shop/web may open to shop/api under these policies. */
function webToApi(...policies: string[]): string {
  const apiText = deploy('api', [
    { name: 'dns', containerPort: 5353, protocol: 'UDP' },
    { name: 'http', containerPort: 8080, protocol: 'TCP' },
  ]);
  const model = buildModel([loadText('t.yaml', deploy('web') + apiText + policies.join(''))], {
    defaultNamespace: 'default',
  });
  const e = new PolicyEngine(model, new Graph(model), {});
  const [web] = e.findPod('shop/web', 'default');
  const [api] = e.findPod('shop/api', 'default');
  return e.allowed({ kind: 'pod', pod: web }, { kind: 'pod', pod: api }).toString();
}

const fromWeb = { fromEndpoints: [{ matchLabels: { app: 'web' } }] };
const onApi = { endpointSelector: { matchLabels: { app: 'api' } } };

describe('Cilium toPorts: protocol ANY is TCP, UDP and SCTP', () => {
  for (const [what, port] of [
    ['protocol ANY', { port: '5000', protocol: 'ANY' }],
    ['protocol any (lower case)', { port: '5000', protocol: 'any' }],
    ['no protocol', { port: '5000' }],
  ] as const) {
    it(`${what}: the port on each protocol`, () => {
      const allow = cnp('allow', { ...onApi, ingress: [{ ...fromWeb, toPorts: [{ ports: [port] }] }] });
      assert.equal(webToApi(allow), 'TCP 5000,UDP 5000,SCTP 5000');
    });
  }

  it('a toPorts entry without ports: every port of each protocol', () => {
    const allow = cnp('allow', { ...onApi, ingress: [{ ...fromWeb, toPorts: [{ ports: [] }] }] });
    assert.equal(webToApi(allow), 'All Connections');
  });

  it('a deny rule with protocol ANY denies SCTP too', () => {
    const allowAll = cnp('all', { ...onApi, ingress: [fromWeb] });
    const deny = cnp('deny', { ...onApi, ingressDeny: [{ ...fromWeb, toPorts: [{ ports: [{ port: '5000' }] }] }] });
    assert.equal(webToApi(allowAll, deny), 'TCP 1-4999,5001-65535,UDP 1-4999,5001-65535,SCTP 1-4999,5001-65535');
  });

  it('an explicit protocol stays that one protocol', () => {
    const allow = cnp('allow', {
      ...onApi,
      ingress: [{ ...fromWeb, toPorts: [{ ports: [{ port: '5000', protocol: 'SCTP' }] }] }],
    });
    assert.equal(webToApi(allow), 'SCTP 5000');
  });

  it('a port name: with ANY, the container port of that name whatever its protocol; with a protocol, only of that one', () => {
    const named = (port: Record<string, string>) =>
      webToApi(cnp('allow', { ...onApi, ingress: [{ ...fromWeb, toPorts: [{ ports: [port] }] }] }));
    assert.equal(named({ port: 'dns' }), 'UDP 5353');
    assert.equal(named({ port: 'dns', protocol: 'ANY' }), 'UDP 5353');
    assert.equal(named({ port: 'dns', protocol: 'UDP' }), 'UDP 5353');
    assert.equal(named({ port: 'dns', protocol: 'TCP' }), 'No Connections');
    assert.equal(named({ port: 'http', protocol: 'TCP' }), 'TCP 8080');
  });
});
