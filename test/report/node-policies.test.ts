/**
 * A workload node of the picture lists every policy that speaks for it: NetworkPolicies by
 * `namespace/name`, then the Admin tier, Cilium policies and the Baseline tier with their kind.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, inProcess } from '../support/util.js';

interface Node {
  id: string;
  policies?: { ingress: { name: string }[]; egress: { name: string }[] };
}

describe('picture: policies on workload nodes', () => {
  it('names admin-tier and Cilium policies beside NetworkPolicies (examples/tiers)', async () => {
    const r = await inProcess(['graph', '--no-config', '-f', 'json', '.'], { cwd: path.join(ROOT, 'examples/tiers') });
    assert.equal(r.code, 0, r.stderr);
    const nodes = (JSON.parse(r.stdout) as { nodes: Node[] }).nodes;
    const names = (id: string, dir: 'ingress' | 'egress') =>
      nodes.find((n) => n.id === id)?.policies?.[dir].map((p) => p.name);
    assert.deepEqual(names('wl:secure/db[Deployment]', 'ingress'), [
      'secure/db-from-api',
      'AdminNetworkPolicy protect-restricted',
      'BaselineAdminNetworkPolicy default',
    ]);
    assert.deepEqual(names('wl:web/api[Deployment]', 'egress'), [
      'CiliumNetworkPolicy web/api',
      'CiliumClusterwideNetworkPolicy no-metadata',
    ]);
  });
});
