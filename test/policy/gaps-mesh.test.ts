/**
 * The scope of the Linkerd and Cilium host-policy gaps (src/policy/gaps.ts, gaps-policies.ts): which
 * pairs of endpoints each may touch. Their warnings and findings are checked in gaps.test.ts and
 * the rule fixtures.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisGaps, gapsTouching } from '../../src/policy/gaps.js';
import { APP, deployment, modelOf, pod } from '../support/gaps.js';

describe('gapsTouching: Linkerd and Cilium host policies', () => {
  it('Linkerd: kinds touch their namespace (istio-system included), a pod annotation its workload', () => {
    const {
      model: m2,
      graph: g2,
      engine: e2,
    } = modelOf(
      APP +
        deployment('istio-system', 'x') +
        deployment('ops', 'meshed').replace(
          'labels: {app: meshed}',
          'labels: {app: meshed}\n      annotations: {config.linkerd.io/default-inbound-policy: all-authenticated}',
        ) +
        'apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: a, namespace: istio-system}\n---\n',
    );
    const g = analysisGaps(m2, g2);
    const kinds = (a: string, b: string) =>
      gapsTouching(g, pod(e2, a), pod(e2, b))
        .map((x) => x.key)
        .sort();
    assert.deepEqual(kinds('shop/web', 'shop/api'), [], 'not mesh-wide: Linkerd has no root namespace');
    assert.deepEqual(kinds('shop/web', 'istio-system/x'), ['policy.linkerd.io/AuthorizationPolicy']);
    assert.deepEqual(kinds('shop/web', 'ops/meshed'), ['config.linkerd.io/default-inbound-policy']);
    assert.deepEqual(kinds('shop/web', 'ops/tool'), []);
  });

  it('a Cilium host policy touches hostNetwork pods only', () => {
    const {
      model: m2,
      graph: g2,
      engine: e2,
    } = modelOf(
      APP +
        deployment('ops', 'agent', '\n      hostNetwork: true') +
        'apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: h}\n' +
        'spec:\n  nodeSelector: {}\n  ingress: [{fromEntities: [cluster]}]\n---\n',
    );
    const g = analysisGaps(m2, g2);
    const host = g.filter((x) => x.kind === 'host-policy');
    assert.equal(host.length, 1);
    assert.deepEqual(host[0].items[0].path, ['spec', 'nodeSelector']);
    assert.deepEqual(
      gapsTouching(host, pod(e2, 'shop/web'), pod(e2, 'shop/api')),
      [],
      'pods keep their own connections',
    );
    assert.equal(gapsTouching(host, pod(e2, 'shop/web'), pod(e2, 'ops/agent')).length, 1);
  });
});
